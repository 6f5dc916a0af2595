"""The survivor's own record is exported in the survivor's language (issue 5: "an export of
their own record in their language")."""

from __future__ import annotations

import re

from django.utils import translation

from safetynet.agencies.models import Jurisdiction
from safetynet.care import services


def _survivor(users, language: str):
    return services.register_survivor(
        actor=users["ngo_n24p"], came_via="came_forward", jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P"),
        language=language, profile=services.Profile(exploitation_types=["ForcedLabour"]), sex="female",
        age_band="26-40", nationality="IN", identity={"name_latin": "Mamata Das", "name_native": "মমতা দাস"})


def _heading(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)


def test_export_is_in_the_survivors_language_whatever_the_caseworkers(users, client_for):
    survivor = _survivor(users, "bn")
    client = client_for("ngo_n24p")  # the caseworker's own page language is English
    with translation.override("bn"):
        expected = translation.gettext("What SafetyNet holds about you")
        exploitation = translation.gettext("Forced labour")
    assert expected != "What SafetyNet holds about you"  # the Bengali catalogue has it
    html = client.post(f"/care/survivors/{survivor.public_id}/export/").content.decode()
    assert 'lang="bn"' in html
    assert _heading(html).strip() == expected
    assert any("\u0980" <= ch <= "\u09ff" for ch in _heading(html))  # Bengali script
    assert exploitation in html and "মমতা দাস" in html


def test_export_in_nepali_for_a_nepali_speaker(users, client_for):
    survivor = _survivor(users, "ne")
    html = client_for("ngo_n24p").post(f"/care/survivors/{survivor.public_id}/export/").content.decode()
    with translation.override("ne"):
        assert _heading(html).strip() == translation.gettext("What SafetyNet holds about you")
    assert any("\u0900" <= ch <= "\u097f" for ch in _heading(html))  # Devanagari
