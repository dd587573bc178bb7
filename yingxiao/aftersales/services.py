"""Writes of the after-sales app: exchange and return cases on sales-ledger lines (quantity caps with the
ledger rows locked), the flow's guards and effects (quality finding, goods back into quarantine, negative
ledger rows, replacement shipment, refunds capped at what was paid), and service tickets."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import User
from yingxiao.accounts.selectors import scope_of
from yingxiao.catalog.models import Product
from yingxiao.core.money import format_money, to_money
from yingxiao.inventory.choices import MovementKind
from yingxiao.inventory.services import stock_move
from yingxiao.org.choices import WarehouseKind
from yingxiao.org.models import Warehouse
from yingxiao.partners.models import Customer, Distributor
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import Delivery, Invoice, SalesLine
from yingxiao.sales.services import ledger_append, ledger_line
from yingxiao.workflow.reminders import is_working_day
from yingxiao.workflow.services import document_start, next_number

from .choices import (
    RELEASED_STATES,
    SERVICE_DEADLINE_DAYS,
    ExchangeStatus,
    GoodsCondition,
    InformedBy,
    QualityCause,
    RefundMethod,
)
from .models import (
    Case,
    ExchangeCase,
    ExchangeLine,
    Refund,
    RefundLine,
    ReturnCase,
    ReturnLine,
    ServiceTicket,
)

CaseLineInput = tuple[SalesLine, int, str]  # ledger line, quantity, batch
CLAIMABLE_SOURCES = (LedgerSource.DELIVERY, LedgerSource.IMPORT)
FILERS = (Role.REGIONAL_REP, Role.REGIONAL_MANAGER)


# --- quantities: never more than delivered ------------------------------------------------------------


def claimed_quantities(sales_line_ids: list[int], *, excluding: Case | None = None) -> dict[int, int]:
    """Units of each ledger line already claimed by exchanges and returns that still count (every case but
    rejected and withdrawn ones), optionally leaving one case out (the one being edited)."""
    totals: dict[int, int] = defaultdict(int)
    for line_model in (ExchangeLine, ReturnLine):
        rows = line_model.objects.filter(sales_line_id__in=sales_line_ids).exclude(
            case__status__in=RELEASED_STATES
        )
        if excluding is not None and isinstance(excluding, line_model._meta.get_field("case").related_model):
            rows = rows.exclude(case_id=excluding.pk)
        for row in rows.values("sales_line_id").annotate(total=Sum("quantity")):
            totals[row["sales_line_id"]] += row["total"]
    return dict(totals)


def _locked_ledger_lines(ids) -> dict[int, SalesLine]:
    """The ledger rows, locked in id order (two cases on the same rows wait for each other)."""
    rows = SalesLine.objects.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk")
    return {row.pk: row for row in rows}


def _check_lines(
    actor: User, lines: list[CaseLineInput], excluding: Case | None = None
) -> dict[int, SalesLine]:
    """Validate the lines with their ledger rows locked: sold to one buyer in a region the actor files
    for, positive sales, and claimed quantities within what was delivered."""
    if not lines:
        raise ValidationError({"lines": _("Add at least one sales line.")})
    ids = [line.pk for line, _qty, _batch in lines]
    if len(set(ids)) != len(ids):
        raise ValidationError({"lines": _("A sales line is listed twice.")})
    locked = _locked_ledger_lines(ids)
    if len(locked) != len(set(ids)):
        raise ValidationError({"lines": _("A sales line no longer exists.")})
    claimed = claimed_quantities(ids, excluding=excluding)
    scope = scope_of(actor)
    buyers = set()
    for line, quantity, batch in lines:
        row = locked[line.pk]
        if row.source not in CLAIMABLE_SOURCES or row.quantity <= 0:
            raise ValidationError({"lines": _("Only delivered sales can be exchanged or returned.")})
        if not any(scope.role_reaches(role, region_id=row.region_id) for role in FILERS):
            raise PermissionDenied(_("You can only file cases for your own region's sales."))
        if quantity is None or quantity <= 0:
            raise ValidationError({"quantity": _("The quantity must be greater than zero.")})
        if len(batch or "") > 40:
            raise ValidationError({"batch": _("A batch number has at most 40 characters.")})
        left = row.quantity - claimed.get(row.pk, 0)
        if quantity > left:
            raise ValidationError(
                {
                    "quantity": _(
                        "%(product)s (%(date)s): %(delivered)d delivered, %(claimed)d already exchanged or "
                        "returned, so at most %(left)d."
                    )
                    % {
                        "product": row.product,
                        "date": row.date,
                        "delivered": row.quantity,
                        "claimed": claimed.get(row.pk, 0),
                        "left": max(left, 0),
                    }
                }
            )
        buyers.add((row.distributor_id, row.customer_id))
    if len(buyers) > 1:
        raise ValidationError({"lines": _("All lines of a case must be sales to the same buyer.")})
    return locked


def quarantine_warehouse() -> Warehouse:
    """Where goods coming back are kept apart (settings.AFTERSALES_QUARANTINE_WAREHOUSE, of the quarantine
    kind: its stock is not for sale nor a transfer source)."""
    found = Warehouse.objects.filter(
        code=settings.AFTERSALES_QUARANTINE_WAREHOUSE, kind=WarehouseKind.QUARANTINE, active=True
    ).first()
    if found is None:
        raise ValidationError(
            {
                "quarantine_warehouse": _("The quarantine warehouse %(code)s does not exist.")
                % {"code": settings.AFTERSALES_QUARANTINE_WAREHOUSE}
            }
        )
    return found


def _ship_from(row: SalesLine) -> Warehouse:
    """The warehouse that delivered the line; for imported history the region's warehouse, else HQ."""
    if row.order_line_id:
        delivery = (
            Delivery.objects.filter(order__lines__id=row.order_line_id).select_related("warehouse").first()
        )
        if delivery is not None:
            return delivery.warehouse
    top = row.region.parent_id or row.region_id
    stock = Warehouse.objects.filter(active=True).exclude(kind=WarehouseKind.QUARANTINE)
    regional = stock.filter(region_id__in=[row.region_id, top]).order_by("code").first()
    if regional is not None:
        return regional
    return stock.filter(kind=WarehouseKind.HQ).order_by("code").first() or quarantine_warehouse()


