"""Stock: the movement ledger, non-negative stock (service and database), and what each transfer step
does to stock: HQ approval reserves, ship moves out and into transit, receive moves into stock on hand."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from yingxiao.inventory.choices import MovementKind
from yingxiao.inventory.models import StockLevel, StockMovement, TransferLine, TransferRequest
from yingxiao.inventory.services import stock_move, stock_receive, transfer_create, transfer_update

from .helpers import (
    events,
    level,
    new_transfer,
    person,
    snapshot,
    stocked_products,
    take,
    transfer_in,
    warehouse,
)

pytestmark = pytest.mark.django_db


def movements_of(document) -> list[tuple]:
    return list(
        StockMovement.objects.filter(reference=document.number)
        .order_by("id")
        .values_list(
            "kind", "warehouse__code", "product__code", "on_hand_delta", "reserved_delta", "in_transit_delta"
        )
    )


def set_available(product, warehouse_code: str, available: int) -> StockLevel:
    """Issue stock so that exactly `available` units are free at a warehouse (through the ledger)."""
    lv = level(product, warehouse_code)
    stock_move(
        actor=person("warehouse"),
        product=product,
        warehouse=lv.warehouse,
        kind=MovementKind.ISSUE,
        on_hand=available - lv.available,
    )
    return level(product, warehouse_code)


# --- the ledger and non-negative stock -----------------------------------------------------------------


@pytest.mark.parametrize(
    "deltas",
    [{"on_hand": -10_000}, {"reserved": -1}, {"in_transit": -1}, {"reserved": 10_000}],
    ids=["on_hand", "reserved", "in_transit", "reserve-more-than-on-hand"],
)
def test_stock_move_refuses_to_go_negative(deltas):
    [product] = stocked_products("WH-E", 1)
    before = level(product, "WH-E")
    movements = StockMovement.objects.count()
    with pytest.raises(ValidationError) as refused:
        stock_move(
            actor=person("warehouse"),
            product=product,
            warehouse=before.warehouse,
            kind=MovementKind.ISSUE,
            **deltas,
        )
    assert "quantity" in refused.value.message_dict
    after = level(product, "WH-E")
    assert (after.on_hand, after.reserved, after.in_transit) == (
        before.on_hand,
        before.reserved,
        before.in_transit,
    )
    assert StockMovement.objects.count() == movements


def test_stock_move_writes_a_ledger_line_and_creates_a_missing_level():
    [product] = stocked_products("WH-HQ1", 1)
    StockLevel.objects.filter(product=product, warehouse__code="WH-HQ2").delete()
    move = stock_receive(
        actor=person("warehouse"), product=product, warehouse=warehouse("WH-HQ2"), quantity=7
    )
    assert (move.kind, move.on_hand_delta, move.actor.username) == (MovementKind.RECEIPT, 7, "warehouse")
    assert level(product, "WH-HQ2").on_hand == 7


def test_only_the_warehouse_department_receives_goods():
    [product] = stocked_products("WH-HQ1", 1)
    with pytest.raises(PermissionDenied):
        stock_receive(actor=person("rep_east"), product=product, warehouse=warehouse("WH-E"), quantity=5)
    with pytest.raises(ValidationError):
        stock_receive(actor=person("warehouse"), product=product, warehouse=warehouse("WH-E"), quantity=0)


@pytest.mark.parametrize(
    "values",
    [
        {"on_hand": -1, "reserved": 0},
        {"reserved": -1},
        {"in_transit": -1},
        {"safety_stock": -1},
        "reserved>on_hand",
    ],
    ids=["on_hand", "reserved", "in_transit", "safety", "reserved-over-on-hand"],
)
def test_the_database_refuses_negative_stock_even_from_raw_updates(values):
    lv = StockLevel.objects.filter(warehouse__code="WH-E", on_hand__gt=0).first()
    if values == "reserved>on_hand":
        values = {"reserved": lv.on_hand + 1}
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=lv.pk).update(**values)
    fresh = StockLevel.objects.get(pk=lv.pk)
    assert (fresh.on_hand, fresh.reserved, fresh.in_transit) == (lv.on_hand, lv.reserved, lv.in_transit)


def test_every_stock_level_equals_the_sum_of_its_movements():
    """After a full transfer, a cut, a stock-check adjustment and the demo's history: nothing moved without a
    ledger line."""
    take(transfer_in("hq_review"), "approve", "director")  # a reservation left open
    transfer_in("received")
    mismatched = []
    totals = {
        (row["product"], row["warehouse"]): row
        for row in StockMovement.objects.values("product", "warehouse").annotate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"), in_transit=Sum("in_transit_delta")
        )
    }
    for lv in StockLevel.objects.all():
        row = totals.get((lv.product_id, lv.warehouse_id), {"on_hand": 0, "reserved": 0, "in_transit": 0})
        if (lv.on_hand, lv.reserved, lv.in_transit) != (row["on_hand"], row["reserved"], row["in_transit"]):
            mismatched.append((lv, row))
    assert mismatched == []


# --- the transfer's stock ---------------------------------------------------------------------------


def test_hq_approval_creates_a_warehouse_order_and_reserves_at_the_source():
    a, b = stocked_products("WH-HQ1", 2)
    document = transfer_in("hq_review", lines=[(a, 4), (b, 6)])
    before_a, before_b = level(a, "WH-HQ1"), level(b, "WH-HQ1")
    document = take(document, "approve", "director")
    document.refresh_from_db()
    assert document.status == "at_warehouse"
    assert document.order_number.startswith("CK-")
    assert events(document)[-1].data["order"] == document.order_number
    assert level(a, "WH-HQ1").reserved == before_a.reserved + 4
    assert level(b, "WH-HQ1").reserved == before_b.reserved + 6
    assert level(a, "WH-HQ1").on_hand == before_a.on_hand
    assert movements_of(document) == [
        (MovementKind.RESERVE, "WH-HQ1", a.code, 0, 4, 0),
        (MovementKind.RESERVE, "WH-HQ1", b.code, 0, 6, 0),
    ]


def test_hq_approval_of_more_than_is_available_is_refused_and_changes_nothing():
    a, b = stocked_products("WH-HQ1", 2)
    set_available(b, "WH-HQ1", 5)
    document = transfer_in("hq_review", lines=[(a, 4), (b, 6)])
    before, movements = snapshot(document), StockMovement.objects.count()
    before_a, before_b = level(a, "WH-HQ1"), level(b, "WH-HQ1")
    with pytest.raises(ValidationError) as refused:
        document = take(document, "approve", "director")
    assert "quantity" in refused.value.message_dict
    assert snapshot(document) == before
    assert level(a, "WH-HQ1").reserved == before_a.reserved  # line a had been reserved, then rolled back
    assert (level(b, "WH-HQ1").reserved, level(b, "WH-HQ1").available) == (before_b.reserved, 5)
    assert StockMovement.objects.count() == movements
    # the director can cut the line to what is there, and then it goes through
    line_b = document.lines.get(product=b)
    document = take(document, "approve", "director", data={f"qty_{line_b.pk}": 5})
    assert level(b, "WH-HQ1").available == 0


def test_ship_moves_stock_out_of_the_source_and_into_transit_at_the_destination():
    a, b = stocked_products("WH-HQ1", 2)
    document = transfer_in("at_warehouse", lines=[(a, 4), (b, 6)])
    src_a, dst_a = level(a, "WH-HQ1"), level(a, "WH-E")
    document = take(document, "ship", "warehouse")
    assert (level(a, "WH-HQ1").on_hand, level(a, "WH-HQ1").reserved) == (
        src_a.on_hand - 4,
        src_a.reserved - 4,
    )
    assert level(a, "WH-E").in_transit == dst_a.in_transit + 4
    assert level(a, "WH-E").on_hand == dst_a.on_hand
    assert movements_of(document)[2:] == [
        (MovementKind.TRANSFER_OUT, "WH-HQ1", a.code, -4, -4, 0),
        (MovementKind.IN_TRANSIT, "WH-E", a.code, 0, 0, 4),
        (MovementKind.TRANSFER_OUT, "WH-HQ1", b.code, -6, -6, 0),
        (MovementKind.IN_TRANSIT, "WH-E", b.code, 0, 0, 6),
    ]
    document.refresh_from_db()
    assert document.shipped_at is not None


def test_receive_moves_the_goods_in_transit_into_stock_on_hand():
    [a] = stocked_products("WH-HQ1", 1)
    document = transfer_in("in_transit", lines=[(a, 4)])
    dst = level(a, "WH-E")
    document = take(document, "receive", "warehouse")
    assert (level(a, "WH-E").on_hand, level(a, "WH-E").in_transit) == (dst.on_hand + 4, dst.in_transit - 4)
    assert movements_of(document)[-1] == (MovementKind.TRANSFER_IN, "WH-E", a.code, 4, 0, -4)


def test_withdrawing_or_rejecting_reserves_nothing():
    [a] = stocked_products("WH-HQ1", 1)
    before = level(a, "WH-HQ1").reserved
    transfer_in("withdrawn", lines=[(a, 4)])
    transfer_in("recheck", lines=[(a, 4)])
    assert level(a, "WH-HQ1").reserved == before


# --- approvers cut, never raise ------------------------------------------------------------------------


def test_approvers_can_cut_quantities_and_the_event_records_the_change():
    a, b = stocked_products("WH-HQ1", 2)
    document = transfer_in("manager_review", lines=[(a, 10), (b, 6)])
    line_a = document.lines.get(product=a)
    document = take(document, "approve", "manager_east", data={f"qty_{line_a.pk}": 7})
    line_a.refresh_from_db()
    assert (line_a.quantity, line_a.approved_quantity, line_a.effective_quantity) == (10, 7, 7)
    assert events(document)[-1].data == {"changes": [f"{a.code}: 10 → 7"]}
    # HQ cuts again, below the manager's figure; the reservation follows the approved quantity
    before = level(a, "WH-HQ1").reserved
    document = take(document, "approve", "director", data={f"qty_{line_a.pk}": 5})
    assert events(document)[-1].data["changes"] == [f"{a.code}: 7 → 5"]
    assert level(a, "WH-HQ1").reserved == before + 5
    in_transit = level(a, "WH-E").in_transit
    document = take(document, "ship", "warehouse")
    assert level(a, "WH-E").in_transit == in_transit + 5
    assert movements_of(document)[2] == (MovementKind.TRANSFER_OUT, "WH-HQ1", a.code, -5, -5, 0)


@pytest.mark.parametrize("state, who", [("manager_review", "manager_east"), ("hq_review", "director")])
def test_approvers_cannot_raise_quantities(state, who):
    [a] = stocked_products("WH-HQ1", 1)
    document = transfer_in(state, lines=[(a, 10)])
    line = document.lines.get()
    before = snapshot(document)
    with pytest.raises(ValidationError) as refused:
        document = take(document, "approve", who, data={f"qty_{line.pk}": 11})
    assert f"qty_{line.pk}" in refused.value.message_dict
    assert snapshot(document) == before
    line.refresh_from_db()
    assert line.approved_quantity is None


def test_cutting_every_line_to_zero_is_refused():
    [a] = stocked_products("WH-HQ1", 1)
    document = transfer_in("manager_review", lines=[(a, 10)])
    line = document.lines.get()
    with pytest.raises(ValidationError) as refused:
        document = take(document, "approve", "manager_east", data={f"qty_{line.pk}": 0})
    assert "lines" in refused.value.message_dict
    assert snapshot(document)[0] == "manager_review"


def test_a_line_cut_to_zero_moves_nothing():
    a, b = stocked_products("WH-HQ1", 2)
    document = transfer_in("hq_review", lines=[(a, 3), (b, 4)])
    line_b = document.lines.get(product=b)
    before_b = level(b, "WH-HQ1")
    document = take(document, "approve", "director", data={f"qty_{line_b.pk}": 0})
    document = take(document, "ship", "warehouse")
    assert level(b, "WH-HQ1").on_hand == before_b.on_hand
    assert [m[2] for m in movements_of(document)] == [a.code, a.code, a.code]


def test_the_database_refuses_an_approved_quantity_above_the_requested_one():
    document = new_transfer()
    line = document.lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferLine.objects.filter(pk=line.pk).update(approved_quantity=line.quantity + 1)


# --- drafting ------------------------------------------------------------------------------------------


def test_transfer_create_validates_its_input():
    [a] = stocked_products("WH-HQ1", 1)
    rep, hq, east, north = person("rep_east"), warehouse("WH-HQ1"), warehouse("WH-E"), warehouse("WH-N")
    kwargs = {
        "actor": rep,
        "source_warehouse": hq,
        "destination_warehouse": east,
        "wanted_by": date(2099, 1, 1),
    }
    count = TransferRequest.objects.count()
    with pytest.raises(ValidationError) as refused:
        transfer_create(**{**kwargs, "destination_warehouse": hq}, lines=[(a, 1, "")])
    assert "destination_warehouse" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        transfer_create(**kwargs, lines=[(a, 0, "")])
    assert "lines" in refused.value.message_dict
    with pytest.raises(ValidationError):
        transfer_create(**kwargs, lines=[(a, 1, ""), (a, 2, "")])
    with pytest.raises(ValidationError):
        transfer_create(**kwargs, lines=[])
    with pytest.raises(PermissionDenied):
        transfer_create(**{**kwargs, "destination_warehouse": north}, lines=[(a, 1, "")])
    with pytest.raises(ValidationError) as refused:  # returned goods in quarantine are not for sale
        transfer_create(**{**kwargs, "source_warehouse": warehouse("WH-QC")}, lines=[(a, 1, "")])
    assert "source_warehouse" in refused.value.message_dict
    assert TransferRequest.objects.count() == count


def test_only_the_requester_changes_a_draft_and_only_while_it_is_a_draft():
    document = new_transfer()
    [a] = stocked_products("WH-HQ1", 1)
    fields = {
        "source_warehouse": warehouse("WH-HQ2"),
        "destination_warehouse": warehouse("WH-E"),
        "wanted_by": document.wanted_by,
        "lines": [(a, 9, "改")],
    }
    with pytest.raises(PermissionDenied):
        transfer_update(actor=person("manager_east"), transfer=document, **fields)
    changed = transfer_update(actor=person("rep_east"), transfer=document, **fields)
    assert [(ln.product, ln.quantity) for ln in changed.lines.all()] == [(a, 9)]
    assert changed.source_warehouse.code == "WH-HQ2"
    document = take(document, "submit", "rep_east")
    with pytest.raises(ValidationError):
        transfer_update(actor=person("rep_east"), transfer=document, **fields)
