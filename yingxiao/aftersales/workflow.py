"""The exchange (seed 四.2), return (四.3) and after-sales service (一.2.6) processes as flow tables.

Exchanges and returns open the same way: the region files the customer's written report → the quality
department records its finding (待质量部结论) → the market manager decides with it (quality may still
revise its finding meanwhile, an optional step; the decision steps' guards refuse without a finding) → a
case filed more than AFTERSALES_APPROVAL_DAYS after delivery is referred to the director → the goods come
back into quarantine. Then an exchange goes through the rep's replacement request, the director's approval,
shipment, acceptance and feedback; a return through finance's refund(s) — or, when nothing was paid for the
goods, finance settling it without a refund — and the rep's confirmation that the customer is settled.
"""

from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.choices import Role
from yingxiao.workflow.flow import Flow, Reach, Step, register

from . import selectors, services
from .choices import ExchangeStatus, ReturnStatus, TicketStatus
from .forms import FeedbackForm, FindingForm, ReceiveForm, RefundForm, RejectForm, ReplacementForm
from .models import ExchangeCase, ReturnCase, ServiceTicket

FILERS = (Role.REGIONAL_REP, Role.REGIONAL_MANAGER)


def opening_steps(S, *, on_approval=None) -> list[Step]:
    """The steps exchanges and returns share, up to the goods coming back."""
    return [
        # action           from                       to                 who may act
        Step(
            "submit",
            S.DRAFT,
            S.QUALITY_REVIEW,
            FILERS,
            _("Submit to the market department"),
            reach=Reach.CREATOR,
            submits=True,
            guard=services.case_ready,
        ),
        Step(
            "record_finding",
            S.QUALITY_REVIEW,
            S.REVIEW,
            (Role.QUALITY,),
            _("Record quality finding"),
            reach=Reach.COMPANY,
            form=FindingForm,
            effect=services.finding_record,
            style="info",
        ),
        # Quality may correct its finding until the decision; nobody waits for it (not in quality's inbox).
        Step(
            "record_finding",
            S.REVIEW,
            S.REVIEW,
            (Role.QUALITY,),
            _("Revise quality finding"),
            reach=Reach.COMPANY,
            optional=True,
            form=FindingForm,
            effect=services.finding_record,
            style="outline-info",
        ),
        Step(
            "approve",
            S.REVIEW,
            S.APPROVED,
            (Role.MARKET_MANAGER,),
            _("Approve"),
            reach=Reach.COMPANY,
            approval=True,
            guard=services.approve_guard,
            effect=on_approval,
            style="success",
        ),
        Step(
            "refer",
            S.REVIEW,
            S.DIRECTOR_REVIEW,
            (Role.MARKET_MANAGER,),
            _("Refer late case to the director"),
            reach=Reach.COMPANY,
            approval=True,
            comment_required=True,
            guard=services.refer_guard,
            style="warning",
        ),
        Step(
            "reject",
            S.REVIEW,
            S.REJECTED,
            (Role.MARKET_MANAGER,),
            _("Reject"),
            reach=Reach.COMPANY,
            approval=True,
            comment_required=True,
            form=RejectForm,
            guard=services.decision_guard,
            effect=services.case_reject,
            style="danger",
            confirm=_("Give the reason: it is what the customer is told."),
        ),
        Step(
            "approve",
            S.DIRECTOR_REVIEW,
            S.APPROVED,
            (Role.MARKETING_DIRECTOR,),
            _("Approve"),
            reach=Reach.COMPANY,
            approval=True,
            effect=on_approval,
            style="success",
        ),
        Step(
            "reject",
            S.DIRECTOR_REVIEW,
            S.REJECTED,
            (Role.MARKETING_DIRECTOR,),
            _("Reject"),
            reach=Reach.COMPANY,
            approval=True,
            comment_required=True,
            form=RejectForm,
            effect=services.case_reject,
            style="danger",
            confirm=_("Give the reason: it is what the customer is told."),
        ),
        Step(
            "withdraw",
            (S.DRAFT, S.QUALITY_REVIEW, S.REVIEW, S.DIRECTOR_REVIEW),
            S.WITHDRAWN,
            FILERS,
            _("Withdraw"),
            reach=Reach.CREATOR,
            optional=True,
            comment_required=True,
            style="outline-danger",
            confirm=_("The case is closed without an exchange or return."),
        ),
        Step(
            "receive",
            S.APPROVED,
            S.RECEIVED,
            (Role.WAREHOUSE,),
            _("Receive goods"),
            reach=Reach.WAREHOUSE,
            warehouse_field="quarantine_warehouse",
            form=ReceiveForm,
            effect=services.goods_receive,
            confirm=_("The goods go into the quarantine warehouse."),
        ),
    ]


