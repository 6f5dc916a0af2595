"""The k-anonymity proof on the real export: many random victims in, the CSV out, and no
combination of quasi-identifiers in it rarer than k; suppressed rows reported; no names."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest

from safetynet.care import services as care
from safetynet.cases import services as cases
from safetynet.people.models import PersonIdentity
from safetynet.research import export

from .factories import random_victims

pytestmark = pytest.mark.django_db

QUASI_IDENTIFIERS = ["yearOfRegistration", "gender", "ageBroad", "majorityStatus", "citizenship", "UN_COO_Region",
                     "CountryOfExploitation", "stateOfExploitation", "isForcedLabour", "isSexualExploit",
                     "isOtherExploit", "isForcedMarriage", "isOrganRemoval", "typeOfExploitConcatenated", "IP_Relation"]


def download(client) -> tuple[list[str], list[dict]]:
    response = client.get("/research/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    notes = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return notes, list(csv.DictReader(io.StringIO(body)))


def assert_k_anonymous(rows: list[dict], k: int) -> None:
    by_qi = Counter(tuple(r[c] for c in QUASI_IDENTIFIERS) for r in rows)
    rare = {combo: n for combo, n in by_qi.items() if n < k}
    assert not rare, f"{len(rare)} combinations rarer than {k}: {list(rare.items())[:3]}"
    whole_rows = Counter(tuple(r.values()) for r in rows)
    assert min(whole_rows.values(), default=k) >= k  # every column, not only the quasi-identifiers


def _named_victims(users, jurisdictions):
    """Victims whose names we know, entered through the case and care services (the vault)."""
    officer = users["ahtu_n24p"]
    case = cases.open_case(actor=officer, title="Girls taken to Mumbai from Bongaon", kind="sexual_exploitation",
                           jurisdiction=jurisdictions["IN-WB-N24P"], summary="Met at the bus stand.")
    names = ["Rahima Khatun", "রহিমা খাতুন", "Sultana Parvin", "Morjina Begum"]
    cases.add_party(actor=officer, case=case, role="victim", sex="female", age_band="12-17", nationality="BD",
                    identity={"name_latin": names[0], "name_native": names[1], "phones": ["+880 1711000000"]})
    care.register_survivor(actor=users["ngo_n24p"], came_via="came_forward", jurisdiction=jurisdictions["IN-WB-N24P"],
                           language="bn", sex="female", age_band="18-25", nationality="BD",
                           profile=care.Profile(exploitation_types=["SexualExploitation", "ForcedLabour"],
                                                recruiter_relation="FriendAcquaintance"),
                           identity={"name_latin": names[2], "aliases": [names[3]]})
    return case, names


def test_the_export_is_k_anonymous_reports_suppression_and_names_nobody(users, jurisdictions, client_for):
    case, names = _named_victims(users, jurisdictions)
    victims = random_victims(1600, seed=7)
    notes, rows = download(client_for("researcher"))

    assert_k_anonymous(rows, export.K)
    assert list(rows[0]) == export.COLUMNS
    note = next(n for n in notes if n.startswith("Victims:"))
    total, kept, suppressed = (int(part.split(":")[-1].strip(" .")) for part in note.split(". ")[:3])
    assert total == victims + 2  # the random ones, the case's victim, the survivor who came forward
    assert kept == len(rows) and suppressed == total - kept
    assert f"k = {export.K}" in notes[1]

    text = "\n".join(",".join(r.values()) for r in rows) + "\n".join(notes)
    # Every name in the vault (the random victims' too), no person code, public id, case
    # reference, title or summary, no exact date.
    secrets = set(names)
    for identity in PersonIdentity.objects.all():
        secrets |= {identity.get_field("name_latin"), identity.get_field("name_native")} - {""}
    assert len(secrets) > 1000
    leaked = [s for s in secrets if s in text]
    assert not leaked, leaked[:5]
    for forbidden in (case.reference, case.title, "Met at the bus stand", str(case.public_id)):
        assert forbidden not in text
    assert not re.search(r"[A-Z]{2}-[A-Z0-9]+-\d{4}-\d+", text), "a person code"
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text), "a public id"
    assert not any(len(r["yearOfRegistration"]) > 9 for r in rows)  # a year or a band, never a date


@pytest.mark.parametrize("seed, skew", [(1, 0.0), (2, 0.3), (3, 0.7), (4, 0.9)])
def test_k_anonymity_holds_for_any_random_population(users, seed, skew):
    """Property-style: whatever the mix of attributes (uniform to strongly clustered), every
    combination in the output occurs at least k times and the counts add up."""
    victims = random_victims(500, seed=seed, skew=skew)
    result = export.build(users["researcher"])
    assert result.total == victims
    assert result.kept + result.suppressed == result.total
    assert all(n >= export.K for n in result.groups.values())
    rows = list(export.rows(result))
    assert len(rows) == result.kept
    assert_k_anonymous(rows, export.K)


def test_only_research_data_holders_can_build_it(users):
    for persona in ("me_officer", "ahtu_n24p", "admin"):
        with pytest.raises(PermissionError):
            export.build(users[persona])


def test_each_download_is_recorded(users, client_for, n24p_case):
    from safetynet.audit.models import AuditEvent
    from safetynet.research.models import ExportDownload

    download(client_for("researcher"))
    d = ExportDownload.objects.get()
    assert (d.researcher, d.victims, d.rows, d.suppressed) == (users["researcher"], 1, 0, 1)
    event = AuditEvent.objects.filter(action="research.export").get()
    assert event.changes["suppressed"] == 1 and "Rahima" not in str(event.changes)