def is_late(delivered_on: date, today: date | None = None) -> bool:
    """Filed later than the approval window after delivery (then the director decides)."""
    today = today or timezone.localdate()
    return (today - delivered_on).days > settings.AFTERSALES_APPROVAL_DAYS


def _fill_header(case: Case, locked: dict[int, SalesLine], problem: str) -> None:
    first = min(locked.values(), key=lambda r: (r.date, r.pk))
    case.region_id = first.region_id
    case.salesperson_id = first.salesperson_id
    case.distributor_id, case.customer_id = first.distributor_id, first.customer_id
    case.problem = (problem or "").strip()
    case.delivered_on = first.date
    case.late = is_late(first.date)


def _write_lines(case: Case, line_model, lines: list[CaseLineInput], locked: dict[int, SalesLine]) -> None:
    line_model.objects.bulk_create(
        [
            line_model(
                case=case,
                sales_line=locked[line.pk],
                product_id=locked[line.pk].product_id,
                batch=(batch or "").strip(),
                quantity=quantity,
            )
            for line, quantity, batch in lines
        ]
    )


def _case_create(model, line_model, flow, *, actor: User, problem: str, lines: list[CaseLineInput]):
    locked = _check_lines(actor, lines)
    case = model(quarantine_warehouse=quarantine_warehouse())
    _fill_header(case, locked, problem)
    if model is ExchangeCase:
        case.ship_warehouse = _ship_from(min(locked.values(), key=lambda r: r.pk))
    document_start(flow=flow, document=case, actor=actor)
    _write_lines(case, line_model, lines, locked)
    return case


