"""Demo after-sales: the quarantine warehouse, exchange and return cases in every state and service
tickets, each driven through the workflow engine by the demo users (safe to run twice)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.org.choices import WarehouseKind
from yingxiao.org.models import Warehouse
from yingxiao.org.services import warehouse_create, warehouse_update
from yingxiao.partners.models import Customer, Distributor
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import SalesLine
from yingxiao.workflow.services import perform

from .choices import GoodsCondition, QualityCause, RefundMethod, ServiceKind
from .models import ExchangeCase, ReturnCase, ServiceTicket
from .services import exchange_create, return_create, ticket_create

OPENING = ["submit", "finding", "approve"]
PROBLEMS = [
    "客户反映滤芯使用两周后出水有异味，怀疑活性炭层受潮。",
    "整机通电后显示屏不亮，客户多次重启无效。",
    "包装破损，外壳有明显裂纹，客户拒绝安装。",
    "水龙头连接处渗水，更换密封圈后仍有渗漏。",
    "产品噪音明显偏大，夜间影响使用。",
]
CAUSES = [
    (True, QualityCause.MATERIAL),
    (True, QualityCause.MANUFACTURING),
    (False, QualityCause.TRANSPORT),
    (True, QualityCause.DESIGN),
    (False, QualityCause.INSTALLATION),
]


def _user(name: str) -> User:
    return User.objects.get(username=name)


def ensure_quarantine_warehouse(admin: User) -> Warehouse:
    """The headquarters' quarantine warehouse for goods coming back (售后隔离仓; one made before the
    quarantine kind existed is turned into one)."""
    code = settings.AFTERSALES_QUARANTINE_WAREHOUSE
    found = Warehouse.objects.filter(code=code).first()
    if found is not None:
        if found.kind != WarehouseKind.QUARANTINE:
            found = warehouse_update(actor=admin, warehouse=found, kind=WarehouseKind.QUARANTINE)
        return found
    return warehouse_create(
        actor=admin,
        code=code,
        name="售后隔离仓（苏州）",
        kind=WarehouseKind.QUARANTINE,
        address="江苏省苏州市工业园区星湖街 88 号 3 号库",
    )


class _Lines:
    """Hands out distinct recent ledger lines of a region, one buyer each (imported history)."""

    def __init__(self):
        self.used: set[int] = set()

    def take(self, region: str, *, days_ago: int = 5, older: bool = False) -> SalesLine:
        today = timezone.localdate()
        qs = SalesLine.objects.filter(
            source__in=(LedgerSource.IMPORT, LedgerSource.DELIVERY),
            quantity__gte=3,
            distributor__isnull=False,
            region__code__startswith=region,
        ).exclude(pk__in=self.used)
        if older:
            qs = qs.filter(date__lt=today - timedelta(days=settings.AFTERSALES_APPROVAL_DAYS + 20))
        else:
            qs = qs.filter(date__gte=today - timedelta(days=60), date__lt=today - timedelta(days=days_ago))
        line = qs.order_by("-date", "id").first()
        assert line is not None, f"no ledger line for a demo case in {region}"
        self.used.add(line.pk)
        return line


def _drive(case, steps: list[str], region: str, *, decline: bool = False):
    rep, manager = _user(f"rep_{region}"), _user(f"manager_{region}")
    people = {
        "market_manager": _user("market_manager"),
        "quality": _user("quality"),
        "director": _user("director"),
        "warehouse": _user("warehouse"),
        "finance": _user("finance"),
    }
    index = case.pk % len(CAUSES)
    quality_problem, cause = CAUSES[index]
    hq1 = Warehouse.objects.get(code="WH-HQ1")
    for step in steps:
        if step == "submit":
            case = perform(document=case, action="submit", actor=rep)
        elif step == "finding":
            case = perform(
                document=case,
                action="record_finding",
                actor=people["quality"],
                comment="已与质量部确认" if quality_problem else "非产品质量问题",
                data={
                    "is_quality_problem": quality_problem and not decline,
                    "cause": QualityCause.MISUSE if decline else cause,
                    "batch": case.lines.first().batch,
                    "note": "抽检同批次样品 5 件" if quality_problem else "",
                },
            )
        elif step == "revise":
            case = perform(
                document=case,
                action="record_finding",
                actor=people["quality"],
                comment="复检后更正：批次号核对有误",
                data={
                    "is_quality_problem": quality_problem,
                    "cause": cause,
                    "batch": f"{case.lines.first().batch}-R",
                    "note": "复检同批次样品 10 件",
                },
            )
        elif step == "approve":
            case = perform(document=case, action="approve", actor=people["market_manager"], comment="同意")
        elif step == "refer":
            case = perform(
                document=case,
                action="refer",
                actor=people["market_manager"],
                comment="超过受理期限，请总监审批",
            )
        elif step == "director_approve":
            case = perform(
                document=case, action="approve", actor=people["director"], comment="特殊情况，同意"
            )
        elif step == "reject":
            case = perform(
                document=case,
                action="reject",
                actor=people["market_manager"],
                comment="经质量部检测属使用不当，不予受理，已电话告知客户",
                data={"informed_by": "phone"},
            )
        elif step == "withdraw":
            case = perform(document=case, action="withdraw", actor=rep, comment="客户自行解决，撤回")
        elif step == "receive":
            data = {"condition": GoodsCondition.AS_REPORTED}
            case = perform(
                document=case, action="receive", actor=people["warehouse"], comment="已入隔离仓", data=data
            )
        elif step == "request":
            case = perform(
                document=case,
                action="request_replacement",
                actor=rep,
                comment="申请按原型号调换新货，由总部一号仓发货。",
                data={"ship_warehouse": hq1.pk},
            )
        elif step == "approve_replacement":
            case = perform(
                document=case, action="approve_replacement", actor=people["director"], comment="同意换货"
            )
        elif step == "ship":
            case = perform(document=case, action="ship", actor=people["warehouse"], comment="已发物流")
        elif step == "accept":
            case = perform(document=case, action="accept", actor=rep, comment="客户已验收新货")
        elif step == "feedback":
            case = perform(
                document=case,
                action="feedback",
                actor=rep,
                comment="回访完成",
                data={"satisfaction": 4 + case.pk % 2, "usage_notes": "新货使用一周正常，客户满意。"},
            )
        elif step == "refund":
            case = perform(
                document=case,
                action="refund",
                actor=people["finance"],
                data={"method": RefundMethod.BANK, "reference": f"BANK-{case.number}"},
            )
        elif step == "complete":
            case = perform(document=case, action="complete", actor=rep, comment="客户确认收到退款")
    del manager
    return case


EXCHANGE_SCENARIOS = [
    ("east", []),
    ("east", ["submit"]),  # waiting for quality's finding
    ("north", ["submit", "finding", "revise"]),  # quality corrected its finding; the market manager decides
    ("east", OPENING),
    ("south", [*OPENING, "receive"]),
    ("west", [*OPENING, "receive", "request"]),
    ("north", [*OPENING, "receive", "request", "approve_replacement"]),
    ("east", [*OPENING, "receive", "request", "approve_replacement", "ship"]),
    ("south", [*OPENING, "receive", "request", "approve_replacement", "ship", "accept"]),
    ("east", [*OPENING, "receive", "request", "approve_replacement", "ship", "accept", "feedback"]),
    ("north", [*OPENING, "receive", "request", "approve_replacement", "ship", "accept", "feedback"]),
    ("west", ["submit", "finding", "reject"]),
    ("south", ["submit", "withdraw"]),
]
RETURN_SCENARIOS = [
    ("east", []),
    ("north", ["submit"]),
    ("south", ["submit", "finding"]),
    ("east", OPENING),
    ("west", [*OPENING, "receive"]),
    ("south", [*OPENING, "receive", "refund"]),
    ("east", [*OPENING, "receive", "refund", "complete"]),
    ("north", [*OPENING, "receive", "refund", "complete"]),
    ("south", ["submit", "finding", "reject"]),
    ("west", ["submit", "withdraw"]),
]


def load_cases() -> None:
    """Exchanges and returns in every state, plus late ones waiting for (or approved by) the director."""
    lines = _Lines()
    for n, (region, steps) in enumerate(EXCHANGE_SCENARIOS):
        sold = lines.take(region, days_ago=n)
        case = exchange_create(
            actor=_user(f"rep_{region}"),
            problem=PROBLEMS[n % len(PROBLEMS)],
            lines=[(sold, 1 + n % 2, f"B{sold.date:%Y%m}-{n + 1:02d}")],
        )
        _drive(case, steps, region, decline="reject" in steps)
    for n, (region, steps) in enumerate(RETURN_SCENARIOS):
        sold = lines.take(region, days_ago=n)
        case = return_create(
            actor=_user(f"rep_{region}"),
            problem=PROBLEMS[(n + 2) % len(PROBLEMS)],
            lines=[(sold, 1 + n % 2, f"B{sold.date:%Y%m}-{n + 31:02d}")],
        )
        _drive(case, steps, region, decline="reject" in steps)
    # Late cases: filed more than the approval window after delivery.
    late_exchange = exchange_create(
        actor=_user("rep_east"),
        problem="使用四个月后主板故障，客户要求换货（已过受理期）。",
        lines=[(lines.take("east", older=True), 1, "B-LATE-01")],
    )
    _drive(late_exchange, ["submit", "finding", "refer"], "east")
    late_return = return_create(
        actor=_user("rep_north"),
        problem="批量滤芯寿命远低于标称值，客户要求退货（已过受理期）。",
        lines=[(lines.take("north", older=True), 2, "B-LATE-02")],
    )
    _drive(late_return, ["submit", "finding", "refer", "director_approve", "receive"], "north")
    waiting = return_create(
        actor=_user("rep_south"),
        problem="安装半年后外壳开裂，客户要求退货（已过受理期）。",
        lines=[(lines.take("south", older=True), 1, "B-LATE-03")],
    )
    _drive(waiting, ["submit", "finding", "refer"], "south")


def load_tickets() -> None:
    """Service tickets: open, overdue, with technical support, resolved and cancelled."""
    service, tech = _user("service"), _user("tech")
    scenarios = [
        ("east", ServiceKind.INSTALLATION, "新购净水器需上门安装，客户希望周末安装。", []),
        ("north", ServiceKind.REPAIR, "净水器漏水，需上门检修。", ["overdue"]),
        ("south", ServiceKind.QUESTION, "客户咨询滤芯更换周期及方法。", ["resolve"]),
        ("west", ServiceKind.REPAIR, "设备报警代码 E3，区域人员无法判断原因。", ["escalate"]),
        ("east", ServiceKind.REPAIR, "加热模块不工作，需技术部远程指导。", ["escalate", "tech_resolve"]),
        ("north", ServiceKind.INSTALLATION, "重复登记的安装请求。", ["cancel"]),
        ("south", ServiceKind.QUESTION, "客户询问APP绑定方法，逾期未回复。", ["overdue", "escalate"]),
    ]
    for n, (region, kind, text, steps) in enumerate(scenarios):
        buyer_filter = Q(region__code__startswith=region)
        if n % 3 == 2:
            party = {"customer": Customer.objects.filter(buyer_filter, active=True).order_by("code").first()}
        else:
            party = {"distributor": Distributor.objects.filter(buyer_filter).order_by("code")[n % 3]}
        ticket = ticket_create(
            actor=service if n % 2 else _user(f"rep_{region}"),
            kind=kind,
            description=text,
            contact="王先生 138****1234",
            **party,
        )
        for step in steps:
            if step == "overdue":  # time passes: the deadline is behind us
                ServiceTicket.objects.filter(pk=ticket.pk).update(
                    deadline=timezone.localdate() - timedelta(days=2)
                )
            elif step == "resolve":
                ticket = perform(
                    document=ticket, action="resolve", actor=service, comment="已电话指导，客户已会操作"
                )
            elif step == "escalate":
                ticket = perform(
                    document=ticket,
                    action="escalate",
                    actor=_user(f"rep_{region}"),
                    comment="请技术部协助判断",
                )
            elif step == "tech_resolve":
                ticket = perform(
                    document=ticket, action="resolve", actor=tech, comment="远程指导更换温控器，已恢复正常"
                )
            elif step == "cancel":
                ticket = perform(
                    document=ticket, action="cancel", actor=ticket.created_by, comment="重复登记"
                )


def load(admin: User) -> None:
    """The quarantine warehouse, cases and tickets, each only if the demo has none yet."""
    ensure_quarantine_warehouse(admin)
    if not (ExchangeCase.objects.exists() or ReturnCase.objects.exists()):
        load_cases()
    if not ServiceTicket.objects.exists():
        load_tickets()
