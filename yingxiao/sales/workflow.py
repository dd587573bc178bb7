"""The sales-order process as a flow table: draft → submit → confirm (within credit, or by the director's
exception) → deliver → invoice → paid; cancel before delivery."""

from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.choices import Role
from yingxiao.workflow.flow import Flow, Reach, Step, register

from . import selectors, services
from .choices import OrderStatus
from .models import SalesOrder

S = OrderStatus
ORDER_FLOW = register(
    Flow(
        name="sales_order",
        label=_("Sales order"),
        model=SalesOrder,
        states=OrderStatus,
        initial=S.DRAFT,
        number_prefix="XS",
        detail_url_name="sales:order_detail",
        getter=selectors.order_get,
        selector=selectors.orders_for,
        final_states=(S.PAID, S.CANCELLED),
        steps=[
            Step(
                "submit",
                S.DRAFT,
                S.MANAGER_REVIEW,
                (Role.REGIONAL_REP,),
                _("Submit"),
                reach=Reach.CREATOR,
                submits=True,
                guard=services.order_has_lines,
            ),
            Step(
                "confirm",
                S.MANAGER_REVIEW,
                S.CONFIRMED,
                (Role.REGIONAL_MANAGER,),
                _("Confirm"),
                approval=True,
                guard=services.order_within_credit,
                style="success",
            ),
            Step(
                "escalate",
                S.MANAGER_REVIEW,
                S.CREDIT_REVIEW,
                (Role.REGIONAL_MANAGER,),
                _("Ask for a credit exception"),
                approval=True,
                comment_required=True,
                effect=services.order_over_credit,
                style="warning",
            ),
            Step(
                "reject",
                S.MANAGER_REVIEW,
                S.DRAFT,
                (Role.REGIONAL_MANAGER,),
                _("Send back"),
                approval=True,
                comment_required=True,
                style="danger",
            ),
            Step(
                "approve_exception",
                S.CREDIT_REVIEW,
                S.CONFIRMED,
                (Role.MARKETING_DIRECTOR,),
                _("Approve credit exception"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                effect=services.order_record_exception,
                style="success",
            ),
            Step(
                "reject",
                S.CREDIT_REVIEW,
                S.DRAFT,
                (Role.MARKETING_DIRECTOR,),
                _("Send back"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                style="danger",
            ),
            Step(
                "deliver",
                S.CONFIRMED,
                S.DELIVERED,
                (Role.WAREHOUSE,),
                _("Deliver"),
                reach=Reach.WAREHOUSE,
                warehouse_field="warehouse",
                effect=services.order_deliver,
                confirm=_("Stock leaves the warehouse and the lines enter the sales ledger."),
            ),
            Step(
                "invoice",
                S.DELIVERED,
                S.INVOICED,
                (Role.FINANCE,),
                _("Invoice"),
                reach=Reach.COMPANY,
                effect=services.order_invoice,
            ),
            Step(
                "settle",
                S.INVOICED,
                S.PAID,
                (Role.FINANCE,),
                _("Mark paid"),
                reach=Reach.COMPANY,
                guard=services.order_fully_paid,
                automatic=True,
            ),
            Step(
                "cancel",
                (S.DRAFT, S.MANAGER_REVIEW, S.CREDIT_REVIEW, S.CONFIRMED),
                S.CANCELLED,
                (Role.REGIONAL_REP,),
                _("Cancel"),
                reach=Reach.CREATOR,
                optional=True,
                comment_required=True,
                style="outline-danger",
                confirm=_("The order is cancelled; nothing is delivered."),
            ),
        ],
    )
)
