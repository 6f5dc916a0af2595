"""Survivor protection and care: one survivor-centred record from rescue (or a survivor who
comes forward) to a safe life — consent, the CWC for children, shelter placements, the care
plan, services, counselling notes, the home study, repatriation and follow-ups.

Who sees what (access/querysets.survivors_visible_to): the NGO that runs the record, the
shelter the survivor lives in, agencies the survivor agreed to share with (or a CWC order
names), users assigned to the survivor, and for children the district's CWC. Counselling
notes are narrower still: the survivor's assigned counsellors only (``ClinicalNote``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.core.models import TimeStampedModel, VersionedModel
from safetynet.people import vault

from . import htcds

FOLLOW_UP_MONTHS = (3, 6, 12)


class SurvivorQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "care.view"):
        from safetynet.access.querysets import survivors_visible_to

        return survivors_visible_to(self, user, action)


class Survivor(VersionedModel):
    """The care record of one person (``people.Person``: pseudonymous; names are in the vault)."""

    class CameVia(models.TextChoices):
        RESCUE = "rescue", _("Rescued in an operation")
        CAME_FORWARD = "came_forward", _("Came forward")
        REFERRAL = "referral", _("Referred by another agency")
        REPATRIATED_IN = "repatriated_in", _("Repatriated from abroad")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        IN_CARE = "in_care", _("In shelter care")
        LEFT_CARE = "left_care", _("Left care")
        REINTEGRATED = "reintegrated", _("Reintegrated with family or community")
        REPATRIATED = "repatriated", _("Repatriated")

    class Language(models.TextChoices):
        BENGALI = "bn", "বাংলা"
        HINDI = "hi", "हिन्दी"
        NEPALI = "ne", "नेपाली"
        ENGLISH = "en", "English"

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="survivor")
    owning_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="survivors")
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    came_via = models.CharField(_("how the survivor came to us"), max_length=20, choices=CameVia.choices)
    rescue = models.ForeignKey("rescues.RescueOperation", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="survivors")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField(_("registered on"))
    language = models.CharField(_("language the survivor prefers"), max_length=5, choices=Language.choices,
                                default=Language.BENGALI)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    # HTCDS fields (codes: htcds.py).
    trafficking_status = models.CharField(_("trafficking status"), max_length=40,
                                          choices=htcds.TraffickingStatus.choices,
                                          default=htcds.TraffickingStatus.POSSIBLE)
    methods_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    exploitation_types = models.JSONField(_("type of exploitation"), default=list, blank=True)
    labour_industries = models.JSONField(_("forced labour industry"), default=list, blank=True)
    recruitment_methods = models.JSONField(_("method of recruitment"), default=list, blank=True)
    recruiter_relation = models.CharField(_("recruiter's relation to the survivor"), max_length=30, blank=True,
                                          choices=htcds.RecruiterRelation.choices)
    months_in_exploitation = models.PositiveSmallIntegerField(_("months in exploitation"), null=True, blank=True)
    recruited_from = models.ForeignKey(
        "agencies.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("place of recruitment"),
        help_text=_("The district or police station area the survivor was taken from: the source of the case."))
    # Family tracing may start only with consent, a CWC order or an audited override.
    tracing_basis = models.CharField(max_length=20, blank=True)
    tracing_started_on = models.DateField(null=True, blank=True)
    re_trafficked_on = models.DateField(_("found re-trafficked on"), null=True, blank=True)
    left_care_on = models.DateField(null=True, blank=True)

    objects = SurvivorQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["owning_agency", "status"])]

    def __str__(self) -> str:
        return self.person.code

    @property
    def is_child(self) -> bool:
        return self.person.is_child or self.person.age_band == "unknown"


class Consent(TimeStampedModel):
    class Purpose(models.TextChoices):
        SERVICES = "services", _("Care and services")
        FAMILY_TRACING = "family_tracing", _("Family tracing")
        SHARING = "sharing", _("Sharing the record with a named agency")
        RESEARCH = "research", _("Research use (de-identified)")

    class GivenBy(models.TextChoices):
        SURVIVOR = "survivor", _("The survivor")
        GUARDIAN = "guardian", _("Parent or guardian")

    class Method(models.TextChoices):
        SIGNED = "signed", _("Signed")
        THUMBPRINT = "thumbprint", _("Thumbprint")
        VERBAL = "verbal_witness", _("Verbal, with a witness")

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency the record may be shared with"))
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices, default=GivenBy.SURVIVOR)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    witness = models.CharField(_("witness (designation)"), max_length=120, blank=True,
                               help_text=_("Needed for verbal consent: e.g. 'Superintendent, SH-KOLK'."))
    language = models.CharField(_("language it was explained in"), max_length=5, choices=Survivor.Language.choices)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["-taken_on", "-id"]

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.taken_on <= day and (self.expires_on is None or day <= self.expires_on)
                and (self.withdrawn_on is None or day < self.withdrawn_on))


class ConsentOverride(TimeStampedModel):
    """Sharing or tracing without consent: always with a written reason, always audited, and
    listed on the record for everyone who can see it."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="overrides")
    purpose = models.CharField(max_length=20, choices=Consent.Purpose.choices)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]


