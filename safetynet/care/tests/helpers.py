"""Shortcuts for the care tests: register a survivor, place them, take consent. Every helper
goes through the real services (no mocks), so a helper that breaks fails the test using it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safetynet.agencies.models import Agency
from safetynet.audit.models import AuditEvent
from safetynet.care import services
from safetynet.care.models import Placement, ShelterHome


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def agency(code: str) -> Agency:
    return Agency.objects.select_related("jurisdiction").get(short_code=code)


def shelter(code: str = "SH-KOLK") -> ShelterHome:
    return ShelterHome.objects.select_related("agency").get(agency__short_code=code)


def register(actor, place, *, age_band: str = "26-40", sex: str = "female", name: str = "Sabina Yasmin",
             nationality: str = "IN", came_via: str = "came_forward", profile: services.Profile | None = None,
             **kwargs):
    """A survivor who came forward, registered by ``actor`` (an NGO caseworker) in ``place``."""
    return services.register_survivor(actor=actor, came_via=came_via, jurisdiction=place, language="bn",
                                      profile=profile or services.Profile(), sex=sex, age_band=age_band,
                                      nationality=nationality, identity={"name_latin": name}, **kwargs)


def place(actor, survivor, code: str = "SH-KOLK", started: int = 30) -> Placement:
    return services.place(actor=actor, survivor=survivor, shelter=shelter(code), started_on=days_ago(started),
                          reason="No safe place to stay after the rescue.")


def consent(actor, survivor, purpose: str, *, agency=None, given_by: str = "survivor", taken: int = 1, **kwargs):
    return services.record_consent(actor=actor, survivor=survivor, purpose=purpose, method="signed",
                                   language="bn", taken_on=days_ago(taken), given_by=given_by, agency=agency,
                                   **kwargs)


def events(action: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(obj.public_id)))
