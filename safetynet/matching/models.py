"""Candidate matches between missing-person reports and found persons (rescued victims and
survivors in care), with each field's contribution to the score, and the runs that made them.

A candidate names two records by their pseudonymous codes only; names are shown on the
review screen to someone who may see the identity behind *both* (services.can_see_both).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel


class MatchRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, default="nightly")  # nightly | one (one found person)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reports = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    comparisons = models.PositiveBigIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    # [{"record": "MP-N24P-2026-000001", "reason": "empty"}]: codes and reasons, never names.
    skipped = models.JSONField(default=list)
    error = models.CharField(max_length=300, blank=True)
    # The trained model (Splink's JSON: m and u per level, no records) that scores one newly
    # registered found person in real time until the next run (realtime.Index).
    model = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]


class CandidateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A candidate exists for whoever may see either record (so the owner of the found
        person learns that a report may be theirs); who is in it needs both (services)."""
        from safetynet.missing.models import MissingPersonReport
        from safetynet.people.models import Person

        reports = MissingPersonReport.objects.visible_to(user).values("pk")
        persons = Person.objects.visible_to(user).values("pk")
        return self.filter(models.Q(report__in=reports) | models.Q(person__in=persons))


class MatchCandidate(TimeStampedModel):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("To review")
        CONFIRMED = "confirmed", _("Confirmed: the same person")
        REJECTED = "rejected", _("Rejected: not the same person")

    report = models.ForeignKey("missing.MissingPersonReport", on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="match_candidates")
    # Why the found person may be traced at all: "consent", "cwc_order", "override" (the
    # survivor's tracing basis) or "investigation" (a victim of a police case).
    basis = models.CharField(max_length=20)
    match_weight = models.FloatField()
    probability = models.FloatField()
    fields = models.JSONField(default=dict)  # field -> match weight (log2 Bayes factor)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-probability", "-match_weight"]
        constraints = [models.UniqueConstraint(fields=["report", "person"], name="one_candidate_per_pair")]