class CareShare(TimeStampedModel):
    """Another agency may see the survivor's care record (not counselling notes)."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=20)  # consent | cwc_order | override
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survivor", "agency"], condition=models.Q(ended_on=None),
                                               name="care_share_once")]


class CareAssignment(TimeStampedModel):
    """A named caseworker or counsellor of the survivor. Counselling notes are read by the
    survivor's active counsellors only."""

    class Kind(models.TextChoices):
        CASEWORKER = "caseworker", _("Caseworker")
        COUNSELLOR = "counsellor", _("Counsellor")

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_assignments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    active = models.BooleanField(default=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survivor", "user", "kind"], condition=models.Q(active=True),
                                               name="care_assignment_once")]


class CWCOrder(TimeStampedModel):
    class Kind(models.TextChoices):
        PLACEMENT = "placement", _("Placement in a child care institution")
        RESTORATION = "restoration", _("Restoration to family")
        AGE_DETERMINATION = "age_determination", _("Age determination")
        REPATRIATION = "repatriation", _("Repatriation")
        FAMILY_TRACING = "family_tracing", _("Family tracing")
        OTHER = "other", _("Other")

    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="cwc_orders")
    cwc = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("order"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("order number"), max_length=60)
    ordered_on = models.DateField(_("ordered on"))
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("shelter or agency named in the order"))
    age_band = models.CharField(_("age determined"), max_length=10, blank=True)
    details_enc = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-ordered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["cwc", "number"], name="cwc_order_number_once")]

    @property
    def age_band_label(self) -> str:
        from safetynet.people.models import Person

        return str(Person.AgeBand(self.age_band).label) if self.age_band else ""

    def get_details(self) -> str:
        return vault.decrypt(self.details_enc, f"{self.public_id}:details") if self.details_enc else ""


class ShelterHome(TimeStampedModel):
    class Serves(models.TextChoices):
        GIRLS = "girls", _("Girls")
        BOYS = "boys", _("Boys")
        WOMEN = "women", _("Women")
        WOMEN_AND_CHILDREN = "women_children", _("Women and children")

    agency = models.OneToOneField("agencies.Agency", on_delete=models.PROTECT, related_name="shelter_home")
    capacity = models.PositiveSmallIntegerField(_("beds"))
    serves = models.CharField(_("serves"), max_length=20, choices=Serves.choices,
                              default=Serves.WOMEN_AND_CHILDREN)

    class Meta:
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return self.agency.name


class Placement(VersionedModel):
    class ExitReason(models.TextChoices):
        TRANSFER = "transfer", _("Transferred to another shelter")
        REINTEGRATED = "reintegrated", _("Reintegrated with family or community")
        REPATRIATED = "repatriated", _("Repatriated")
        INDEPENDENT = "independent", _("Living independently")
        ABSCONDED = "absconded", _("Left without notice")
        OTHER = "other", _("Other")

    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="placements")
    shelter = models.ForeignKey(ShelterHome, on_delete=models.PROTECT, related_name="placements")
    started_on = models.DateField(_("placed on"))
    reason = models.CharField(_("reason"), max_length=300)
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    exit_reason = models.CharField(_("why the survivor left"), max_length=20, choices=ExitReason.choices,
                                   blank=True)
    exit_note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["survivor"], condition=models.Q(ended_on=None),
                                               name="one_current_placement")]


