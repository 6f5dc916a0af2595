"""Research data: the ledger of downloads and of differentially private releases (who, when,
what it cost), and the CTDC reference dataset as counted rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel


class ExportDownload(TimeStampedModel):
    """One download of the k-anonymous victim-level export: who, and how many rows it held."""

    researcher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    k = models.PositiveSmallIntegerField()
    victims = models.PositiveIntegerField()
    rows = models.PositiveIntegerField()
    suppressed = models.PositiveIntegerField()
    levels = models.JSONField(default=dict)  # quasi-identifier -> level of generalisation

    class Meta:
        ordering = ["-created_at", "-id"]


class DpRelease(TimeStampedModel):
    """One release of differentially private counts, and the privacy budget it spent."""

    researcher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10)  # the budget period it is charged to: a calendar year, "2026"
    epsilon = models.DecimalField(_("epsilon"), max_digits=5, decimal_places=2)
    dimensions = models.JSONField(default=list)
    year_from = models.PositiveSmallIntegerField()
    year_to = models.PositiveSmallIntegerField()
    mechanism = models.CharField(max_length=200)
    scale = models.FloatField()
    cells = models.JSONField(default=list)  # [{"year": "2025", "type": "sexual", "state": "IN-WB", "count": 12}]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["researcher", "period"])]


class CtdcCount(models.Model):
    """A distinct row of CTDC's victim-perpetrator synthetic dataset and how often it occurs.

    Columns as in the file (../shared/data/ctdc/SOURCE.md), empty = missing."""

    dataset = models.ForeignKey("stats.ReferenceDataset", on_delete=models.CASCADE, related_name="ctdc_counts")
    year_register = models.CharField(max_length=20, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    majority_status = models.CharField(max_length=10, blank=True)
    is_forced_labour = models.CharField(max_length=2, blank=True)
    is_sexual_exploit = models.CharField(max_length=2, blank=True)
    coo_region = models.CharField(max_length=40, blank=True)
    coe_region = models.CharField(max_length=40, blank=True)
    ip_exploiter = models.CharField(max_length=2, blank=True)
    ip_gender = models.CharField(max_length=40, blank=True)
    ip_age_broad = models.CharField(max_length=80, blank=True)
    ip_citizen_region = models.CharField(max_length=120, blank=True)
    ip_relation = models.CharField(max_length=120, blank=True)
    ip_pay_money = models.CharField(max_length=20, blank=True)
    ip_recruiter_broker = models.CharField(max_length=2, blank=True)
    ip_transaction_process = models.CharField(max_length=2, blank=True)
    ip_control_abuse_kidnap = models.CharField(max_length=2, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
