"""Writes for stock, demand, stock checks and transfer requests. Every stock change is a movement."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingxiao.accounts.choices import REGIONAL_ROLES, Role
from yingxiao.accounts.models import User
from yingxiao.accounts.selectors import scope_of
from yingxiao.catalog.models import Product
from yingxiao.org.choices import WarehouseKind
from yingxiao.org.models import Region, Warehouse
from yingxiao.workflow.services import document_start, next_number

from .choices import MovementKind, StockCheckStatus, TransferStatus
from .models import (
    Demand,
    StockCheck,
    StockCheckLine,
    StockLevel,
    StockMovement,
    TransferLine,
    TransferRequest,
)

# --- stock ------------------------------------------------------------------------------------------


def _locked_level(product: Product, warehouse: Warehouse) -> StockLevel:
    """The stock level row, created if missing, locked for this transaction."""
    for _attempt in range(2):
        level = StockLevel.objects.select_for_update().filter(product=product, warehouse=warehouse).first()
        if level is not None:
            return level
        try:
            with transaction.atomic():
                StockLevel.objects.create(product=product, warehouse=warehouse)
        except IntegrityError:  # created meanwhile by another transaction
            continue
    return StockLevel.objects.select_for_update().get(product=product, warehouse=warehouse)


@transaction.atomic
def stock_move(
    *,
    actor: User,
    product: Product,
    warehouse: Warehouse,
    kind: str,
    on_hand: int = 0,
    reserved: int = 0,
    in_transit: int = 0,
    reference: str = "",
    note: str = "",
) -> StockMovement:
    """Change a stock level by the given deltas and write the ledger line. The row is locked, and a change
    that would make on hand, reserved or in transit negative (or reserve more than is on hand) is refused."""
    level = _locked_level(product, warehouse)
    new_on_hand, new_reserved = level.on_hand + on_hand, level.reserved + reserved
    new_in_transit = level.in_transit + in_transit
    if min(new_on_hand, new_reserved, new_in_transit) < 0 or new_reserved > new_on_hand:
        raise ValidationError(
            {
                "quantity": _("Not enough stock of %(product)s in %(warehouse)s: %(available)d available.")
                % {"product": product, "warehouse": warehouse, "available": level.available}
            }
        )
    level.on_hand, level.reserved, level.in_transit = new_on_hand, new_reserved, new_in_transit
    level.save(update_fields=["on_hand", "reserved", "in_transit"])
    return StockMovement.objects.create(
        product=product,
        warehouse=warehouse,
        kind=kind,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        in_transit_delta=in_transit,
        reference=reference,
        note=note[:200],
        actor=actor,
    )


def _require_stock_keeper(actor: User, warehouse: Warehouse) -> None:
    scope = scope_of(actor)
    if not (scope.role_reaches(Role.WAREHOUSE, warehouse_id=warehouse.pk) or scope.is_admin):
        raise PermissionDenied(_("Only the warehouse department may do this for %(wh)s.") % {"wh": warehouse})


@transaction.atomic
def safety_stock_set(*, actor: User, product: Product, warehouse: Warehouse, safety_stock: int) -> StockLevel:
    """Set the safety stock of a product in a warehouse (warehouse department)."""
    _require_stock_keeper(actor, warehouse)
    if safety_stock < 0:
        raise ValidationError({"safety_stock": _("Safety stock cannot be negative.")})
    level = _locked_level(product, warehouse)
    level.safety_stock = safety_stock
    level.save(update_fields=["safety_stock"])
    return level


@transaction.atomic
def stock_receive(
    *, actor: User, product: Product, warehouse: Warehouse, quantity: int, reference: str = "", note: str = ""
) -> StockMovement:
    """Goods in (production or purchase) — warehouse department."""
    _require_stock_keeper(actor, warehouse)
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be greater than zero.")})
    return stock_move(
        actor=actor,
        product=product,
        warehouse=warehouse,
        kind=MovementKind.RECEIPT,
        on_hand=quantity,
        reference=reference,
        note=note,
    )


# --- demand -----------------------------------------------------------------------------------------


def _require_region_role(actor: User, region: Region, roles=REGIONAL_ROLES) -> None:
    scope = scope_of(actor)
    company = (Role.MARKET_MANAGER, Role.MARKETING_DIRECTOR)
    if not any(scope.role_reaches(r, region_id=region.pk) for r in (*roles, *company)):
        raise PermissionDenied(_("You do not work in region %(region)s.") % {"region": region})


@transaction.atomic
def demand_record(
    *, actor: User, region: Region, product: Product, period: date, quantity: int, note: str = ""
) -> Demand:
    """Record (or correct) the expected demand for a product in a region and month."""
    _require_region_role(actor, region)
    if quantity < 0:
        raise ValidationError({"quantity": _("The quantity cannot be negative.")})
    demand = Demand.objects.filter(region=region, product=product, period=period).first()
    if demand is None:
        demand = Demand(region=region, product=product, period=period, created_by=actor)
    demand.quantity, demand.note = quantity, note
    demand.full_clean()
    demand.save()
    return demand


# --- stock checks -----------------------------------------------------------------------------------


def _require_check_recorder(actor: User, warehouse: Warehouse) -> None:
    scope = scope_of(actor)
    regional = warehouse.region_id and any(
        scope.role_reaches(r, region_id=warehouse.region_id) for r in REGIONAL_ROLES
    )
    if not (regional or scope.role_reaches(Role.WAREHOUSE, warehouse_id=warehouse.pk)):
        raise PermissionDenied(_("You may not record stock checks for %(wh)s.") % {"wh": warehouse})


def _check_lines(lines: list[tuple[Product, int]]) -> list[tuple[Product, int]]:
    if not lines:
        raise ValidationError({"lines": _("Count at least one product.")})
    seen = set()
    for product, counted in lines:
        if product.pk in seen:
            raise ValidationError({"lines": _("%(product)s is listed twice.") % {"product": product}})
        if counted is None or counted < 0:
            raise ValidationError(
                {"lines": _("The counted quantity of %(product)s cannot be negative.") % {"product": product}}
            )
        seen.add(product.pk)
    return lines


@transaction.atomic
def stock_check_create(
    *, actor: User, warehouse: Warehouse, counted_on: date, lines: list[tuple[Product, int]], note: str = ""
) -> StockCheck:
    """Record counted quantities for a warehouse (a draft until submitted)."""
    from .workflow import STOCK_CHECK_FLOW

    _require_check_recorder(actor, warehouse)
    _check_lines(lines)
    check = StockCheck(warehouse=warehouse, region=warehouse.region, counted_on=counted_on, note=note)
    document_start(flow=STOCK_CHECK_FLOW, document=check, actor=actor)
    StockCheckLine.objects.bulk_create(
        [StockCheckLine(check_doc=check, product=p, counted=c) for p, c in lines]
    )
    return check


def stock_check_snapshot(check: StockCheck, actor: User, data: dict) -> dict:
    """Effect of submit: remember the book quantity of each counted product."""
    levels = {lv.product_id: lv.on_hand for lv in StockLevel.objects.filter(warehouse=check.warehouse)}
    for line in check.lines.all():
        line.system_quantity = levels.get(line.product_id, 0)
        line.save(update_fields=["system_quantity"])
    return {}


def stock_check_post_adjustments(check: StockCheck, actor: User, data: dict) -> dict:
    """Effect of approve: book each counted difference as an adjustment movement."""
    changes = []
    for line in check.lines.select_related("product"):
        if line.difference:
            stock_move(
                actor=actor,
                product=line.product,
                warehouse=check.warehouse,
                kind=MovementKind.ADJUSTMENT,
                on_hand=line.difference,
                reference=check.number,
                note=_("Stock check %(number)s") % {"number": check.number},
            )
            changes.append(f"{line.product.code}: {line.difference:+d}")
    return {"changes": changes}


# --- transfer requests ------------------------------------------------------------------------------


def _transfer_lines(lines: list[tuple[Product, int, str]]) -> list[tuple[Product, int, str]]:
    if not lines:
        raise ValidationError({"lines": _("Add at least one product.")})
    seen = set()
    for product, quantity, _reason in lines:
        if product.pk in seen:
            raise ValidationError({"lines": _("%(product)s is listed twice.") % {"product": product}})
        if quantity is None or quantity <= 0:
            raise ValidationError(
                {"lines": _("The quantity of %(product)s must be greater than zero.") % {"product": product}}
            )
        seen.add(product.pk)
    return lines


def _validate_warehouses(actor: User, source: Warehouse, destination: Warehouse) -> Region:
    for field, warehouse in (("source_warehouse", source), ("destination_warehouse", destination)):
        if warehouse.kind == WarehouseKind.QUARANTINE:
            raise ValidationError(
                {
                    field: _("%(warehouse)s is a quarantine warehouse: its goods are not for sale.")
                    % {"warehouse": warehouse}
                }
            )
    if source.pk == destination.pk:
        raise ValidationError({"destination_warehouse": _("Source and destination must differ.")})
    if destination.region_id is None:
        raise ValidationError({"destination_warehouse": _("Choose your region's warehouse as destination.")})
    # Seed 四.1: the region's 营销人员 raise requests; their manager approves them.
    if not scope_of(actor).role_reaches(Role.REGIONAL_REP, region_id=destination.region_id):
        raise PermissionDenied(_("Only a regional rep can request stock, for their own region's warehouses."))
    return Region.objects.get(pk=destination.region_id)


@transaction.atomic
def transfer_create(
    *,
    actor: User,
    source_warehouse: Warehouse,
    destination_warehouse: Warehouse,
    wanted_by: date,
    lines: list[tuple[Product, int, str]],
    note: str = "",
) -> TransferRequest:
    """Draft a 调货申请单 for the actor's region."""
    from .workflow import TRANSFER_FLOW

    region = _validate_warehouses(actor, source_warehouse, destination_warehouse)
    _transfer_lines(lines)
    transfer = TransferRequest(
        region=region,
        source_warehouse=source_warehouse,
        destination_warehouse=destination_warehouse,
        wanted_by=wanted_by,
        note=note,
    )
    document_start(flow=TRANSFER_FLOW, document=transfer, actor=actor)
    TransferLine.objects.bulk_create(
        [TransferLine(request=transfer, product=p, quantity=q, reason=r) for p, q, r in lines]
    )
    return transfer