class CarePlan(VersionedModel):
    survivor = models.OneToOneField(Survivor, on_delete=models.PROTECT, related_name="care_plan")
    review_every_days = models.PositiveSmallIntegerField(_("review every (days)"), default=90)
    next_review_on = models.DateField(_("next review"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class CareGoal(TimeStampedModel):
    class Domain(models.TextChoices):
        SAFETY = "safety", _("Safety")
        HEALTH = "health", _("Health")
        PSYCHOSOCIAL = "psychosocial", _("Emotional well-being")
        LEGAL = "legal", _("Legal")
        EDUCATION = "education", _("Education")
        LIVELIHOOD = "livelihood", _("Livelihood")
        FAMILY = "family", _("Family and community")

    class Status(models.TextChoices):
        OPEN = "open", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("area"), max_length=20, choices=Domain.choices)
    goal = models.CharField(_("goal"), max_length=300)
    target_on = models.DateField(_("by"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["status", "target_on", "id"]


class CarePlanReview(TimeStampedModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    summary = models.CharField(_("what changed"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-id"]


class ServiceRecord(TimeStampedModel):
    class Kind(models.TextChoices):
        PSYCHOSOCIAL_ASSESSMENT = "psychosocial_assessment", _("Psycho-social assessment")
        COUNSELLING = "counselling", _("Counselling session")
        HEALTH = "health", _("Health check-up or treatment")
        HIV_STI = "hiv_sti", _("HIV/STI testing or care")
        LEGAL_AID = "legal_aid", _("Legal aid")
        EDUCATION = "education", _("Education")
        LIFE_SKILLS = "life_skills", _("Life skills")
        LIVELIHOOD_TRAINING = "livelihood_training", _("Livelihood training")
        JOB_PLACEMENT = "job_placement", _("Job placement")
        OTHER = "other", _("Other")

    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("service"), max_length=30, choices=Kind.choices)
    provider = models.CharField(_("provider"), max_length=200)
    delivered_on = models.DateField(_("on"))
    job_role = models.CharField(_("job"), max_length=120, blank=True,
                                help_text=_("For a job placement: e.g. security guard, housekeeping."))
    note = models.CharField(_("note"), max_length=300, blank=True,
                            help_text=_("No clinical detail here: counsellors keep that in counselling notes."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-delivered_on", "-id"]


class ClinicalNote(TimeStampedModel):
    """A counsellor's note: encrypted, and read only by the survivor's assigned counsellors
    (services.clinical_notes_for) — not shelter staff, police or administrators."""

    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="clinical_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField()
    body_enc = models.TextField()

    class Meta:
        ordering = ["-written_on", "-id"]

    def get_body(self) -> str:
        return vault.decrypt(self.body_enc, f"{self.public_id}:clinical")


class HomeStudy(TimeStampedModel):
    """The family home, studied before anyone is sent back to it. ``warnings`` are computed
    when it is saved (services.home_warnings): codes, never the matched values."""

    class Answer(models.TextChoices):
        NO = "no", _("No")
        YES = "yes", _("Yes")
        UNKNOWN = "unknown", _("Not known")

    class Recommendation(models.TextChoices):
        REINTEGRATE = "reintegrate", _("Reintegration is safe")
        NOT_SAFE = "not_safe", _("Not safe: do not send the survivor home")
        ALTERNATIVE = "alternative", _("Alternative care (kinship, foster, independent living)")
        MORE = "more_assessment", _("More assessment needed")

    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="home_studies")
    conducted_on = models.DateField(_("visited on"))
    place = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("where the home is"))
    address_enc = models.TextField(blank=True)
    household_enc = models.TextField(blank=True)  # JSON list of {name, relation, phone}
    risks_enc = models.TextField(blank=True)
    family_involved = models.CharField(_("was the family involved in the trafficking?"), max_length=10,
                                       choices=Answer.choices, default=Answer.UNKNOWN)
    village_involved = models.CharField(_("were people in the village involved?"), max_length=10,
                                        choices=Answer.choices, default=Answer.UNKNOWN)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    warnings = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-conducted_on", "-id"]
        verbose_name_plural = "home studies"

    def _ctx(self, field: str) -> str:
        return f"{self.public_id}:{field}"

    def set_text(self, field: str, value: str) -> None:
        setattr(self, f"{field}_enc", vault.encrypt(value, self._ctx(field)) if value else "")

    def get_text(self, field: str) -> str:
        token = getattr(self, f"{field}_enc")
        return vault.decrypt(token, self._ctx(field)) if token else ""


class Repatriation(VersionedModel):
    class Country(models.TextChoices):
        BANGLADESH = "BD", _("Bangladesh")
        NEPAL = "NP", _("Nepal")

    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="repatriations")
    country = models.CharField(_("to"), max_length=2, choices=Country.choices)
    counterpart = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("counterpart agency"))
    border_post = models.CharField(_("handover at (border post)"), max_length=120, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(null=True, blank=True)


class RepatriationStep(VersionedModel):
    class Kind(models.IntegerChoices):
        NATIONALITY = 1, _("Nationality verified")
        DOCUMENTS = 2, _("Travel documents issued")
        ACCEPTED = 3, _("Counterpart agency accepted")
        HANDOVER = 4, _("Handed over at the border")

    repatriation = models.ForeignKey(Repatriation, on_delete=models.CASCADE, related_name="steps")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["repatriation", "kind"], name="repatriation_step_once")]


class FollowUp(VersionedModel):
    class Livelihood(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        TRAINING = "training", _("In training")
        SCHOOL = "school", _("In school")
        NONE = "none", _("No income")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField(_("due on"))
    months = models.PositiveSmallIntegerField(null=True, blank=True)  # 3, 6, 12; empty for an extra one
    done_on = models.DateField(_("done on"), null=True, blank=True)
    wellbeing = models.PositiveSmallIntegerField(_("well-being (1 = very poor, 5 = very good)"), null=True, blank=True)
    livelihood = models.CharField(_("livelihood"), max_length=20, choices=Livelihood.choices, blank=True)
    risk = models.CharField(_("risk of re-trafficking"), max_length=10, choices=Risk.choices, blank=True)
    re_trafficked = models.BooleanField(_("found re-trafficked"), default=False)
    note_enc = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    @property
    def on_time(self) -> bool:
        from .services import FOLLOW_UP_GRACE_DAYS

        return bool(self.done_on and self.done_on <= self.due_on + datetime.timedelta(days=FOLLOW_UP_GRACE_DAYS))