def _case_update(model, line_model, *, actor: User, case: Case, problem: str, lines: list[CaseLineInput]):
    case = model.objects.select_for_update().get(pk=case.pk)
    if case.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who filed this case can change it."))
    if case.status != ExchangeStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft can be changed.")})
    locked = _check_lines(actor, lines, excluding=case)
    _fill_header(case, locked, problem)
    case.full_clean()
    case.save()
    case.lines.all().delete()
    _write_lines(case, line_model, lines, locked)
    return case


@transaction.atomic
def exchange_create(*, actor: User, problem: str, lines: list[CaseLineInput]) -> ExchangeCase:
    """File a draft exchange case (the region's rep or manager) for delivered ledger lines of one buyer."""
    from .workflow import EXCHANGE_FLOW

    return _case_create(ExchangeCase, ExchangeLine, EXCHANGE_FLOW, actor=actor, problem=problem, lines=lines)


@transaction.atomic
def exchange_update(
    *, actor: User, case: ExchangeCase, problem: str, lines: list[CaseLineInput]
) -> ExchangeCase:
    """Change a draft exchange case (whoever filed it)."""
    return _case_update(ExchangeCase, ExchangeLine, actor=actor, case=case, problem=problem, lines=lines)


@transaction.atomic
def return_create(*, actor: User, problem: str, lines: list[CaseLineInput]) -> ReturnCase:
    """File a draft return case (the region's rep or manager) for delivered ledger lines of one buyer."""
    from .workflow import RETURN_FLOW

    return _case_create(ReturnCase, ReturnLine, RETURN_FLOW, actor=actor, problem=problem, lines=lines)


@transaction.atomic
def return_update(*, actor: User, case: ReturnCase, problem: str, lines: list[CaseLineInput]) -> ReturnCase:
    """Change a draft return case (whoever filed it)."""
    return _case_update(ReturnCase, ReturnLine, actor=actor, case=case, problem=problem, lines=lines)


# --- flow guards and effects shared by exchanges and returns -----------------------------------------


def case_ready(case: Case, actor: User, data: dict) -> None:
    """Guard of submit: lines and a problem description."""
    if not case.lines.exists():
        raise ValidationError({"lines": _("Add at least one sales line.")})
    if not case.problem.strip():
        raise ValidationError({"problem": _("Describe the problem.")})


def finding_record(case: Case, actor: User, data: dict) -> dict:
    """Effect of the quality department's step: its finding (may be recorded again to correct it)."""
    case.is_quality_problem = bool(data.get("is_quality_problem"))
    case.cause = data.get("cause") or QualityCause.UNDETERMINED
    case.finding_batch = (data.get("batch") or "").strip()[:40]
    case.finding_note = (data.get("note") or "").strip()
    case.finding_by, case.finding_at = actor, timezone.now()
    case.save(
        update_fields=[
            "is_quality_problem",
            "cause",
            "finding_batch",
            "finding_note",
            "finding_by",
            "finding_at",
            "updated_at",
        ]
    )
    return {
        "quality_problem": case.is_quality_problem,
        "cause": case.cause,
        "batch": case.finding_batch,
    }


def _require_finding(case: Case) -> None:
    if not case.has_finding:
        raise ValidationError(
            {"finding": _("The quality department's finding is needed before the decision.")}
        )


def decision_guard(case: Case, actor: User, data: dict) -> None:
    """Guard of the market manager's reject: quality's finding first."""
    _require_finding(case)


def approve_guard(case: Case, actor: User, data: dict) -> None:
    """Guard of the market manager's approval: quality's finding first, and a case within the approval
    window (a late one goes to the director)."""
    _require_finding(case)
    if case.late:
        raise ValidationError(
            {
                "late": _(
                    "Filed more than %(days)d days after delivery: refer it to the director for approval."
                )
                % {"days": settings.AFTERSALES_APPROVAL_DAYS}
            }
        )


def refer_guard(case: Case, actor: User, data: dict) -> None:
    """Guard of referring to the director: quality's finding first, and only late cases."""
    _require_finding(case)
    if not case.late:
        raise ValidationError({"late": _("This case is within the approval window: decide it yourself.")})


