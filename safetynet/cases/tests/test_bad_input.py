"""Bad input and failure: a clear message, a fitting status, and nothing changed."""

import json

import pytest

from safetynet.audit.models import AuditEvent
from safetynet.cases.models import Case, CaseNote, CaseParty
from safetynet.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot_counts():
    def take():
        return (Case.objects.count(), CaseParty.objects.count(), CaseNote.objects.count(), Person.objects.count(),
                AuditEvent.objects.count())
    return take


def test_case_form_with_missing_and_malformed_fields(client_for, snapshot_counts):
    before = snapshot_counts()
    r = client_for("ahtu_n24p").post("/cases/new/", {"title": "", "kind": "nonsense", "jurisdiction": "99999",
                                                     "opened_on": "31/31/2026"})
    assert r.status_code == 400
    page = r.content.decode()
    assert "This field is required." in page
    assert "Choose a place from the list." in page
    assert "Enter a date such as 2026-11-28." in page
    assert snapshot_counts() == before


def test_case_outside_own_jurisdiction_is_refused(client_for, jurisdictions, snapshot_counts):
    before = snapshot_counts()
    r = client_for("ahtu_n24p").post("/cases/new/", {"title": "x", "kind": "other", "opened_on": "2026-01-01",
                                                     "jurisdiction": jurisdictions["IN-BR-KISH"].pk})
    assert r.status_code == 400 and "Choose a place from the list." in r.content.decode()
    assert snapshot_counts() == before


def test_future_opening_date_is_refused(client_for, jurisdictions, snapshot_counts):
    before = snapshot_counts()
    r = client_for("ahtu_n24p").post("/cases/new/", {"title": "x", "kind": "other", "opened_on": "2099-01-01",
                                                     "jurisdiction": jurisdictions["IN-WB-N24P"].pk})
    assert r.status_code == 400 and "cannot be in the future" in r.content.decode()
    assert snapshot_counts() == before


