"""Reference datasets: published figures (NCRB's Crime in India tables, later the CTDC
dataset) kept beside the project's own, so the project's definitions can be checked
against them and researchers can compare. Public aggregates: no person, no access rule."""

from __future__ import annotations

from django.db import models


class ReferenceDataset(models.Model):
    code = models.CharField(max_length=60, unique=True)  # e.g. "ncrb-2018-police-disposal"
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300)  # where the numbers come from, and who to credit
    year = models.PositiveSmallIntegerField()
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class ReferenceRow(models.Model):
    """One row as published, with its columns under canonical names (stats/reference.py)."""

    dataset = models.ForeignKey(ReferenceDataset, on_delete=models.CASCADE, related_name="rows")
    region = models.CharField(max_length=80)
    region_type = models.CharField(max_length=30, blank=True)
    group = models.CharField(max_length=40, blank=True)  # e.g. an age group, for tables split by one
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["dataset", "region", "group"]
        constraints = [models.UniqueConstraint(fields=["dataset", "region", "group"], name="reference_row_once")]
