"""Prevention and training programme records: what programme officers counted in spreadsheets.

These records hold counts, never people: a committee's members by sex, an event's reach, how
many persons a prevented marriage protected, how many police officers a programme trained.
The figures on the dashboard (indicators.py) are computed from them, never typed in.

Every record is owned by the agency that entered it and sits in a place (a district or a
station for prevention, a state for training), so the usual scope rules apply
(``ProgrammeQuerySet.visible_to``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safetynet.access import policy
from safetynet.core.models import TimeStampedModel


def programme_records_visible_to(qs, user, action: str = policy.Cap.PROGRAMME_RECORD):
    """Like ``access.querysets.agency_records_visible_to`` (owning agency; the whole area for
    jurisdiction roles), except that a role whose scope is "none" (the M&E officer) still sees
    its own agency's programme records: they carry no person, and whoever enters them must be
    able to see what they entered."""
    from safetynet.access.querysets import memberships_with

    memberships = memberships_with(user, action)
    if not memberships:
        return qs.none()
    q = Q(pk__in=[])
    for m in memberships:
        q |= Q(owning_agency_id=m.agency_id)
        if policy.SCOPE.get(m.role) == "jurisdiction":
            q |= Q(jurisdiction__path__startswith=m.agency.jurisdiction.path)
    return qs.filter(q)


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = policy.Cap.PROGRAMME_RECORD):
        return programme_records_visible_to(self, user, action)

    def countable_by(self, user):
        """What a user's figures count: every agency's records for ``stats.view`` (counts only,
        as for cases), otherwise the records the user may see."""
        from safetynet.access.querysets import has_capability

        if has_capability(user, policy.Cap.STATS_VIEW):
            return self.all()
        return self.visible_to(user)


class ProgrammeRecord(TimeStampedModel):
    owning_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("agency"))
    jurisdiction = models.ForeignKey("agencies.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("place"))

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        abstract = True


class CommunityGroup(ProgrammeRecord):
    village = models.CharField(_("village"), max_length=120)
    formed_on = models.DateField(_("formed on"))
    members_female = models.PositiveIntegerField(_("women members"), default=0)
    members_male = models.PositiveIntegerField(_("men members"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["-formed_on"]


class VigilanceCommittee(CommunityGroup):
    """A village vigilance committee: neighbours who watch for traffickers and stop them."""

    class Meta(CommunityGroup.Meta):
        verbose_name = _("vigilance committee")


class SelfHelpGroup(CommunityGroup):
    """A self-help (savings and livelihood) group, mostly of women."""

    class Meta(CommunityGroup.Meta):
        verbose_name = _("self-help group")


class AwarenessEvent(ProgrammeRecord):
    class Kind(models.TextChoices):
        STREET_THEATRE = "street_theatre", _("Street theatre")
        SCHOOL_SESSION = "school_session", _("School session")
        MEETING = "meeting", _("Tea-stall or courtyard meeting")
        VILLAGE_ASSEMBLY = "village_assembly", _("Village assembly")
        FILM = "film", _("Film show")
        POSTERS = "posters", _("Poster campaign")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=120)
    reached_female = models.PositiveIntegerField(_("women and girls reached"))
    reached_male = models.PositiveIntegerField(_("men and boys reached"))
    reached_children = models.PositiveIntegerField(_("children reached"))
    reached_adults = models.PositiveIntegerField(_("adults reached"))
    # Stored (female + male, checked against children + adults) so sums stay one column.
    reached = models.PositiveIntegerField(_("people reached"))
    # The place tree stops at police stations and carries no population, so the recorder gives the
    # village's (or ward's) census population when known; more people reached than live there is refused.
    village_population = models.PositiveIntegerField(_("people living there"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on"]


class PreventionOutcome(ProgrammeRecord):
    class Kind(models.TextChoices):
        FAKE_MARRIAGE = "fake_marriage", _("Fake marriage")
        CHILD_MARRIAGE = "child_marriage", _("Child marriage")
        CHILD_LABOUR = "child_labour", _("Child labour")
        UNSAFE_MIGRATION = "unsafe_migration", _("Unsafe migration")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    committee = models.ForeignKey(VigilanceCommittee, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="outcomes")
    prevented_on = models.DateField(_("prevented on"))
    persons = models.PositiveIntegerField(_("persons protected"))
    tip = models.ForeignKey("tips.Tip", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-prevented_on"]


class CounsellingSession(ProgrammeRecord):
    """Domestic-violence survivors counselled (a count; their care records live in care/)."""

    held_on = models.DateField(_("held on"))
    survivors = models.PositiveIntegerField(_("survivors counselled"))

    class Meta:
        ordering = ["-held_on"]


class SentHome(ProgrammeRecord):
    """Trafficked persons sent home (a count)."""

    sent_on = models.DateField(_("sent on"))
    persons = models.PositiveIntegerField(_("persons sent home"))
    from_place = models.CharField(_("from"), max_length=120)
    to_place = models.CharField(_("to"), max_length=120)

    class Meta:
        ordering = ["-sent_on"]


class TrainingCentre(ProgrammeRecord):
    """A Nodal Training Centre (``jurisdiction`` is its state)."""

    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]


class TrainingProgramme(ProgrammeRecord):
    """One training programme (``jurisdiction`` is the state it was held in)."""

    title = models.CharField(_("title"), max_length=200)
    centre = models.ForeignKey(TrainingCentre, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="programmes")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    venue = models.CharField(_("venue"), max_length=200)
    language = models.CharField(_("language"), max_length=40)
    curriculum = models.TextField(_("curriculum"), blank=True)

    class Meta:
        ordering = ["-starts_on"]


class TrainingParticipation(ProgrammeRecord):
    """How many of one category attended one programme (counts; trainee names come later)."""

    class Category(models.TextChoices):
        POLICE = "police", _("Police")
        PROSECUTORS = "prosecutors", _("Prosecutors")
        JUDICIARY = "judiciary", _("Judiciary")
        BORDER = "border", _("Border forces")
        NGOS = "ngos", _("NGOs")
        CAREGIVERS = "caregivers", _("Shelter caregivers")
        HOTEL_TRANSPORT = "hotel_transport", _("Hotel and transport staff")
        TEACHERS = "teachers", _("Teachers")

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="participation")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    attended = models.PositiveIntegerField(_("attended"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "category"], name="one_count_per_category")]


class IECMaterial(ProgrammeRecord):
    """Information, education and communication material: printed (or produced) and handed out
    in a place. ``jurisdiction`` is the district where it was distributed, ``place`` the village,
    market or school."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        HINDI = "hi", _("Hindi")
        BENGALI = "bn", _("Bengali")
        NEPALI = "ne", _("Nepali")
        OTHER = "other", _("Other language")

    class Format(models.TextChoices):
        POSTER = "poster", _("Poster")
        LEAFLET = "leaflet", _("Leaflet")
        BOOKLET = "booklet", _("Booklet")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        BANNER = "banner", _("Banner")
        OTHER = "other", _("Other format")

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    quantity_printed = models.PositiveIntegerField(_("quantity printed"))
    quantity_distributed = models.PositiveIntegerField(_("quantity distributed"))
    place = models.CharField(_("where distributed"), max_length=120)
    distributed_on = models.DateField(_("distributed on"))

    class Meta:
        ordering = ["-distributed_on"]
        verbose_name = _("IEC material")