@transaction.atomic
def transfer_update(
    *,
    actor: User,
    transfer: TransferRequest,
    source_warehouse: Warehouse,
    destination_warehouse: Warehouse,
    wanted_by: date,
    lines: list[tuple[Product, int, str]],
    note: str = "",
) -> TransferRequest:
    """Change a draft (or a request sent back for a stock recheck): its creator only."""
    transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
    if transfer.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the requester can change this request."))
    if transfer.status not in (TransferStatus.DRAFT, TransferStatus.RECHECK):
        raise ValidationError({"status": _("Only a draft or a request sent back can be changed.")})
    transfer.region = _validate_warehouses(actor, source_warehouse, destination_warehouse)
    _transfer_lines(lines)
    transfer.source_warehouse, transfer.destination_warehouse = source_warehouse, destination_warehouse
    transfer.wanted_by, transfer.note = wanted_by, note
    transfer.full_clean()
    transfer.save()
    transfer.lines.all().delete()
    TransferLine.objects.bulk_create(
        [TransferLine(request=transfer, product=p, quantity=q, reason=r) for p, q, r in lines]
    )
    return transfer


def transfer_has_lines(transfer: TransferRequest, actor: User, data: dict) -> None:
    """Guard of submit: something to transfer, wanted-by not in the past."""
    if not transfer.lines.exists():
        raise ValidationError({"lines": _("Add at least one product.")})
    if transfer.wanted_by < timezone.localdate():
        raise ValidationError({"wanted_by": _("The wanted-by date is in the past.")})