E = ExchangeStatus
EXCHANGE_FLOW = register(
    Flow(
        name="exchange",
        label=_("Exchange"),
        model=ExchangeCase,
        states=ExchangeStatus,
        initial=E.DRAFT,
        number_prefix="HH",
        detail_url_name="aftersales:exchange_detail",
        getter=selectors.exchange_get,
        selector=selectors.exchanges_for,
        final_states=(E.CLOSED, E.REJECTED, E.WITHDRAWN),
        steps=[
            *opening_steps(E),
            Step(
                "request_replacement",
                E.RECEIVED,
                E.REPLACEMENT_REVIEW,
                (Role.REGIONAL_REP,),
                _("Request replacement"),
                comment_required=True,
                form=ReplacementForm,
                effect=services.replacement_request,
            ),
            Step(
                "approve_replacement",
                E.REPLACEMENT_REVIEW,
                E.TO_SHIP,
                (Role.MARKETING_DIRECTOR,),
                _("Approve replacement"),
                reach=Reach.COMPANY,
                approval=True,
                style="success",
            ),
            Step(
                "send_back",
                E.REPLACEMENT_REVIEW,
                E.RECEIVED,
                (Role.MARKETING_DIRECTOR,),
                _("Send back"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                style="danger",
            ),
            Step(
                "ship",
                E.TO_SHIP,
                E.SHIPPED,
                (Role.WAREHOUSE,),
                _("Ship replacement"),
                reach=Reach.WAREHOUSE,
                warehouse_field="ship_warehouse",
                effect=services.replacement_ship,
                confirm=_("The replacement leaves the warehouse."),
            ),
            Step(
                "accept",
                E.SHIPPED,
                E.ACCEPTED,
                (Role.REGIONAL_REP,),
                _("Customer accepted"),
                effect=services.replacement_accept,
                style="success",
            ),
            Step(
                "feedback",
                E.ACCEPTED,
                E.CLOSED,
                (Role.REGIONAL_REP,),
                _("Record feedback and close"),
                form=FeedbackForm,
                effect=services.feedback_record,
                style="success",
            ),
        ],
    )
)


R = ReturnStatus
RETURN_FLOW = register(
    Flow(
        name="return",
        label=_("Return"),
        model=ReturnCase,
        states=ReturnStatus,
        initial=R.DRAFT,
        number_prefix="TH",
        detail_url_name="aftersales:return_detail",
        getter=selectors.return_get,
        selector=selectors.returns_for,
        final_states=(R.CLOSED, R.REJECTED, R.WITHDRAWN),
        steps=[
            *opening_steps(R, on_approval=services.return_write_ledger),
            Step(
                "refund",
                R.RECEIVED,
                R.REFUNDED,
                (Role.FINANCE,),
                _("Refund"),
                reach=Reach.COMPANY,
                form=RefundForm,
                effect=services.refund_pay,
                offered=services.has_refundable,
                confirm=_("Never more than was paid for these goods."),
            ),
            Step(
                "refund",
                R.REFUNDED,
                R.REFUNDED,
                (Role.FINANCE,),
                _("Refund"),
                reach=Reach.COMPANY,
                optional=True,
                form=RefundForm,
                effect=services.refund_pay,
                offered=services.has_refundable,
                confirm=_("Never more than was paid for these goods."),
            ),
            Step(
                "no_refund",
                R.RECEIVED,
                R.REFUNDED,
                (Role.FINANCE,),
                _("Nothing paid: settle without refund"),
                reach=Reach.COMPANY,
                comment_required=True,
                guard=services.no_refund_guard,
                offered=services.has_nothing_refundable,
                style="outline-primary",
                confirm=_("Say how the receivable was settled, e.g. the invoice was credited."),
            ),
            Step(
                "complete",
                R.REFUNDED,
                R.CLOSED,
                (Role.REGIONAL_REP,),
                _("Customer received the money: complete"),
                effect=services.return_complete,
                style="success",
            ),
        ],
    )
)


T = TicketStatus
TICKET_FLOW = register(
    Flow(
        name="service_ticket",
        label=_("Service ticket"),
        model=ServiceTicket,
        states=TicketStatus,
        initial=T.OPEN,
        number_prefix="FW",
        detail_url_name="aftersales:ticket_detail",
        getter=selectors.ticket_get,
        selector=selectors.tickets_for,
        final_states=(T.RESOLVED, T.CANCELLED),
        steps=[
            Step(
                "escalate",
                T.OPEN,
                T.ESCALATED,
                (*FILERS, Role.CUSTOMER_SERVICE),
                _("Ask technical support"),
                comment_required=True,
                style="warning",
            ),
            Step(
                "resolve",
                T.OPEN,
                T.RESOLVED,
                (*FILERS, Role.CUSTOMER_SERVICE),
                _("Resolve"),
                comment_required=True,
                effect=services.ticket_resolve,
                style="success",
            ),
            Step(
                "resolve",
                T.ESCALATED,
                T.RESOLVED,
                (Role.TECHNICAL_SUPPORT,),
                _("Resolve"),
                reach=Reach.COMPANY,
                comment_required=True,
                effect=services.ticket_resolve,
                style="success",
            ),
            Step(
                "hand_back",
                T.ESCALATED,
                T.OPEN,
                (Role.TECHNICAL_SUPPORT,),
                _("Advise and hand back to the region"),
                reach=Reach.COMPANY,
                comment_required=True,
            ),
            Step(
                "cancel",
                (T.OPEN, T.ESCALATED),
                T.CANCELLED,
                (*FILERS, Role.CUSTOMER_SERVICE, Role.DISTRIBUTOR),
                _("Cancel"),
                reach=Reach.CREATOR,
                optional=True,
                comment_required=True,
                style="outline-danger",
            ),
        ],
    )
)
