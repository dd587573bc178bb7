"""Statuses and kinds of the sales app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    """Where a sales order stands."""

    DRAFT = "draft", _("Draft")  # the rep is writing it
    MANAGER_REVIEW = "manager_review", _("Awaiting confirmation")  # the region's manager confirms it
    CREDIT_REVIEW = (
        "credit_review",
        _("Credit exception review"),
    )  # over the credit limit: the director decides
    CONFIRMED = "confirmed", _("Confirmed")  # to be delivered
    DELIVERED = "delivered", _("Delivered")  # shipped; the lines are in the sales ledger
    INVOICED = "invoiced", _("Invoiced")  # finance issued the invoice; a receivable is open
    PAID = "paid", _("Paid")  # the invoice is fully paid
    CANCELLED = "cancelled", _("Cancelled")  # cancelled before delivery


class LedgerSource(models.TextChoices):
    """Where a sales-ledger row comes from."""

    DELIVERY = "delivery", _("Delivery")  # a delivered order line
    IMPORT = "import", _("Imported history")  # loaded from Excel when the company moved in
    RETURN = "return", _("Return")  # a return (negative quantity and amount)


class InvoiceStatus(models.TextChoices):
    """Whether an invoice still has money to collect."""

    OPEN = "open", _("Open")  # not fully paid
    PAID = "paid", _("Paid")  # fully paid


class CollectionStatus(models.TextChoices):
    """Where a collection task (催收) stands."""

    OPEN = "open", _("Open")  # overdue, the rep must contact the customer
    PROMISED = "promised", _("Promised")  # the customer promised to pay by a date
    ESCALATED = "escalated", _("Escalated")  # a promise was broken: the regional manager follows up
    CLOSED = "closed", _("Closed")  # the invoice is paid


class ImportStatus(models.TextChoices):
    """Where a background import stands."""

    QUEUED = "queued", _("Queued")  # waiting for the worker
    RUNNING = "running", _("Running")  # rows being checked and saved
    DONE = "done", _("Completed")  # every row saved
    FAILED = "failed", _("Failed")  # nothing saved; see the errors
