"""The legal file of a case: FIRs with sections of law, the accused (arrest, custody, the
charge-sheet deadline, the police report), court cases with their hearings and witness
attendance, verdicts and victim compensation.

Everything here hangs off a ``cases.Case`` and is visible exactly as far as the case is,
for roles holding ``legal.view`` (access/querysets.legal_visible_to). Hearing notes are
encrypted like case notes: people write names in them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel, VersionedModel
from safetynet.people import vault


class LegalQuerySet(models.QuerySet):
    """Records reached through their case (``case_path`` names the route to it)."""

    case_path = "case"

    def visible_to(self, user, action: str = "legal.view"):
        from safetynet.access.querysets import legal_visible_to

        return legal_visible_to(self, user, action, self.case_path)


class HearingQuerySet(LegalQuerySet):
    case_path = "court_case__case"


class LawSection(models.Model):
    """One offence an FIR can name (data/law_sections.csv; see data/SOURCE.md)."""

    code = models.CharField(max_length=30, unique=True)
    country = models.CharField(max_length=2)
    act = models.CharField(max_length=160)
    section = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    max_punishment = models.CharField(max_length=20)
    # Days from arrest to the police report (BNSS s.187(3)); empty: no Indian deadline.
    charge_sheet_days = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["country", "act", "code"]

    def __str__(self) -> str:
        return f"{self.short_act} s.{self.section} — {self.title}"

    @property
    def short_act(self) -> str:
        return self.code.rsplit("-", 1)[0].replace("BD-", "").replace("NP-", "")


class FirstInformationReport(VersionedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="firs")
    police_station = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="firs")
    number = models.CharField(_("FIR number"), max_length=30)
    registered_on = models.DateField(_("registered on"))
    sections = models.ManyToManyField(LawSection, related_name="firs")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = LegalQuerySet.as_manager()

    class Meta:
        ordering = ["registered_on", "id"]
        constraints = [models.UniqueConstraint(fields=["police_station", "number"], name="fir_number_per_station")]

    def __str__(self) -> str:
        return f"FIR {self.number}"


class Accused(VersionedModel):
    class Custody(models.TextChoices):
        NOT_ARRESTED = "not_arrested", _("Not arrested")
        POLICE = "police", _("Police custody")
        JUDICIAL = "judicial", _("Judicial custody")
        BAIL = "bail", _("On bail")
        ABSCONDING = "absconding", _("Absconding")

    class Report(models.TextChoices):
        CHARGE_SHEET = "charge_sheet", _("Charge sheet")
        FINAL_REPORT = "final_report", _("Final report (no charge)")

    class Verdict(models.TextChoices):
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        DISCHARGED = "discharged", _("Discharged")

    class Appeal(models.TextChoices):
        BY_STATE = "by_state", _("Appeal by the state")
        BY_ACCUSED = "by_accused", _("Appeal by the accused")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="accused")
    code = models.CharField(_("code"), max_length=6, help_text=_("A1, A2, … in the order of the FIR."))
    # The suspect's person record (pseudonymous code; the name stays in the vault).
    party = models.ForeignKey("cases.CaseParty", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="accused")
    custody = models.CharField(max_length=14, choices=Custody.choices, default=Custody.NOT_ARRESTED)
    arrested_on = models.DateField(_("arrested on"), null=True, blank=True)
    charge_sheet_due = models.DateField(null=True, blank=True)
    report = models.CharField(max_length=14, choices=Report.choices, blank=True)
    report_on = models.DateField(_("police report filed on"), null=True, blank=True)
    # Which deadline reminders went out (so the daily run sends each once).
    warned_15_on = models.DateField(null=True, blank=True)
    warned_5_on = models.DateField(null=True, blank=True)
    overdue_on = models.DateField(null=True, blank=True)
    verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    verdict_on = models.DateField(_("verdict on"), null=True, blank=True)
    sentence = models.CharField(_("sentence"), max_length=200, blank=True)
    appeal = models.CharField(max_length=12, choices=Appeal.choices, blank=True)

    objects = LegalQuerySet.as_manager()

    class Meta:
        ordering = ["case", "id"]
        verbose_name_plural = "accused"
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="accused_code_once_per_case")]

    def __str__(self) -> str:
        return self.code

    def days_left(self, today: datetime.date) -> int | None:
        """Days until the charge-sheet deadline while no police report is filed."""
        if self.charge_sheet_due is None or self.report:
            return None
        return (self.charge_sheet_due - today).days


class CourtCase(VersionedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="court_cases")
    court = models.CharField(_("court"), max_length=200)
    number = models.CharField(_("court case number"), max_length=40)
    filed_on = models.DateField(_("filed in court on"))

    objects = LegalQuerySet.as_manager()

    class Meta:
        ordering = ["filed_on", "id"]
        constraints = [models.UniqueConstraint(fields=["court", "number"], name="court_case_number_per_court")]

    def __str__(self) -> str:
        return f"{self.court} {self.number}"


class Hearing(VersionedModel):
    class Outcome(models.TextChoices):
        CHARGES_FRAMED = "charges_framed", _("Charges framed")
        EVIDENCE = "evidence", _("Evidence recorded")
        ARGUMENTS = "arguments", _("Arguments heard")
        ADJOURNED = "adjourned", _("Adjourned")
        JUDGMENT = "judgment", _("Judgment pronounced")
        OTHER = "other", _("Other")

    class AdjournedBecause(models.TextChoices):
        ACCUSED_ABSENT = "accused_absent", _("Accused absent")
        WITNESS_ABSENT = "witness_absent", _("Witness absent")
        PROSECUTOR_ABSENT = "prosecutor_absent", _("Prosecutor absent")
        DEFENCE_REQUEST = "defence_request", _("Requested by the defence")
        COURT_DID_NOT_SIT = "court_did_not_sit", _("Court did not sit")
        OTHER = "other", _("Other reason")

    court_case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="hearings")
    held_on = models.DateField(_("date of the hearing"))
    outcome = models.CharField(_("what happened"), max_length=16, choices=Outcome.choices)
    adjourned_because = models.CharField(_("adjourned because"), max_length=20, choices=AdjournedBecause.choices,
                                         blank=True)
    next_date = models.DateField(_("next date"), null=True, blank=True)
    notes_enc = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = HearingQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.court_case} {self.held_on:%d %b %Y}"

    @property
    def notes(self) -> str:
        return vault.decrypt(self.notes_enc, f"{self.public_id}:hearing") if self.notes_enc else ""

    def set_notes(self, text: str) -> None:
        self.notes_enc = vault.encrypt(text, f"{self.public_id}:hearing") if text else ""


class WitnessAttendance(models.Model):
    """A victim or witness summoned for a hearing: did they come, did they turn hostile."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="attendance")
    party = models.ForeignKey("cases.CaseParty", on_delete=models.PROTECT, related_name="attendance")
    attended = models.BooleanField(default=False)
    turned_hostile = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hearing", "party"], name="attendance_once_per_hearing")]


