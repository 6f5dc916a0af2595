"""The API walks the same story as the pages, with a token, under the same access rules."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from safetynet.audit.models import AuditEvent
from safetynet.cases.models import Case

pytestmark = pytest.mark.django_db


def token_client(username: str) -> Client:
    import io

    out = io.StringIO()
    call_command("create_api_token", username, stdout=out)
    return Client(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_integration_opens_case_adds_party_and_note(world):
    api = token_client("ahtu.n24p")
    r = _post(api, "/api/v1/cases/", {"title": "Bus intercepted at Petrapole", "kind": "sexual_exploitation",
                                      "jurisdiction": "IN-WB-N24P-PTRP", "opened_on": "2026-11-20"})
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["reference"].startswith("AHTU-N24P-2026-") and case["status"] == "reported"
    r = _post(api, f"/api/v1/cases/{case['id']}/parties/", {"role": "victim", "sex": "female", "age_band": "12-17",
                                                            "name_native": "ফাতেমা খাতুন", "name_latin": "Fatema"})
    assert r.status_code == 201 and r.json()["code"].startswith("WB-N24P-")
    assert "ফাতেমা" not in r.content.decode()  # identity goes in, never comes back out of the API
    r = _post(api, f"/api/v1/cases/{case['id']}/notes/", {"body": "Bus conductor called the hotline."})
    assert r.status_code == 201
    detail = api.get(f"/api/v1/cases/{case['id']}/").json()
    assert len(detail["parties"]) == 1 and "ফাতেমা" not in json.dumps(detail, ensure_ascii=False)
    notes = api.get(f"/api/v1/cases/{case['id']}/notes/").json()
    assert notes[0]["body"] == "Bus conductor called the hotline."
    r = api.patch(f"/api/v1/cases/{case['id']}/", data=json.dumps({"version": detail["version"],
                                                                   "status": "investigating"}),
                  content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "investigating"
    assert AuditEvent.objects.filter(object_id=case["id"], action="case.status").exists()


def test_patch_with_a_refused_status_saves_nothing(n24p_case):
    api = token_client("ahtu.n24p")
    before = AuditEvent.objects.count()
    r = api.patch(f"/api/v1/cases/{n24p_case.public_id}/", content_type="application/json",
                  data=json.dumps({"version": n24p_case.version, "title": "New title", "status": "in_trial"}))
    assert r.status_code == 400, r.content  # reported -> in trial is not a step a case can take
    case = Case.objects.get(pk=n24p_case.pk)
    assert case.title == n24p_case.title and case.status == "reported" and case.version == n24p_case.version
    assert AuditEvent.objects.count() == before


def test_token_of_another_district_sees_nothing(n24p_case):
    api = token_client("ahtu.kish")
    listing = api.get("/api/v1/cases/").json()
    assert all(c["id"] != str(n24p_case.public_id) for c in listing["results"])
    assert api.get(f"/api/v1/cases/{n24p_case.public_id}/").status_code == 404
    assert _post(api, f"/api/v1/cases/{n24p_case.public_id}/notes/", {"body": "x"}).status_code == 404
    assert api.get(f"/api/v1/persons/{n24p_case.victim.public_id}/").status_code == 404


def test_researcher_token_gets_counts_only(n24p_case):
    api = token_client("researcher")
    stats = api.get("/api/v1/stats/").json()
    total = Case.objects.count()
    assert 0 < total < 5  # one case: the total is shown like a small cell, never exactly
    assert stats["total_cases"] == {"n": None, "display": "<5"}
    assert str(n24p_case.public_id) not in json.dumps(stats)
    assert api.get("/api/v1/cases/").json()["count"] == 0
    assert _post(api, "/api/v1/cases/", {"title": "x", "kind": "other", "jurisdiction": "IN-WB-N24P"}).status_code \
        == 403


def test_schema_and_docs_are_served(world):
    client = Client()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/cases/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn.jsdelivr" not in docs.content  # assets come from our own static files


def test_bad_token_is_refused(world):
    api = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/cases/").status_code == 401
