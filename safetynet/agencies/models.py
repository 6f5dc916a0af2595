"""Places and the agencies that act in them.

Jurisdictions form a tree (country → state/division → district → police station or
border sector). Each node stores its materialised ``path`` ("IN/WB/N24P/") so "everything
in North 24 Parganas" is one indexed prefix query at any depth, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.access.policy import Role
from safetynet.core.models import TimeStampedModel


class Jurisdiction(models.Model):
    class Level(models.TextChoices):
        COUNTRY = "country", _("Country")
        STATE = "state", _("State / division / province")
        DISTRICT = "district", _("District")
        STATION = "station", _("Police station")
        BORDER_SECTOR = "border_sector", _("Border sector")

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    name_local = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=20, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=200, unique=True, editable=False)
    # Census 2011 district code for India (``dt_code`` in data/geo), used to join choropleths.
    census_code = models.CharField(max_length=10, blank=True)
    short_code = models.CharField(max_length=8, help_text=_("Used in pseudonymous codes, e.g. N24P"))

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.short_code}/"

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    @property
    def country_code(self) -> str:
        return self.path.split("/", 1)[0]

    def ancestor(self, level: str) -> Jurisdiction | None:
        node: Jurisdiction | None = self
        while node is not None and node.level != level:
            node = node.parent
        return node


class Agency(TimeStampedModel):
    class Type(models.TextChoices):
        AHTU = "ahtu", _("Anti-Human Trafficking Unit")
        POLICE_STATION = "police_station", _("Police station")
        BORDER_BSF = "border_bsf", _("Border Security Force post")
        BORDER_SSB = "border_ssb", _("Sashastra Seema Bal post")
        BORDER_COUNTERPART = "border_counterpart", _("Border force (Bangladesh / Nepal)")
        NGO = "ngo", _("NGO")
        SHELTER = "shelter", _("Shelter home")
        CWC = "cwc", _("Child Welfare Committee")
        PROSECUTION = "prosecution", _("Prosecution")
        COURT = "court", _("Court")
        HEALTH = "health", _("Health")
        LABOUR = "labour", _("Labour department")
        TRAINING = "training", _("Training centre")
        TOURISM = "tourism", _("Tourism body")
        PROGRAMME = "programme", _("UN / programme office")
        PLATFORM = "platform", _("SafetyNet platform administration")

    name = models.CharField(_("name"), max_length=200)
    agency_type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="agencies")
    short_code = models.CharField(max_length=12, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A user's role in one agency. Access is computed from these, never stored per record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.agency}"