class Compensation(TimeStampedModel):
    """Victim compensation (BNSS s.396 schemes): applied for, and what was awarded."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="compensations")
    party = models.ForeignKey("cases.CaseParty", on_delete=models.PROTECT, related_name="compensations")
    applied_on = models.DateField(_("applied on"))
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    amount_awarded = models.DecimalField(_("amount awarded (₹)"), max_digits=12, decimal_places=2, null=True,
                                         blank=True)

    objects = LegalQuerySet.as_manager()

    class Meta:
        ordering = ["applied_on", "id"]


class RiskAssessment(TimeStampedModel):
    """How much danger a testifying victim or witness is in, as assessed on a date. The
    latest assessment of a person in a case is the current one."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Influence(models.TextChoices):
        NONE = "none", _("No known influence")
        LOCAL = "local", _("Influence in the village or family")
        POWERFUL = "powerful", _("Powerful: money, political or police links")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="risk_assessments")
    party = models.ForeignKey("cases.CaseParty", on_delete=models.PROTECT, related_name="risk_assessments")
    assessed_on = models.DateField(_("assessed on"))
    threats_received = models.BooleanField(_("threats received"), default=False)
    pressure_to_withdraw = models.BooleanField(_("pressure to withdraw or change the statement"), default=False)
    accused_influence = models.CharField(_("the accused's influence"), max_length=10, choices=Influence.choices,
                                         default=Influence.NONE)
    level = models.CharField(_("risk"), max_length=8, choices=Level.choices)
    notes_enc = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = LegalQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]

    @property
    def notes(self) -> str:
        return vault.decrypt(self.notes_enc, f"{self.public_id}:risk") if self.notes_enc else ""

    def set_notes(self, text: str) -> None:
        self.notes_enc = vault.encrypt(text, f"{self.public_id}:risk") if text else ""


