"""Statuses and kinds of the rebates app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PolicyStatus(models.TextChoices):
    """Where a rebate policy (返利政策) stands."""

    DRAFT = "draft", _("Draft")  # the market department is writing it
    DIRECTOR_REVIEW = "director_review", _("Awaiting director approval")  # 营销总监 decides
    # in force for its year, no longer editable; a context of its own: "Active" of a distributor is 合作中
    ACTIVE = "active", pgettext_lazy("rebate policy", "Active")
    SUPERSEDED = "superseded", _("Superseded")  # a newer version of it became active
    WITHDRAWN = "withdrawn", _("Withdrawn")  # dropped before approval


class PolicyScope(models.TextChoices):
    """Which distributors a policy covers."""

    ALL = "all", _("All distributors")
    REGIONS = "regions", _("Some regions")
    GRADES = "grades", _("Some grades")
    DISTRIBUTORS = "distributors", _("Some distributors")


class RebateBasis(models.TextChoices):
    """What the tiers measure, net of returns."""

    AMOUNT = "amount", _("Purchase amount")  # yuan
    QUANTITY = "quantity", _("Purchase quantity")  # units


class TierMode(models.TextChoices):
    """How the tier rates apply to the base."""

    RETROACTIVE = "retroactive", _("Retroactive")  # the reached tier's rate on the whole base
    PROGRESSIVE = "progressive", _("Progressive")  # each band of the base at its own rate


class RunStatus(models.TextChoices):
    """Where a rebate calculation run (返利计算) stands in its approvals."""

    CALCULATED = "calculated", _("Calculated")  # customer service checks it and submits it
    DIRECTOR_REVIEW = "director_review", _("Awaiting director review")  # 营销总监 reviews
    FINANCE_REVIEW = "finance_review", _("Awaiting finance verification")  # 财务部 verifies the figures
    PRESIDENT_REVIEW = "president_review", _("Awaiting president approval")  # 总裁 approves
    ISSUED = "issued", _("Statements issued")  # one statement per distributor sent for reconciliation
    RETURNED = "returned", _("Sent back")  # disputed or rejected; a recalculation is a new run


class CalcStatus(models.TextChoices):
    """Where the background computation of a run stands."""

    QUEUED = "queued", _("Queued")  # waiting for the worker
    RUNNING = "running", _("Running")  # computing
    DONE = "done", _("Completed")  # every line and distributor computed
    FAILED = "failed", _("Failed")  # nothing kept; see the error


class StatementStatus(models.TextChoices):
    """Where a distributor's statement (对账单) stands."""

    ISSUED = "issued", _("Awaiting distributor")  # the distributor confirms or disputes it
    DISPUTED = "disputed", _("Disputed")  # finance answers the dispute and reissues it
    CONFIRMED = "confirmed", _("Confirmed")  # finance pays it out
    PAID = "paid", _("Paid out")  # credit note or payment made, exactly once


class PayoutMethod(models.TextChoices):
    """How a confirmed rebate is paid out."""

    CREDIT_NOTE = "credit_note", _("Credit note against future orders")
    PAYMENT = "payment", _("Payment")
