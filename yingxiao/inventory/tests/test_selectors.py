"""Shortfalls (需求与库存的确认): suggested = safety stock + demand − available − (open requests + in
transit), so a pending request is counted and nothing is asked twice; and who sees which warehouses."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yingxiao.catalog.models import Product
from yingxiao.inventory.choices import OPEN_TRANSFER_STATES, MovementKind
from yingxiao.inventory.models import TransferLine
from yingxiao.inventory.selectors import current_period, shortfalls_for
from yingxiao.inventory.services import demand_record, safety_stock_set, stock_move
from yingxiao.org.models import Region

from .helpers import level, new_transfer, person, take, warehouse

pytestmark = pytest.mark.django_db


def free_product(destination: str = "WH-E") -> Product:
    """An active product with no open request to the destination, so the figures below are exact."""
    busy = TransferLine.objects.filter(
        request__destination_warehouse__code=destination, request__status__in=OPEN_TRANSFER_STATES
    ).values("product")
    return Product.objects.filter(active=True).exclude(pk__in=busy).order_by("code").first()


def arrange(product, *, safety: int, demand: int, available: int, wh: str = "WH-E", region: str = "east"):
    """Put exact safety stock, this month's demand and available stock in place (through the services)."""
    keeper = person("warehouse")
    safety_stock_set(actor=keeper, product=product, warehouse=warehouse(wh), safety_stock=safety)
    lv = level(product, wh)
    if lv.available != available:
        stock_move(
            actor=keeper,
            product=product,
            warehouse=lv.warehouse,
            kind=MovementKind.RECEIPT,
            on_hand=available - lv.available,
        )
    demand_record(
        actor=person(f"rep_{region}"),
        region=Region.objects.get(code=region),
        product=product,
        period=current_period(),
        quantity=demand,
    )
    return level(product, wh)


def row_for(username: str, product, wh: str = "WH-E"):
    return next(
        (
            s
            for s in shortfalls_for(person(username))
            if s.level.product_id == product.pk and s.level.warehouse.code == wh
        ),
        None,
    )


def test_the_suggestion_is_safety_plus_demand_minus_available_minus_what_is_coming():
    product = free_product()
    lv = arrange(product, safety=50, demand=30, available=10)
    assert lv.in_transit == 0
    row = row_for("rep_east", product)
    assert (row.available, row.demand, row.requested, row.suggested) == (10, 30, 0, 50 + 30 - 10)


def test_a_pending_request_is_counted_through_its_whole_life_so_nothing_is_asked_twice():
    product = free_product()
    arrange(product, safety=50, demand=30, available=10)  # suggests 70
    document = new_transfer(lines=[(product, 20)])
    assert (row_for("rep_east", product).requested, row_for("rep_east", product).suggested) == (20, 50)
    document = take(document, "submit", "rep_east")
    line = document.lines.get()
    document = take(
        document, "approve", "manager_east", data={f"qty_{line.pk}": 15}
    )  # the cut is what counts
    assert (row_for("rep_east", product).requested, row_for("rep_east", product).suggested) == (15, 55)
    document = take(document, "approve", "director")
    assert row_for("rep_east", product).suggested == 55
    document = take(document, "ship", "warehouse")  # no longer an open request, but in transit
    assert level(product, "WH-E").in_transit == 15
    assert (row_for("rep_east", product).requested, row_for("rep_east", product).suggested) == (15, 55)
    document = take(document, "receive", "warehouse")  # now on hand
    row = row_for("rep_east", product)
    assert (row.available, row.requested, row.suggested) == (25, 0, 55)


def test_asking_for_the_whole_suggestion_clears_the_shortfall():
    product = free_product()
    arrange(product, safety=40, demand=0, available=5)
    assert row_for("rep_east", product).suggested == 35
    new_transfer(lines=[(product, 35)])
    assert row_for("rep_east", product) is None


def test_a_withdrawn_request_no_longer_counts():
    product = free_product()
    arrange(product, safety=40, demand=0, available=5)
    document = new_transfer(lines=[(product, 35)])
    document = take(document, "withdraw", "rep_east")
    assert row_for("rep_east", product).suggested == 35


def test_only_this_months_demand_counts_and_covered_products_are_not_listed():
    product = free_product()
    arrange(product, safety=20, demand=0, available=100)
    assert row_for("rep_east", product) is None
    last_month = (current_period() - timedelta(days=1)).replace(day=1)
    demand_record(
        actor=person("rep_east"),
        region=Region.objects.get(code="east"),
        product=product,
        period=last_month,
        quantity=500,
    )
    assert row_for("rep_east", product) is None
    # asked for that month, it shows
    [row] = [
        s for s in shortfalls_for(person("rep_east"), period=last_month) if s.level.product_id == product.pk
    ]
    assert (row.demand, row.suggested) == (500, 20 + 500 - 100)


def test_each_regional_user_sees_only_his_regions_warehouses():
    east_codes = {s.level.warehouse.code for s in shortfalls_for(person("rep_east"))}
    north_codes = {s.level.warehouse.code for s in shortfalls_for(person("manager_north"))}
    assert east_codes == {"WH-E"}  # the demo has products short in every region
    assert north_codes == {"WH-N"}
    assert {s.level.warehouse.code for s in shortfalls_for(person("director"))} == {
        "WH-E",
        "WH-N",
        "WH-S",
        "WH-W",
    }
    assert shortfalls_for(person("dist_e01")) == []
    # company-wide staff see every region's shortfalls
    assert {s.level.warehouse.code for s in shortfalls_for(person("finance"))} == {
        "WH-E",
        "WH-N",
        "WH-S",
        "WH-W",
    }


def test_the_shortfall_list_is_one_query_whatever_the_number_of_rows():
    user = person("director")
    shortfalls_for(user)  # warm the user's scope
    with CaptureQueriesContext(connection) as captured:
        rows = shortfalls_for(user)
    assert len(rows) > 5
    assert len(captured) == 1