def case_reject(case: Case, actor: User, data: dict) -> dict:
    """Effect of a rejection: how the customer was told (the reason is the step's comment)."""
    case.customer_informed_via = data.get("informed_by") or InformedBy.PHONE
    case.customer_informed_at = timezone.now()
    case.save(update_fields=["customer_informed_via", "customer_informed_at", "updated_at"])
    return {"customer_informed": case.customer_informed_via}


def goods_receive(case: Case, actor: User, data: dict) -> dict:
    """Effect of the warehouse's receipt: received quantity per line (`qty_<line id>`, at most the case's)
    and condition; the goods go into the quarantine warehouse."""
    received = []
    for line in case.lines.select_related("product"):
        quantity = data.get(f"qty_{line.pk}")
        quantity = line.quantity if quantity is None else int(quantity)
        if not 0 <= quantity <= line.quantity:
            raise ValidationError({f"qty_{line.pk}": _("Between 0 and %(max)d.") % {"max": line.quantity}})
        line.received_quantity = quantity
        line.save(update_fields=["received_quantity"])
        if quantity:
            stock_move(
                actor=actor,
                product=line.product,
                warehouse=case.quarantine_warehouse,
                kind=MovementKind.RETURN_IN,
                on_hand=quantity,
                reference=case.number,
                note=_("Back from %(buyer)s") % {"buyer": case.buyer},
            )
        received.append(f"{line.product.code}: {quantity}/{line.quantity}")
    case.received_condition = data.get("condition") or GoodsCondition.AS_REPORTED
    case.received_at = timezone.now()
    case.save(update_fields=["received_condition", "received_at", "updated_at"])
    return {"received": received, "condition": case.received_condition}


# --- exchange ----------------------------------------------------------------------------------------


def replacement_request(case: ExchangeCase, actor: User, data: dict) -> dict:
    """Effect of the rep's written replacement request (the comment): optionally another warehouse to
    ship from. Guard: something came back to replace."""
    if not case.lines.filter(received_quantity__gt=0).exists():
        raise ValidationError({"lines": _("Nothing came back, so there is nothing to replace.")})
    warehouse = data.get("ship_warehouse")
    if warehouse is not None and warehouse.pk != case.ship_warehouse_id:
        case.ship_warehouse = warehouse
        case.save(update_fields=["ship_warehouse", "updated_at"])
    return {"ship_from": case.ship_warehouse.code}


def replacement_ship(case: ExchangeCase, actor: User, data: dict) -> dict:
    """Effect of the warehouse's shipment: the received quantities leave the ship-from warehouse."""
    shipped = []
    for line in case.lines.select_related("product").filter(received_quantity__gt=0):
        stock_move(
            actor=actor,
            product=line.product,
            warehouse=case.ship_warehouse,
            kind=MovementKind.ISSUE,
            on_hand=-(line.received_quantity or 0),
            reference=case.number,
            note=_("Replacement for %(buyer)s") % {"buyer": case.buyer},
        )
        shipped.append(f"{line.product.code}: {line.received_quantity}")
    case.shipped_at = timezone.now()
    case.save(update_fields=["shipped_at", "updated_at"])
    return {"shipped": shipped, "from": case.ship_warehouse.code}


def replacement_accept(case: ExchangeCase, actor: User, data: dict) -> dict:
    """Effect of the customer's acceptance of the new goods."""
    case.accepted_at = timezone.now()
    case.save(update_fields=["accepted_at", "updated_at"])
    return {}


def feedback_record(case: ExchangeCase, actor: User, data: dict) -> dict:
    """Effect of the feedback step: satisfaction 1–5 (blank if the customer declines) and usage notes."""
    satisfaction = data.get("satisfaction")
    satisfaction = int(satisfaction) if satisfaction not in (None, "") else None
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is from 1 to 5.")})
    case.satisfaction = satisfaction
    case.usage_notes = (data.get("usage_notes") or "").strip()
    case.save(update_fields=["satisfaction", "usage_notes", "updated_at"])
    return {"satisfaction": satisfaction}


# --- return: ledger and refunds -----------------------------------------------------------------------


