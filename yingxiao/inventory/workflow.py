"""The stock-transfer process (seed 四.1) and the stock check it relies on, as flow tables."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.choices import Role
from yingxiao.workflow.flow import Flow, Reach, Step, register

from . import selectors, services
from .choices import StockCheckStatus, TransferStatus
from .models import StockCheck, TransferRequest


class QuantityCutForm(forms.Form):
    """An approver may lower each line's quantity (never raise it); one field per line, `qty_<line id>`."""

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        for line in document.lines.select_related("product") if document else []:
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                label=f"{line.product.code} {line.product.name}",
                min_value=0,
                max_value=line.effective_quantity,
                initial=line.effective_quantity,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )


S = TransferStatus
TRANSFER_FLOW = register(
    Flow(
        name="transfer",
        label=_("Stock transfer"),
        model=TransferRequest,
        states=TransferStatus,
        initial=S.DRAFT,
        number_prefix="DH",
        detail_url_name="inventory:transfer_detail",
        getter=selectors.transfer_get,
        selector=selectors.transfer_requests_for,
        final_states=(S.RECEIVED, S.WITHDRAWN),
        steps=[
            # action      from                        to                 who may act
            Step(
                "submit",
                S.DRAFT,
                S.MANAGER_REVIEW,
                (Role.REGIONAL_REP,),
                _("Submit"),
                reach=Reach.CREATOR,
                submits=True,
                guard=services.transfer_has_lines,
            ),
            Step(
                "resubmit",
                S.RECHECK,
                S.MANAGER_REVIEW,
                (Role.REGIONAL_REP,),
                _("Resubmit after recheck"),
                reach=Reach.CREATOR,
                submits=True,
                guard=services.transfer_fresh_stock_check,
            ),
            Step(
                "approve",
                S.MANAGER_REVIEW,
                S.HQ_REVIEW,
                (Role.REGIONAL_MANAGER,),
                _("Approve"),
                approval=True,
                form=QuantityCutForm,
                effect=services.transfer_apply_cuts,
                style="success",
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
                confirm=_("The request goes back to the requester as a draft."),
            ),
            Step(
                "approve",
                S.HQ_REVIEW,
                S.AT_WAREHOUSE,
                (Role.MARKETING_DIRECTOR,),
                _("Approve"),
                reach=Reach.COMPANY,
                approval=True,
                form=QuantityCutForm,
                effect=services.transfer_approve_at_hq,
                style="success",
            ),
            Step(
                "reject",
                S.HQ_REVIEW,
                S.RECHECK,
                (Role.MARKETING_DIRECTOR,),
                _("Send back"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                style="danger",
                confirm=_("The requester must record a fresh stock check before resubmitting."),
            ),
            Step(
                "withdraw",
                (S.DRAFT, S.MANAGER_REVIEW, S.HQ_REVIEW, S.RECHECK),
                S.WITHDRAWN,
                (Role.REGIONAL_REP,),
                _("Withdraw"),
                optional=True,
                reach=Reach.CREATOR,
                style="outline-danger",
                confirm=_("The request will be closed without a transfer."),
            ),
            Step(
                "ship",
                S.AT_WAREHOUSE,
                S.IN_TRANSIT,
                (Role.WAREHOUSE,),
                _("Ship"),
                reach=Reach.WAREHOUSE,
                warehouse_field="source_warehouse",
                effect=services.transfer_ship,
            ),
            Step(
                "receive",
                S.IN_TRANSIT,
                S.RECEIVED,
                (Role.WAREHOUSE,),
                _("Receive"),
                reach=Reach.WAREHOUSE,
                warehouse_field="destination_warehouse",
                effect=services.transfer_receive,
                style="success",
            ),
        ],
    )
)


C = StockCheckStatus
STOCK_CHECK_FLOW = register(
    Flow(
        name="stock_check",
        label=_("Stock check"),
        model=StockCheck,
        states=StockCheckStatus,
        initial=C.DRAFT,
        number_prefix="PD",
        detail_url_name="inventory:stock_check_detail",
        getter=selectors.stock_check_get,
        selector=selectors.stock_checks_for,
        final_states=(C.APPROVED, C.REJECTED),
        steps=[
            Step(
                "submit",
                C.DRAFT,
                C.SUBMITTED,
                (Role.REGIONAL_REP, Role.REGIONAL_MANAGER, Role.WAREHOUSE),
                _("Submit"),
                reach=Reach.CREATOR,
                submits=True,
                effect=services.stock_check_snapshot,
            ),
            Step(
                "approve",
                C.SUBMITTED,
                C.APPROVED,
                (Role.WAREHOUSE,),
                _("Approve and adjust stock"),
                reach=Reach.WAREHOUSE,
                warehouse_field="warehouse",
                approval=True,
                effect=services.stock_check_post_adjustments,
                style="success",
            ),
            Step(
                "reject",
                C.SUBMITTED,
                C.REJECTED,
                (Role.WAREHOUSE,),
                _("Reject"),
                reach=Reach.WAREHOUSE,
                warehouse_field="warehouse",
                approval=True,
                comment_required=True,
                style="danger",
            ),
        ],
    )
)
