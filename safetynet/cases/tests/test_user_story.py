"""The issue's user story, through real HTTP requests against the test server."""

import re

import pytest

from safetynet.audit.models import AccessEvent
from safetynet.cases.models import Case

pytestmark = pytest.mark.django_db


def test_ahtu_officer_opens_case_adds_people_and_note(client_for, jurisdictions):
    client = client_for("ahtu_n24p")
    response = client.post("/cases/new/", {"title": "Girls held near Petrapole", "kind": "sexual_exploitation",
                                           "jurisdiction": jurisdictions["IN-WB-N24P"].pk, "opened_on": "2026-11-01",
                                           "summary": ""})
    assert response.status_code == 302
    case = Case.objects.get(title="Girls held near Petrapole")
    for role, native, latin in (("victim", "রহিমা খাতুন", "Rahima Khatun"), ("suspect", "", "Md. Rafiq Sheikh"),
                                ("witness", "", "Minati Mondal")):
        r = client.post(f"/cases/{case.public_id}/parties/new/", {
            "role": role, "sex": "female", "age_band": "12-17", "nationality": "BD",
            "name_native": native, "name_latin": latin, "aliases": "", "phones": "", "addresses": "",
            "id_numbers": ""})
        assert r.status_code == 302, r.content[:500]
    r = client.post(f"/cases/{case.public_id}/notes/", {"body": "Statement recorded."})
    assert r.status_code == 302
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Statement recorded." in page
    assert len(set(re.findall(r"WB-N24P-\d{4}-\d{6}", page))) == 3
    assert "Rahima" not in page  # identity is never on the case page
    dashboard = client.get("/").content.decode()
    assert case.reference in dashboard


def test_identity_reveal_is_logged(client_for, n24p_case):
    client = client_for("ahtu_n24p")
    before = AccessEvent.objects.count()
    r = client.post(f"/people/{n24p_case.victim.public_id}/identity/", {"purpose": "case work"})
    assert r.status_code == 200
    assert "রহিমা খাতুন" in r.content.decode()
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.order_by("-seq").first()
    assert event.person_code == n24p_case.victim.code and "name_native" in event.fields
    # A shared phone's cache or back button must not bring the name back after sign-out.
    assert "no-store" in r["Cache-Control"]
    assert "no-store" in client.get(f"/cases/{n24p_case.public_id}/")["Cache-Control"]


def test_ngo_of_another_district_gets_404(client_for, n24p_case):
    client = client_for("ngo_kish")
    assert client.get(f"/cases/{n24p_case.public_id}/").status_code == 404
    assert client.get(f"/people/{n24p_case.victim.public_id}/").status_code == 404
    assert n24p_case.reference not in client.get("/cases/").content.decode()


def test_researcher_sees_only_counts(client_for, n24p_case):
    client = client_for("researcher")
    page = client.get("/stats/").content.decode()
    assert "Cases" in page
    assert n24p_case.reference not in page
    assert client.get(f"/cases/{n24p_case.public_id}/").status_code == 404
    assert client.get("/cases/").status_code == 200  # an empty list: nothing visible
    assert n24p_case.reference not in client.get("/cases/").content.decode()


def test_admin_manages_agencies_but_never_sees_names(client_for, n24p_case):
    client = client_for("admin")
    assert client.get("/admin/agencies/agency/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/cases/{n24p_case.public_id}/").status_code == 404
    assert client.get(f"/people/{n24p_case.victim.public_id}/").status_code == 404
    r = client.post(f"/people/{n24p_case.victim.public_id}/identity/", {"purpose": "curious"})
    assert r.status_code == 404
    for url in ("/admin/", "/audit/", "/admin/agencies/membership/"):
        assert "Rahima" not in client.get(url).content.decode()
