"""Statuses and grades of distributors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DistributorStatus(models.TextChoices):
    """Where a distributor stands with the company."""

    CANDIDATE = "candidate", _("Candidate")  # 备选经销商: under evaluation, no orders yet
    ACTIVE = "active", _("Active")  # signed 经销协议, may order
    SUSPENDED = "suspended", _("Suspended")  # temporarily blocked (credit, 窜货 …)
    TERMINATED = "terminated", _("Terminated")  # agreement ended


class DistributorGrade(models.TextChoices):
    """Commercial grade, used by rebate policies and credit decisions."""

    A = "A", _("Grade A")  # key distributor
    B = "B", _("Grade B")  # regular distributor
    C = "C", _("Grade C")  # small or new distributor