def test_empty_note_is_refused_in_place(client_for, n24p_case, snapshot_counts):
    before = snapshot_counts()
    client = client_for("ahtu_n24p")
    r = client.post(f"/cases/{n24p_case.public_id}/notes/", {"body": "   "})
    assert r.status_code == 400 and "The note is empty." in r.content.decode()
    r = client.post(f"/cases/{n24p_case.public_id}/notes/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and 'id="notes"' in r.content.decode()
    assert snapshot_counts() == before


def test_party_name_too_long(client_for, n24p_case, snapshot_counts):
    before = snapshot_counts()
    r = client_for("ahtu_n24p").post(f"/cases/{n24p_case.public_id}/parties/new/", {
        "role": "victim", "sex": "female", "age_band": "12-17", "nationality": "IN", "name_latin": "x" * 500})
    assert r.status_code == 400 and "at most 200 characters" in r.content.decode()
    assert snapshot_counts() == before


def test_stale_edit_is_refused_not_overwritten(client_for, n24p_case):
    client = client_for("ahtu_n24p")
    form = {"title": "First edit", "kind": "other", "jurisdiction": n24p_case.jurisdiction.pk,
            "opened_on": n24p_case.opened_on.isoformat(), "summary": "", "version": n24p_case.version}
    assert client.post(f"/cases/{n24p_case.public_id}/edit/", form).status_code == 302
    # A colleague still has the old version open and saves.
    stale = {**form, "title": "Second edit from an old page"}
    r = client_for("head_n24p").post(f"/cases/{n24p_case.public_id}/edit/", stale)
    assert r.status_code == 409
    assert "Someone else changed this record" in r.content.decode()
    assert Case.objects.get(pk=n24p_case.pk).title == "First edit"


def test_stale_status_change_is_refused(client_for, n24p_case):
    client = client_for("ahtu_n24p")
    old_version = n24p_case.version
    client.post(f"/cases/{n24p_case.public_id}/status/", {"status": "investigating", "version": old_version})
    r = client.post(f"/cases/{n24p_case.public_id}/status/", {"status": "closed", "version": old_version},
                    follow=True)
    assert "Someone else changed this record" in r.content.decode()
    assert Case.objects.get(pk=n24p_case.pk).status == "investigating"


def test_invalid_status_transition_is_explained(client_for, n24p_case):
    r = client_for("ahtu_n24p").post(f"/cases/{n24p_case.public_id}/status/",
                                     {"status": "in_trial", "version": n24p_case.version}, follow=True)
    assert "cannot move to" in r.content.decode()
    assert Case.objects.get(pk=n24p_case.pk).status == "reported"


def test_oversized_body_gets_413(client_for, n24p_case, snapshot_counts):
    before = snapshot_counts()
    big = "x" * (6 * 1024 * 1024)
    r = client_for("ahtu_n24p").post(f"/cases/{n24p_case.public_id}/notes/", {"body": big})
    assert r.status_code == 413 and "too large" in r.content.decode()
    r = client_for("ahtu_n24p").post("/api/v1/cases/", data=json.dumps({"title": big}),
                                     content_type="application/json")
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    assert snapshot_counts() == before


def test_unknown_uuid_and_malformed_ids_are_404(client_for):
    client = client_for("ahtu_n24p")
    assert client.get("/cases/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/cases/not-a-uuid/").status_code == 404
    assert client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_api_bad_json_wrong_type_unknown_code(client_for, snapshot_counts):
    before = snapshot_counts()
    client = client_for("ahtu_n24p")
    r = client.post("/api/v1/cases/", data="{not json", content_type="application/json")
    assert r.status_code == 400 and "not valid JSON" in r.json()["detail"]
    r = client.post("/api/v1/cases/", data="title=x", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415 and "application/json" in r.json()["detail"]
    r = client.post("/api/v1/cases/", data=json.dumps({"title": "x", "kind": "other", "jurisdiction": "XX-NOPE"}),
                    content_type="application/json")
    assert r.status_code == 400 and "Unknown place code" in json.dumps(r.json(), ensure_ascii=False)
    r = client.post("/api/v1/cases/", data=json.dumps({"title": "x", "kind": "bogus", "jurisdiction": "IN-WB-N24P"}),
                    content_type="application/json")
    assert r.status_code == 400 and "kind" in r.json()
    assert snapshot_counts() == before


def test_api_stale_version_is_409(client_for, n24p_case):
    client = client_for("ahtu_n24p")
    url = f"/api/v1/cases/{n24p_case.public_id}/"
    v = client.get(url).json()["version"]
    assert client.patch(url, data=json.dumps({"version": v, "title": "New"}),
                        content_type="application/json").status_code == 200
    r = client.patch(url, data=json.dumps({"version": v, "title": "Older"}), content_type="application/json")
    assert r.status_code == 409 and r.json()["current_version"] == v + 1
    assert Case.objects.get(pk=n24p_case.pk).title == "New"


def test_messages_follow_the_users_language(client_for):
    client = client_for("ahtu_n24p")
    client.post("/i18n/setlang/", {"language": "bn"})
    r = client.post("/api/v1/cases/", data="{oops", content_type="application/json")
    assert r.status_code == 400
    assert "not valid JSON" not in r.json()["detail"]  # translated


def test_csrf_failure_is_explained(users):
    from django.test import Client

    from safetynet.conftest import signed_in

    client = signed_in(users["ahtu_n24p"])
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    r = strict.post("/cases/new/", {"title": "x"})
    assert r.status_code == 403 and "Form expired" in r.content.decode()


def test_phone_number_with_letters_is_refused(client_for, n24p_case, snapshot_counts):
    before = snapshot_counts()
    r = client_for("ahtu_n24p").post(f"/cases/{n24p_case.public_id}/parties/new/", {
        "role": "witness", "sex": "male", "age_band": "26-40", "nationality": "IN", "phones": "call me maybe"})
    assert r.status_code == 400 and "Line 1 is not a phone number" in r.content.decode()
    assert "call me maybe" not in r.content.decode().split("<textarea")[0]
    assert snapshot_counts() == before


def test_script_in_a_note_is_shown_as_text_and_cannot_run(client_for, n24p_case):
    client = client_for("ahtu_n24p")
    client.post(f"/cases/{n24p_case.public_id}/notes/", {"body": "<script>alert(1)</script>"})
    r = client.get(f"/cases/{n24p_case.public_id}/")
    page = r.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "script-src 'self'" in r["Content-Security-Policy"]
