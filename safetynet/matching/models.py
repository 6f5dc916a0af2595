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
    # The nightly de-duplication of each record type (DuplicateCandidate): how many pairs each
    # kind stored, the records it skipped ({"kind": "report", "record": code, "reason": ...},
    # codes and reasons only) and, per kind that failed, the exception's type (never its text).
    duplicate_reports = models.PositiveIntegerField(default=0)
    duplicate_persons = models.PositiveIntegerField(default=0)
    dedupe_skipped = models.JSONField(default=list, blank=True)
    dedupe_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]


class ScoredPair(TimeStampedModel):
    """What a candidate match and a candidate duplicate share: the engine's score with each
    field's weight, and the reviewer's decision. The note may name people: it stays on the
    pair, shown only to who may see both records; audit events carry codes only."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("To review")
        CONFIRMED = "confirmed", _("Confirmed: the same person")
        REJECTED = "rejected", _("Rejected: not the same person")

    match_weight = models.FloatField()
    probability = models.FloatField()
    fields = models.JSONField(default=dict)  # field -> match weight (log2 Bayes factor)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class CandidateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A candidate exists for whoever may see either record (so the owner of the found
        person learns that a report may be theirs); who is in it needs both (services)."""
        from safetynet.missing.models import MissingPersonReport
        from safetynet.people.models import Person

        reports = MissingPersonReport.objects.visible_to(user).values("pk")
        persons = Person.objects.visible_to(user).values("pk")
        return self.filter(models.Q(report__in=reports) | models.Q(person__in=persons))


class MatchCandidate(ScoredPair):
    report = models.ForeignKey("missing.MissingPersonReport", on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="match_candidates")
    # Why the found person may be traced at all: "consent", "cwc_order", "override" (the
    # survivor's tracing basis) or "investigation" (a victim of a police case).
    basis = models.CharField(max_length=20)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-probability", "-match_weight"]
        constraints = [models.UniqueConstraint(fields=["report", "person"], name="one_candidate_per_pair")]


class DuplicateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Like a candidate: a duplicate pair exists for whoever may see either record; who is
        in it needs both (services.can_see_both_records)."""
        from safetynet.missing.models import MissingPersonReport
        from safetynet.people.models import Person

        reports = MissingPersonReport.objects.visible_to(user).values("pk")
        persons = Person.objects.visible_to(user).values("pk")
        return self.filter(
            models.Q(kind=DuplicateCandidate.Kind.REPORT, first_report__in=reports)
            | models.Q(kind=DuplicateCandidate.Kind.REPORT, second_report__in=reports)
            | models.Q(kind=DuplicateCandidate.Kind.PERSON, first_person__in=persons)
            | models.Q(kind=DuplicateCandidate.Kind.PERSON, second_person__in=persons))


class DuplicateCandidate(ScoredPair):
    """Two records of one type that are probably the same person: two missing-person reports
    (the family at a station and a tip; two stations), or two found persons (a victim in two
    cases, a survivor registered by two agencies). ``first`` is the earlier record (lower
    primary key), so a pair has one row whichever way the engine returned it; confirming a
    report pair closes the second as a duplicate of the first."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Missing-person reports")
        PERSON = "person", _("Found persons")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    first_report = models.ForeignKey("missing.MissingPersonReport", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    second_report = models.ForeignKey("missing.MissingPersonReport", null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="+")
    first_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    second_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="+")
    levels = models.JSONField(default=dict)  # field -> agreement level ("within 1 year", ...)

    objects = DuplicateQuerySet.as_manager()

    class Meta:
        ordering = ["-probability", "-match_weight"]
        constraints = [
            models.UniqueConstraint(fields=["first_report", "second_report"], name="one_duplicate_per_report_pair",
                                    condition=models.Q(kind="report")),
            models.UniqueConstraint(fields=["first_person", "second_person"], name="one_duplicate_per_person_pair",
                                    condition=models.Q(kind="person")),
            # One kind's two records, in a stable order, never a record with itself.
            models.CheckConstraint(name="duplicate_records_of_its_kind", condition=(
                models.Q(kind="report", first_report__isnull=False, second_report__isnull=False,
                         first_person__isnull=True, second_person__isnull=True,
                         first_report__lt=models.F("second_report"))
                | models.Q(kind="person", first_person__isnull=False, second_person__isnull=False,
                           first_report__isnull=True, second_report__isnull=True,
                           first_person__lt=models.F("second_person")))),
        ]

    @property
    def first(self):
        return self.first_report if self.kind == self.Kind.REPORT else self.first_person

    @property
    def second(self):
        return self.second_report if self.kind == self.Kind.REPORT else self.second_person

    @staticmethod
    def code_of(record) -> str:
        """A report's reference or a person's code: what lists, notifications and the audit trail show."""
        return getattr(record, "reference", None) or record.code


class LinkFilesJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is its uploader's alone: the files and the result hold the names they uploaded."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class LinkFilesJob(TimeStampedModel):
    """One upload on /matching/link-files/: one CSV to de-duplicate or two to link, run by a
    task (matching/tasks.py) whose only argument is the job's id. The files and the result are
    vault-encrypted (they hold names) and deleted after ``linkfiles.KEEP``; counts, skipped ids
    and reasons stay."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        WAITING = "", _("Waiting")
        READING = "reading", _("Reading the files")
        MATCHING = "matching", _("Training the model and scoring pairs")
        WRITING = "writing", _("Writing the result")
        FINISHED = "finished", _("Finished")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.WAITING, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    threshold = models.FloatField(default=0.5)
    left_rows = models.PositiveIntegerField(default=0)
    right_rows = models.PositiveIntegerField(null=True, blank=True)  # None: one file, de-duplicated
    comparisons = models.PositiveBigIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    # [{"id": "17", "side": "right", "reason": "empty name"}]: the file's ids and reasons, never names.
    skipped = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=300, blank=True)  # our words or an exception's type, never data
    # vault tokens (people.vault.encrypt, bound to this job and the slot); "" once deleted
    left_file = models.TextField(blank=True)
    right_file = models.TextField(blank=True)
    result = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = LinkFilesJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    @property
    def linking(self) -> bool:
        return self.right_rows is not None
