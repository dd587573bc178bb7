"""Sales rebates (seed 四.4) as three flow tables:

- the policy: drafted by the market department → the director approves (a revision supersedes the policy
  it revises, in the same transaction) or sends it back;
- the calculation run: customer service submits the computed run → director review → finance verification
  (or sent back with the disputed distributors) → president approval, which issues the statements;
- the statement: the distributor confirms or disputes → finance answers a dispute (maybe adjusting the
  amount) and reissues it → finance pays a confirmed statement out, exactly once.
"""

from django.utils.translation import gettext_lazy as _

from yingxiao.accounts.choices import Role
from yingxiao.workflow.flow import Flow, Reach, Step, register

from . import selectors, services
from .choices import PolicyStatus, RunStatus, StatementStatus
from .forms import DisputeForm, PayoutForm, ReissueForm, SendBackForm
from .models import RebatePolicy, RebateRun, Statement

P = PolicyStatus
POLICY_FLOW = register(
    Flow(
        name="rebate_policy",
        label=_("Rebate policy"),
        model=RebatePolicy,
        states=PolicyStatus,
        initial=P.DRAFT,
        number_prefix="FLZC",
        detail_url_name="rebates:policy_detail",
        getter=selectors.policy_get,
        selector=selectors.policies_for,
        final_states=(P.SUPERSEDED, P.WITHDRAWN),
        steps=[
            Step(
                "submit",
                P.DRAFT,
                P.DIRECTOR_REVIEW,
                services.DRAFTERS,
                _("Submit"),
                reach=Reach.COMPANY,
                submits=True,
                guard=services.policy_complete,
            ),
            Step(
                "approve",
                P.DIRECTOR_REVIEW,
                P.ACTIVE,
                (Role.MARKETING_DIRECTOR,),
                _("Approve"),
                reach=Reach.COMPANY,
                approval=True,
                guard=services.policy_may_activate,
                effect=services.policy_activate,
                style="success",
                confirm=_("The policy becomes the year's policy in force and can no longer be changed."),
            ),
            Step(
                "reject",
                P.DIRECTOR_REVIEW,
                P.DRAFT,
                (Role.MARKETING_DIRECTOR,),
                _("Send back"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                style="danger",
            ),
            Step(
                "withdraw",
                (P.DRAFT, P.DIRECTOR_REVIEW),
                P.WITHDRAWN,
                services.DRAFTERS,
                _("Withdraw"),
                reach=Reach.CREATOR,
                optional=True,
                comment_required=True,
                style="outline-danger",
            ),
            Step(
                "supersede",
                P.ACTIVE,
                P.SUPERSEDED,
                (Role.MARKETING_DIRECTOR,),
                _("Supersede"),
                reach=Reach.COMPANY,
                guard=services.policy_being_replaced,
                automatic=True,  # when the director approves a newer revision
            ),
        ],
    )
)

R = RunStatus
RUN_FLOW = register(
    Flow(
        name="rebate_run",
        label=_("Rebate calculation"),
        model=RebateRun,
        states=RunStatus,
        initial=R.CALCULATED,
        number_prefix="FLJS",
        detail_url_name="rebates:run_detail",
        getter=selectors.run_get,
        selector=selectors.runs_for,
        final_states=(R.ISSUED, R.RETURNED),
        steps=[
            Step(
                "submit",
                R.CALCULATED,
                R.DIRECTOR_REVIEW,
                (Role.CUSTOMER_SERVICE,),
                _("Submit"),
                reach=Reach.COMPANY,
                submits=True,
                guard=services.run_computed,
                offered=services.run_is_computed,
            ),
            Step(
                "approve",
                R.DIRECTOR_REVIEW,
                R.FINANCE_REVIEW,
                (Role.MARKETING_DIRECTOR,),
                _("Approve"),
                reach=Reach.COMPANY,
                approval=True,
                style="success",
            ),
            Step(
                "reject",
                R.DIRECTOR_REVIEW,
                R.RETURNED,
                (Role.MARKETING_DIRECTOR,),
                _("Reject"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                style="danger",
            ),
            Step(
                "verify",
                R.FINANCE_REVIEW,
                R.PRESIDENT_REVIEW,
                (Role.FINANCE,),
                _("Verified"),
                reach=Reach.COMPANY,
                approval=True,
                style="success",
            ),
            Step(
                "send_back",
                R.FINANCE_REVIEW,
                R.RETURNED,
                (Role.FINANCE,),
                _("Send back with disputed lines"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                form=SendBackForm,
                effect=services.run_send_back,
                style="danger",
            ),
            Step(
                "approve",
                R.PRESIDENT_REVIEW,
                R.ISSUED,
                (Role.PRESIDENT,),
                _("Approve"),
                reach=Reach.COMPANY,
                approval=True,
                guard=services.run_may_issue,
                effect=services.run_issue_statements,
                style="success",
                confirm=_("A statement is issued to every distributor owed a rebate."),
            ),
            Step(
                "reject",
                R.PRESIDENT_REVIEW,
                R.RETURNED,
                (Role.PRESIDENT,),
                _("Reject"),
                reach=Reach.COMPANY,
                approval=True,
                comment_required=True,
                style="danger",
            ),
        ],
    )
)

S = StatementStatus
STATEMENT_FLOW = register(
    Flow(
        name="rebate_statement",
        label=_("Rebate statement"),
        model=Statement,
        states=StatementStatus,
        initial=S.ISSUED,
        number_prefix="DZD",
        detail_url_name="rebates:statement_detail",
        getter=selectors.statement_get,
        selector=selectors.statements_for,
        final_states=(S.PAID,),
        steps=[
            Step(
                "confirm",
                S.ISSUED,
                S.CONFIRMED,
                (Role.DISTRIBUTOR,),
                _("Confirm"),
                reach=Reach.DISTRIBUTOR,
                style="success",
                confirm=_("You agree with the amount; finance will pay it out."),
            ),
            Step(
                "dispute",
                S.ISSUED,
                S.DISPUTED,
                (Role.DISTRIBUTOR,),
                _("Dispute"),
                reach=Reach.DISTRIBUTOR,
                form=DisputeForm,
                effect=services.statement_dispute,
                style="warning",
            ),
            Step(
                "reissue",
                S.DISPUTED,
                S.ISSUED,
                (Role.FINANCE,),
                _("Answer and reissue"),
                reach=Reach.COMPANY,
                comment_required=True,
                form=ReissueForm,
                effect=services.statement_reissue,
            ),
            Step(
                "pay",
                S.CONFIRMED,
                S.PAID,
                (Role.FINANCE,),
                _("Pay out"),
                reach=Reach.COMPANY,
                form=PayoutForm,
                effect=services.statement_pay,
                style="success",
                confirm=_("The rebate is paid out once: a credit note or a payment."),
            ),
        ],
    )
)