def transfer_fresh_stock_check(transfer: TransferRequest, actor: User, data: dict) -> None:
    """Guard of resubmit: HQ sent it back, so a new stock check of the destination must be recorded first."""
    transfer_has_lines(transfer, actor, data)
    recounted = StockCheck.objects.filter(
        warehouse=transfer.destination_warehouse,
        created_at__gte=transfer.status_changed_at,
        status__in=[StockCheckStatus.SUBMITTED, StockCheckStatus.APPROVED],
    ).exists()
    if not recounted:
        raise ValidationError(
            {
                "stock_check": _(
                    "HQ asked for a stock recheck: submit a new stock check of %(wh)s before resubmitting."
                )
                % {"wh": transfer.destination_warehouse}
            }
        )


def transfer_apply_cuts(transfer: TransferRequest, actor: User, data: dict) -> dict:
    """Effect of an approval: lower line quantities where the approver cut them; never raise them."""
    changes = []
    for line in transfer.lines.select_related("product"):
        new = data.get(f"qty_{line.pk}")
        if new is None or new == line.effective_quantity:
            continue
        if new > line.effective_quantity:
            raise ValidationError(
                {
                    f"qty_{line.pk}": _("%(product)s: an approver can cut a quantity, not raise it.")
                    % {"product": line.product}
                }
            )
        changes.append(f"{line.product.code}: {line.effective_quantity} → {new}")
        line.approved_quantity = new
        line.save(update_fields=["approved_quantity"])
    if not any(line.effective_quantity > 0 for line in transfer.lines.all()):
        raise ValidationError({"lines": _("At least one product must keep a quantity above zero.")})
    return {"changes": changes} if changes else {}


