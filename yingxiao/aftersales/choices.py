"""Statuses and kinds of the after-sales app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExchangeStatus(models.TextChoices):
    """Where an exchange case (换货) stands (seed 四.2)."""

    DRAFT = "draft", _("Draft")  # the region writes the customer's report
    QUALITY_REVIEW = (
        "quality_review",
        _("Awaiting quality finding"),
    )  # 待质量部结论: quality records its finding
    REVIEW = "review", _("Market manager review")  # market manager decides, with quality's finding
    DIRECTOR_REVIEW = "director_review", _("Late case: director review")  # filed after the approval window
    APPROVED = "approved", _("Approved: goods to come back")  # the customer sends the goods back
    RECEIVED = "received", _("Goods received")  # in quarantine; the rep writes the replacement request
    REPLACEMENT_REVIEW = "replacement_review", _("Replacement: director approval")  # 报营销总监审批
    TO_SHIP = "to_ship", _("Replacement to ship")  # the warehouse ships new goods
    SHIPPED = "shipped", _("Replacement shipped")  # the customer checks the new goods
    ACCEPTED = "accepted", _("Accepted by the customer")  # the rep collects feedback
    CLOSED = "closed", _("Closed")  # feedback recorded
    REJECTED = "rejected", _("Rejected")  # refused, with a reason the customer was told
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the region took it back before the decision


class ReturnStatus(models.TextChoices):
    """Where a return case (退货) stands (seed 四.3)."""

    DRAFT = "draft", _("Draft")  # the region writes the customer's report
    QUALITY_REVIEW = (
        "quality_review",
        _("Awaiting quality finding"),
    )  # 待质量部结论: quality records its finding
    REVIEW = "review", _("Market manager review")  # market manager decides, with quality's finding
    DIRECTOR_REVIEW = "director_review", _("Late case: director review")  # filed after the approval window
    APPROVED = "approved", _("Approved: goods to come back")  # negative lines are in the sales ledger
    RECEIVED = "received", _("Goods received and inspected")  # finance refunds
    REFUNDED = "refunded", _("Refunded")  # or settled without a refund (nothing paid); the rep completes
    CLOSED = "closed", _("Closed")  # return completed
    REJECTED = "rejected", _("Rejected")  # refused, with a reason the customer was told
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the region took it back before the decision


#: States of a case whose quantities count against what was delivered (all but rejected and withdrawn).
RELEASED_STATES = ("rejected", "withdrawn")


class QualityCause(models.TextChoices):
    """The quality department's cause category of a reported problem."""

    MATERIAL = "material", _("Material or component")  # a bought-in part failed
    MANUFACTURING = "manufacturing", _("Manufacturing")  # made wrong in the factory
    DESIGN = "design", _("Design")  # the design does not hold up in use
    TRANSPORT = "transport", _("Transport or storage")  # damaged on the way or stored badly
    INSTALLATION = "installation", _("Installation")  # installed wrongly
    MISUSE = "misuse", _("Misuse by the customer")  # not a quality problem of ours
    UNDETERMINED = "undetermined", _("Not determined")  # no cause found yet


class GoodsCondition(models.TextChoices):
    """In what condition returned goods arrived at the warehouse."""

    AS_REPORTED = "as_reported", _("Defect as reported")  # the problem the customer described
    DAMAGED = "damaged", _("Damaged in transit")  # broken on the way back
    INCOMPLETE = "incomplete", _("Incomplete")  # parts or packaging missing
    NO_DEFECT = "no_defect", _("No defect found")  # works as it should


class InformedBy(models.TextChoices):
    """How the customer was told of a rejection."""

    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message or e-mail")
    LETTER = "letter", _("Letter")


class RefundMethod(models.TextChoices):
    """How finance paid a refund back."""

    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash")
    OFFSET = "offset", _("Offset against an invoice")
    OTHER = "other", _("Other")


class ServiceKind(models.TextChoices):
    """What a customer asks after-sales service for."""

    INSTALLATION = "installation", _("Installation")  # install or commission a product
    REPAIR = "repair", _("Repair")  # fix a product in use
    QUESTION = "question", _("Usage question")  # how to use or maintain a product


#: Working days to resolve a ticket of each kind (the deadline the list highlights when passed).
SERVICE_DEADLINE_DAYS: dict[str, int] = {
    ServiceKind.INSTALLATION: 5,
    ServiceKind.REPAIR: 5,
    ServiceKind.QUESTION: 2,
}


class TicketStatus(models.TextChoices):
    """Where an after-sales service ticket stands."""

    OPEN = "open", pgettext_lazy("service ticket", "Open")  # the region handles it (not 未结清 of invoices)
    ESCALATED = "escalated", _("With technical support")  # 技术部 helps
    RESOLVED = "resolved", _("Resolved")  # done, with notes
    CANCELLED = "cancelled", _("Cancelled")  # opened by mistake


#: Ticket states in which the deadline still runs.
OPEN_TICKET_STATES = (TicketStatus.OPEN, TicketStatus.ESCALATED)