def return_write_ledger(case: ReturnCase, actor: User, data: dict) -> dict:
    """Effect of approving a return: negative rows in the sales ledger (refused in a closed month), at the
    original price net of discount, so statistics and the rebate base go down."""
    today = timezone.localdate()
    rows = []
    for line in case.lines.select_related("sales_line", "product"):
        sold = line.sales_line
        rows.append(
            ledger_line(
                day=today,
                region_id=sold.region_id,
                salesperson_id=sold.salesperson_id,
                distributor_id=sold.distributor_id,
                customer_id=sold.customer_id,
                product=line.product,
                quantity=-line.quantity,
                amount=-unit_value(sold, line.quantity),
                source=LedgerSource.RETURN,
                order_line=sold.order_line,
                reference=case.number,
            )
        )
    ledger_append(rows)
    return {"ledger": [f"{r.product.code}: {r.quantity} / {r.amount}" for r in rows]}


def unit_value(sold: SalesLine, quantity: int) -> Decimal:
    """What `quantity` units of a ledger line were sold for (its amount is net of discount)."""
    return to_money(sold.amount * Decimal(quantity) / Decimal(sold.quantity))


def paid_value(sold: SalesLine) -> Decimal:
    """What was paid for a ledger line: its amount times the paid share of the order's invoice; nothing
    while the order is not invoiced; the whole amount for imported history (no invoice to look at)."""
    if sold.order_line_id is None:
        return to_money(sold.amount)
    invoice = Invoice.objects.filter(order__lines__id=sold.order_line_id).first()
    if invoice is None or not invoice.amount:
        return Decimal("0.00")
    return to_money(sold.amount * invoice.paid_amount / invoice.amount)


def refund_room(case: ReturnCase) -> dict[int, Decimal]:
    """What may still be refunded per return line: the received units' value less what this line was
    refunded, and never more than what was paid for the ledger line less what every return refunded on it."""
    lines = list(case.lines.select_related("sales_line__order_line"))
    ledger_ids = [line.sales_line_id for line in lines]
    by_ledger = {
        row["line__sales_line_id"]: row["total"]
        for row in RefundLine.objects.filter(line__sales_line_id__in=ledger_ids)
        .values("line__sales_line_id")
        .annotate(total=Sum("amount"))
    }
    by_line = {
        row["line_id"]: row["total"]
        for row in RefundLine.objects.filter(line__case=case).values("line_id").annotate(total=Sum("amount"))
    }
    room = {}
    for line in lines:
        units = line.quantity if line.received_quantity is None else line.received_quantity
        own = unit_value(line.sales_line, units) - by_line.get(line.pk, 0)
        paid = paid_value(line.sales_line) - by_ledger.get(line.sales_line_id, 0)
        room[line.pk] = max(Decimal("0.00"), to_money(min(own, paid)))
    return room


def refundable(case: ReturnCase) -> Decimal:
    """What finance may still refund on this return."""
    return to_money(sum(refund_room(case).values(), Decimal(0)))


def has_refundable(case: ReturnCase) -> bool:
    """`offered` of finance's refund: something paid for these goods is still refundable."""
    return refundable(case) > 0


def has_nothing_refundable(case: ReturnCase) -> bool:
    """`offered` of settling without a refund: nothing paid for these goods is left to refund."""
    return not has_refundable(case)


def refund_pay(case: ReturnCase, actor: User, data: dict) -> dict:
    """Effect of finance's refund: an amount (default: all that is left), method and reference. The ledger
    rows behind the case are locked first, so two refunds on the same sales (this case or another) are
    counted one after the other and never pay more than was paid."""
    _locked_ledger_lines(case.lines.values_list("sales_line_id", flat=True))
    room = refund_room(case)
    left = to_money(sum(room.values(), Decimal(0)))
    amount = data.get("amount")
    amount = left if amount in (None, "") else to_money(amount)
    if left <= 0:
        raise ValidationError(
            {"amount": _("Nothing is left to refund: nothing more was paid for these goods.")}
        )
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be greater than zero.")})
    if amount > left:
        raise ValidationError(
            {
                "amount": _("At most %(left)s can be refunded: what was paid for these goods, less refunds.")
                % {"left": format_money(left)}
            }
        )
    refund = Refund.objects.create(
        number=next_number("TK"),
        case=case,
        amount=amount,
        method=data.get("method") or RefundMethod.BANK,
        reference=(data.get("reference") or "").strip()[:64],
        paid_by=actor,
    )
    rest, parts = amount, []
    for line_id, available in room.items():
        if rest <= 0:
            break
        part = min(rest, available)
        if part > 0:
            parts.append(RefundLine(refund=refund, line_id=line_id, amount=part))
            rest -= part
    RefundLine.objects.bulk_create(parts)
    return {"refund": refund.number, "amount": str(amount), "method": refund.method}