def transfer_approve_at_hq(transfer: TransferRequest, actor: User, data: dict) -> dict:
    """Effect of HQ approval: apply cuts, create the warehouse order and reserve stock at the source."""
    recorded = transfer_apply_cuts(transfer, actor, data)
    transfer.order_number = next_number("CK")
    transfer.save(update_fields=["order_number"])
    for line in transfer.lines.select_related("product"):
        if line.effective_quantity:
            stock_move(
                actor=actor,
                product=line.product,
                warehouse=transfer.source_warehouse,
                kind=MovementKind.RESERVE,
                reserved=line.effective_quantity,
                reference=transfer.number,
            )
    return {**recorded, "order": transfer.order_number}


def transfer_ship(transfer: TransferRequest, actor: User, data: dict) -> dict:
    """Effect of ship: stock leaves the source (reservation released) and is in transit to the destination."""
    for line in transfer.lines.select_related("product"):
        qty = line.effective_quantity
        if not qty:
            continue
        stock_move(
            actor=actor,
            product=line.product,
            warehouse=transfer.source_warehouse,
            kind=MovementKind.TRANSFER_OUT,
            on_hand=-qty,
            reserved=-qty,
            reference=transfer.number,
        )
        stock_move(
            actor=actor,
            product=line.product,
            warehouse=transfer.destination_warehouse,
            kind=MovementKind.IN_TRANSIT,
            in_transit=qty,
            reference=transfer.number,
        )
    transfer.shipped_at = timezone.now()
    transfer.save(update_fields=["shipped_at"])
    return {}


def transfer_receive(transfer: TransferRequest, actor: User, data: dict) -> dict:
    """Effect of receive: the goods in transit become stock on hand at the destination."""
    for line in transfer.lines.select_related("product"):
        qty = line.effective_quantity
        if qty:
            stock_move(
                actor=actor,
                product=line.product,
                warehouse=transfer.destination_warehouse,
                kind=MovementKind.TRANSFER_IN,
                on_hand=qty,
                in_transit=-qty,
                reference=transfer.number,
            )
    transfer.received_at = timezone.now()
    transfer.save(update_fields=["received_at"])
    return {}