class ProtectionMeasure(VersionedModel):
    class Kind(models.TextChoices):
        ESCORT = "escort", _("Police escort to and from court")
        IN_CAMERA = "in_camera", _("In-camera testimony")
        VIDEO = "video", _("Testimony by video link")
        SCREEN = "screen", _("Screen between witness and accused")
        IDENTITY_WITHHELD = "identity_withheld", _("Identity withheld in the court record")
        RELOCATION = "relocation", _("Relocation")
        SHELTER = "shelter", _("Stay in a protection home")
        OTHER = "other", _("Other measure")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="protection_measures")
    party = models.ForeignKey("cases.CaseParty", on_delete=models.PROTECT, related_name="protection_measures")
    kind = models.CharField(_("measure"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = LegalQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]

    def active_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class ProtectionIncident(TimeStampedModel):
    class Kind(models.TextChoices):
        THREAT = "threat", _("Threat")
        APPROACHED = "approached", _("Approached by the accused or their people")
        PRESSURE = "pressure", _("Pressure to withdraw or change the statement")
        OFFER = "offer", _("Offer of money to withdraw")
        VIOLENCE = "violence", _("Violence")
        OTHER = "other", _("Other")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="protection_incidents")
    party = models.ForeignKey("cases.CaseParty", on_delete=models.PROTECT, related_name="protection_incidents")
    occurred_on = models.DateField(_("when"))
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    notes_enc = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = LegalQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]

    @property
    def notes(self) -> str:
        return vault.decrypt(self.notes_enc, f"{self.public_id}:incident") if self.notes_enc else ""

    def set_notes(self, text: str) -> None:
        self.notes_enc = vault.encrypt(text, f"{self.public_id}:incident") if text else ""


class SuspectRecord(VersionedModel):
    """What the investigation knows about a suspect beyond the identity record (names,
    aliases, phones, addresses live there): vehicles and bank accounts. Vault data."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="suspect_record")
    vehicles_enc = models.TextField(blank=True)
    bank_accounts_enc = models.TextField(blank=True)

    FIELDS = ("vehicles", "bank_accounts")

    def set_list(self, field: str, values: list[str]) -> None:
        import json

        assert field in self.FIELDS
        cleaned = [v.strip() for v in values if v and v.strip()]
        setattr(self, f"{field}_enc", vault.encrypt(json.dumps(cleaned, ensure_ascii=False),
                                                    f"{self.person.public_id}:{field}") if cleaned else "")

    def get_list(self, field: str) -> list[str]:
        import json

        token = getattr(self, f"{field}_enc")
        return json.loads(vault.decrypt(token, f"{self.person.public_id}:{field}")) if token else []


class SuspectIndicator(models.Model):
    """A suspect's phone, vehicle, bank account or name key, as a keyed hash: two suspects
    who share one meet without anything being decrypted (like tips' indicators)."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone number")
        VEHICLE = "vehicle", _("Vehicle number")
        BANK = "bank", _("Bank account")
        NAME = "name", _("Name (any spelling or script)")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="suspect_indicators")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"])]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "digest"], name="suspect_indicator_once")]


class SuspectLinkNotice(models.Model):
    """That the owners of a case were told a suspect elsewhere shares something with one of
    theirs (told once per pair of people)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="suspect_link_told_once")]
