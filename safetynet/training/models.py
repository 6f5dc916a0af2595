"""Named trainees of a training programme, their completion certificates, and the library of
knowledge products (manuals, SOPs, posters, curricula) in four languages.

Trainees are named professionals (police officers, prosecutors, teachers, hotel staff), not
victims: their names are kept here in plain text, never in the identity vault, but they never
reach a log, a URL, an audit event or an error that could be logged. A trainee is reached
through the programme it belongs to (``programmes.TrainingProgramme``), so the programme's
scope rule applies: the owning agency's members with ``training.manage``.

Knowledge products carry no personal data: every signed-in member of an agency may read the
library and download them; only ``training.manage`` publishes (for its own agency).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetynet.access import policy
from safetynet.core.models import TimeStampedModel, VersionedModel
from safetynet.programmes.models import TrainingParticipation, TrainingProgramme

Category = TrainingParticipation.Category


def programme_days(programme: TrainingProgramme) -> int:
    """How many days a programme lasts, its first and last day included."""
    return (programme.ends_on - programme.starts_on).days + 1


def programmes_visible_to(user, action: str = policy.Cap.TRAINING_MANAGE):
    """The training programmes whose trainees ``user`` may see: the programme's owning agency
    (the rule of ``programmes.ProgrammeQuerySet.visible_to``), for holders of ``action``."""
    return TrainingProgramme.objects.visible_to(user, action)


class TraineeQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = policy.Cap.TRAINING_MANAGE):
        return self.filter(programme__in=programmes_visible_to(user, action).values("pk"))


class Trainee(VersionedModel):
    """One person trained in one programme, with the days they attended."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="trainees")
    full_name = models.CharField(_("full name"), max_length=200)
    # The name and the organisation as compared for "listed twice" (services.name_key).
    name_key = models.CharField(max_length=200, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    organisation = models.CharField(_("organisation"), max_length=200)
    organisation_key = models.CharField(max_length=200, editable=False)
    designation = models.CharField(_("designation"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    days_attended = models.PositiveSmallIntegerField(_("days attended"), default=0)
    # Set when the first certificate is issued and kept for every copy printed after it.
    certificate_number = models.CharField(max_length=40, blank=True, default="")
    verification_code = models.CharField(max_length=20, blank=True, default="")
    certificate_issued_on = models.DateField(null=True, blank=True)

    objects = TraineeQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name_key", "organisation_key"],
                                    name="trainee_once_per_programme"),
            models.UniqueConstraint(fields=["certificate_number"], condition=~Q(certificate_number=""),
                                    name="one_trainee_per_certificate_number"),
        ]

    def __str__(self) -> str:  # never the name: this may end up in a log line
        return f"trainee {self.public_id}"

    @property
    def completed(self) -> bool:
        """Completed = attended every day of the programme."""
        return self.days_attended >= programme_days(self.programme)


def category_comparison(programme: TrainingProgramme) -> dict:
    """The programme's category counts (TrainingParticipation, as recorded) beside its named
    trainees who attended at least one day. Neither overrides the other: the page shows both
    and the difference."""
    counted = dict(programme.participation.values_list("category", "attended"))
    named: dict[str, int] = {}
    listed: dict[str, int] = {}
    completed: dict[str, int] = {}
    days = programme_days(programme)
    for category, attended in programme.trainees.values_list("category", "days_attended"):
        listed[category] = listed.get(category, 0) + 1
        if attended > 0:
            named[category] = named.get(category, 0) + 1
        if attended >= days:
            completed[category] = completed.get(category, 0) + 1
    rows: list[dict] = []
    for value, label in Category.choices:
        if value not in counted and value not in listed:
            continue
        c, n = counted.get(value, 0), named.get(value, 0)
        rows.append({"category": value, "label": label, "counted": c, "named": n, "listed": listed.get(value, 0),
                     "completed": completed.get(value, 0), "difference": n - c})
    total_counted = sum(counted.values())
    total_named = sum(named.values())
    return {"rows": rows, "agree": all(counted.get(c, 0) == named.get(c, 0) for c in set(counted) | set(listed)),
            "has_trainees": bool(listed),
            "counted": total_counted, "named": total_named, "difference": total_named - total_counted,
            "listed": sum(listed.values()), "completed": sum(completed.values())}


# --------------------------------------------------------------------------- knowledge products


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    HINDI = "hi", _("Hindi")
    BENGALI = "bn", _("Bengali")
    NEPALI = "ne", _("Nepali")


class KnowledgeProductQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Everything, for any signed-in member of an active agency (no personal data in it)."""
        from safetynet.access.querysets import active_memberships

        return self.all() if active_memberships(user) else self.none()

    def managed_by(self, user):
        """The products of the agencies in which ``user`` holds ``training.manage``."""
        from safetynet.access.querysets import memberships_with

        agencies = [m.agency_id for m in memberships_with(user, policy.Cap.TRAINING_MANAGE)]
        return self.filter(publishing_agency_id__in=agencies)


class KnowledgeProduct(TimeStampedModel):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual")
        SOP = "sop", _("Standard operating procedure")
        POSTER = "poster", _("Poster")
        CURRICULUM = "curriculum", _("Curriculum")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    publishing_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("published by"))

    objects = KnowledgeProductQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]


class KnowledgeVersionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(replaced_at=None)


class KnowledgeVersion(TimeStampedModel):
    """One language version of a product: one uploaded file and how often it was downloaded.

    Uploading the same language again replaces it: the earlier file stays (with its count)
    but is no longer offered."""

    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    replaced_at = models.DateTimeField(null=True, blank=True)

    objects = KnowledgeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["product_id", "language", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["product", "language"], condition=Q(replaced_at=None),
                                               name="one_current_version_per_language")]


class KnowledgeFile(models.Model):
    """The file's bytes, in their own table so that listing versions never loads them.

    In the database like every other upload of the platform (tip photos, link-files jobs):
    several web processes serve them without a shared disk, and one backup holds everything."""

    version = models.OneToOneField(KnowledgeVersion, on_delete=models.CASCADE, primary_key=True,
                                   related_name="file")
    data = models.BinaryField()
