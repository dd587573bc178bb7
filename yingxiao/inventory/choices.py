"""Statuses and kinds of the inventory app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferStatus(models.TextChoices):
    """Where a transfer request (调货申请单) stands."""

    DRAFT = "draft", _("Draft")  # the rep is writing it
    MANAGER_REVIEW = "manager_review", _("Manager review")  # waits for the region's manager
    HQ_REVIEW = "hq_review", _("HQ review")  # waits for 营销总部 (the marketing director)
    RECHECK = "recheck", _("Stock recheck")  # HQ refused: recount stock, then resubmit
    AT_WAREHOUSE = "at_warehouse", _("At warehouse")  # approved: warehouse order made, stock reserved
    IN_TRANSIT = "in_transit", _("In transit")  # shipped from the source warehouse
    RECEIVED = "received", _("Received")  # arrived: stock moved into the destination
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the requester took it back before approval


#: States in which a request still counts as "already requested" for the shortfall suggestions.
OPEN_TRANSFER_STATES = (
    TransferStatus.DRAFT,
    TransferStatus.MANAGER_REVIEW,
    TransferStatus.HQ_REVIEW,
    TransferStatus.RECHECK,
    TransferStatus.AT_WAREHOUSE,
)


class StockCheckStatus(models.TextChoices):
    """Where a stock check (库存清查) stands."""

    DRAFT = "draft", _("Draft")  # counts being entered
    SUBMITTED = "submitted", _("Awaiting approval")  # waits for the warehouse department
    APPROVED = "approved", _("Approved")  # differences booked as adjustments
    REJECTED = "rejected", _("Rejected")  # refused; count again in a new check


class MovementKind(models.TextChoices):
    """Why stock moved; every change of a stock level is one movement."""

    RECEIPT = "receipt", _("Receipt")  # goods in from production or purchase
    ISSUE = "issue", _("Issue")  # goods out to a customer (sales deliveries)
    RESERVE = "reserve", _("Reservation")  # set aside for an approved transfer
    RELEASE = "release", _("Release")  # reservation given back
    TRANSFER_OUT = "transfer_out", _("Transfer out")  # shipped to another warehouse
    TRANSFER_IN = "transfer_in", _("Transfer in")  # received from another warehouse
    IN_TRANSIT = "in_transit", _("Incoming in transit")  # on its way to this warehouse
    ADJUSTMENT = "adjustment", _("Stock-check adjustment")  # counted difference booked
    RETURN_IN = "return_in", _("Goods back from a customer")  # exchanged or returned goods into quarantine