def no_refund_guard(case: ReturnCase, actor: User, data: dict) -> None:
    """Guard of finance settling a return without a refund (the comment says how the receivable was
    settled, e.g. the invoice credited): only when nothing paid for these goods is left to refund."""
    _locked_ledger_lines(case.lines.values_list("sales_line_id", flat=True))
    left = refundable(case)
    if left > 0:
        raise ValidationError(
            {
                "refund": _("%(left)s was paid for these goods and is still refundable: refund it instead.")
                % {"left": format_money(left)}
            }
        )


def return_complete(case: ReturnCase, actor: User, data: dict) -> dict:
    """The rep confirms the customer received the money; needs a refund first, unless finance settled the
    return without one and nothing has become refundable since (a payment came in meanwhile)."""
    if not case.refunds.exists() and refundable(case) > 0:
        raise ValidationError({"refund": _("Finance has not refunded anything yet.")})
    case.completed_at = timezone.now()
    case.save(update_fields=["completed_at", "updated_at"])
    return {"refunded": str(case.refunded)}


# --- service tickets ---------------------------------------------------------------------------------


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (official Chinese calendar)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def _may_open_ticket(actor: User, region_id: int, distributor_id: int | None) -> bool:
    scope = scope_of(actor)
    if scope.role_reaches(Role.CUSTOMER_SERVICE, region_id=region_id):
        return True
    if any(scope.role_reaches(role, region_id=region_id) for role in FILERS):
        return True
    return distributor_id is not None and scope.role_reaches(Role.DISTRIBUTOR, distributor_id=distributor_id)


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    kind: str,
    description: str,
    distributor: Distributor | None = None,
    customer: Customer | None = None,
    product: Product | None = None,
    contact: str = "",
    working_days: int | None = None,
) -> ServiceTicket:
    """Open a service ticket in the buyer's region, due within working days (by kind unless given)."""
    from .workflow import TICKET_FLOW

    if (distributor is None) == (customer is None):
        raise ValidationError({"distributor": _("Choose a distributor or a direct customer (one of them).")})
    buyer: Any = distributor or customer
    if not _may_open_ticket(actor, buyer.region_id, distributor.pk if distributor else None):
        raise PermissionDenied(_("You can only open tickets for your own region's customers."))
    if kind not in SERVICE_DEADLINE_DAYS:
        raise ValidationError({"kind": _("Choose what the customer needs.")})
    days = working_days or SERVICE_DEADLINE_DAYS[kind]
    if not 1 <= days <= 60:
        raise ValidationError({"working_days": _("Between 1 and 60 working days.")})
    ticket = ServiceTicket(
        region_id=buyer.region_id,
        distributor=distributor,
        customer=customer,
        product=product,
        kind=kind,
        contact=(contact or "").strip(),
        description=(description or "").strip(),
        working_days=days,
        deadline=add_working_days(timezone.localdate(), days),
    )
    document_start(flow=TICKET_FLOW, document=ticket, actor=actor)
    return ticket


def ticket_resolve(ticket: ServiceTicket, actor: User, data: dict) -> dict:
    """Effect of resolving a ticket (the notes are the step's comment)."""
    ticket.resolved_at, ticket.resolved_by = timezone.now(), actor
    ticket.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
    overdue = timezone.localdate() > ticket.deadline
    return {"overdue": overdue}
