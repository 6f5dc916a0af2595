"""ODK Collect / KoboToolbox send the IOM HTCDS form (OpenRosa 1.0): a field worker's
submission becomes a routed tip, once, and a broken one is kept for an administrator.

The XForm is built from the real XLSForm (a copy in tests/data, CC BY 4.0, IOM) with pyxform,
and the submission is that form's own instance filled in, posted the way ODK Collect posts it.
"""

from __future__ import annotations

import base64
import datetime
import uuid
import xml.etree.ElementTree as ET  # builds the submission; everything received is parsed with defusedxml
from functools import cache
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safetynet.access.policy import Role
from safetynet.agencies.models import Agency, Jurisdiction, Membership
from safetynet.audit.models import AuditEvent
from safetynet.people import vault
from safetynet.tips.models import DeadLetter, Tip, TipIndicator

pytestmark = pytest.mark.django_db

XLSFORM = Path(__file__).resolve().parent / "data" / "htcds_xlsform.xlsx"  # a copy, see docs/data-credits.md
XF = "{http://www.w3.org/2002/xforms}"
OR = "{http://openrosa.org/http/response}"
PASSWORD = "safetynet-demo-2026"


@cache
def xform() -> str:
    from pyxform.xls2xform import convert

    return convert(str(XLSFORM)).xform


def skeleton():
    """The empty instance of the generated XForm: <data id="htcds_xlsform" ...><start/>...<meta>..."""
    root = SafeET.fromstring(xform().encode())
    return root.find(f".//{XF}instance")[0]


def field_worker_values() -> dict[str, str]:
    """What an NGO field worker in North 24 Parganas enters (a fictional girl)."""
    now = timezone.localtime()
    return {
        "start": (now - datetime.timedelta(minutes=40)).isoformat(timespec="milliseconds"),
        "end": (now - datetime.timedelta(minutes=5)).isoformat(timespec="milliseconds"),
        "con_Consent": "TRUE",
        "prs_First_Name": "Rupa",
        "prs_Second_Name": "Mondal",
        "prs_Birthdate": f"{now.year - 15}-01-14",
        "prs_Gender": "Feminine",
        "prs_Citizenship": "IN",
        "prs_Email": "rupa.mondal@example.org",
        "prs_MobilePhone": "+91 98300 66666",
        "prs_MailingCity": "Basirhat",
        "prs_MailingState": "West Bengal",
        "prs_MailingCountry": "India",
        "prs_MailingStreet": "Ward 7, Station Road",
        "prs_MailingPostalCode": "743411",
        "vic_MethodOfRecruitment": "ThroughFriendsOrSocialEvents ThroughOnlineSocialNetworks",
        "vic_LocationOfRecruitment": "Basirhat, North 24 Parganas",
        "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
        "vic_TraffickingStatusDecisionMakingOrg": "NGO",
        "vic_Methods_of_Control": "DebtBondage WithholdsDocuments",
        "vic_TypeOfExploitation": "ForcedLabour ChildLabour",
        "vic_ForcedLabourIndustry": "C_Manufacturing",
        "vic_LocationOfExploitation": "Zari embroidery unit near Bongaon, North 24 Parganas, West Bengal",
        "cas_Status": "Active",
        "cas_ReferringOrganisation": "Nari Suraksha Samiti",
        "cas_IncomingReferralDate": now.date().isoformat(),
        "cas_ReasonForIncomingReferral": "Neighbour saw girls working at night behind a locked gate",
        "cas_IncomingReferralDetails": "Agent calls from 98300 77777; a white van WB 24 AB 1234 brings the girls.",
    }


def submission(values: dict[str, str], instance_id: str) -> bytes:
    """The filled instance as ODK Collect writes it (no XForms namespace on the data)."""
    def build(element):
        tag = element.tag.rsplit("}", 1)[-1]
        out = ET.Element(tag, dict(element.attrib))
        if tag == "instanceID":
            out.text = instance_id
        elif len(element) == 0 and tag in values:
            out.text = values[tag]
        for child in element:
            out.append(build(child))
        return out

    return b"<?xml version='1.0' ?>" + ET.tostring(build(skeleton()), encoding="utf-8")


def _basic(username="reporter.kish", password=PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def collect_post(xml: bytes, headers=None) -> object:
    """POST like ODK Collect: multipart with the instance as xml_submission_file, no CSRF token."""
    name = f"htcds_xlsform_{timezone.now():%Y-%m-%d_%H-%M-%S}.xml"
    upload = SimpleUploadedFile(name, xml, content_type="text/xml")
    headers = {"X-OpenRosa-Version": "1.0", **(headers if headers is not None else _basic())}
    return Client(enforce_csrf_checks=True).post(reverse("intake:openrosa-submission"),
                                                 data={"xml_submission_file": upload}, headers=headers)


def message(response) -> str:
    root = SafeET.fromstring(response.content)
    assert root.tag == f"{OR}OpenRosaResponse"
    return root.find(f"{OR}message").text


# --------------------------------------------------------------------------- the happy path


def test_collect_checks_the_server_then_lists_the_form(world):
    url = reverse("intake:openrosa-submission")
    first = Client().head(url, headers={"X-OpenRosa-Version": "1.0"})  # Collect asks without credentials first
    assert first.status_code == 401
    assert first["WWW-Authenticate"].startswith('Basic realm="SafetyNet"')
    assert first["X-OpenRosa-Version"] == "1.0" and first.content == b""
    signed_in = Client().head(url, headers={"X-OpenRosa-Version": "1.0", **_basic()})
    assert signed_in.status_code == 204
    assert signed_in["X-OpenRosa-Version"] == "1.0"
    assert int(signed_in["X-OpenRosa-Accept-Content-Length"]) >= 1_000_000

    listed = Client().get(reverse("intake:openrosa-formlist"), headers=_basic())
    assert listed.status_code == 200 and listed["X-OpenRosa-Version"] == "1.0"
    entry = SafeET.fromstring(listed.content).find("{http://openrosa.org/xforms/xformsList}xform")
    fields = {child.tag.rsplit("}", 1)[-1]: child.text for child in entry}
    generated = skeleton()
    assert fields["formID"] == generated.get("id") == "htcds_xlsform"
    assert fields["version"] == generated.get("version")
    assert fields["hash"].startswith("md5:") and fields["downloadUrl"].startswith("https://")
    assert Client().get(reverse("intake:openrosa-formlist")).status_code == 401


def test_a_field_workers_submission_becomes_a_routed_tip(users):
    instance_id = f"uuid:{uuid.uuid4()}"
    response = collect_post(submission(field_worker_values(), instance_id))

    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("text/xml") and response["X-OpenRosa-Version"] == "1.0"
    tip = Tip.objects.get(idempotency_key=f"odk:{instance_id}")
    text = message(response)
    assert tip.reference in text and "Rupa" not in text
    assert (tip.channel, tip.submitted_by, tip.committee.short_code) == ("odk", users["reporter"], "NGO-KISH")
    # Forced and child labour: "held" (urgent), at the most precise place named.
    assert (tip.category, tip.urgency, tip.jurisdiction.code) == ("held", "urgent", "IN-WB-N24P-BONG")
    assert set(tip.routings.values_list("agency__short_code", flat=True)) == {"AHTU-N24P"}
    description = tip.get_text("description")
    for line in ("Type of exploitation: Forced labour, Child labour", "Forced labour industry: Manufacturing",
                 "Methods of control: Debt bondage, Withholds documents", "Status decided by: NGO",
                 "Referring organisation: Nari Suraksha Samiti", "Agent calls from 98300 77777"):
        assert line in description
    assert tip.get_text("place") == ("Exploitation: Zari embroidery unit near Bongaon, North 24 Parganas, West Bengal"
                                     "\nRecruitment: Basirhat, North 24 Parganas")
    people = tip.get_text("people")
    assert people.startswith("Rupa Mondal, Feminine, age 1") and "home: Basirhat, West Bengal, India" in people
    for never in ("Station Road", "743411", "rupa.mondal@example.org", "-01-14"):
        assert never not in people and never not in description
    assert "Rupa" not in tip.people_enc  # encrypted at rest
    digests = set(TipIndicator.objects.filter(tip=tip).values_list("kind", "digest"))
    assert ("phone", vault.blind_index("phone", "9830077777")) in digests  # the agent's, from the narrative
    assert ("phone", vault.blind_index("phone", "9830066666")) in digests  # the girl's own, with consent
    assert ("vehicle", vault.blind_index("vehicle", "WB24AB1234")) in digests
    assert tip.seen_at < timezone.now() - datetime.timedelta(minutes=4)  # when the form was filled, not sent
    event = AuditEvent.objects.get(action="tip.submit", object_id=str(tip.public_id))
    assert event.actor == users["reporter"] and event.changes["channel"] == "odk"


def test_resubmitting_the_same_instance_does_not_make_a_copy(world):
    xml = submission(field_worker_values(), "uuid:6f1c2b1e-0000-4000-8000-000000000001")
    first = collect_post(xml)
    again = collect_post(xml)
    assert (first.status_code, again.status_code) == (201, 202)  # Collect counts both as sent
    tip = Tip.objects.get(idempotency_key="odk:uuid:6f1c2b1e-0000-4000-8000-000000000001")
    assert tip.reference in message(again) and "Already received" in message(again)
    assert Tip.objects.count() == 1


def test_without_consent_the_person_is_described_but_not_named(world):
    values = field_worker_values() | {"con_Consent": "FALSE"}
    response = collect_post(submission(values, f"uuid:{uuid.uuid4()}"))
    assert response.status_code == 201
    tip = Tip.objects.get()
    people = tip.get_text("people")
    assert "Rupa" not in people and "Basirhat" not in people and people.startswith("Feminine, age 1")
    assert tip.get_text("phones") == ""
    assert ("phone", vault.blind_index("phone", "9830066666")) not in set(
        TipIndicator.objects.filter(tip=tip).values_list("kind", "digest"))


def test_unknown_exploitation_place_falls_back_to_where_she_was_recruited(world):
    values = field_worker_values() | {"vic_LocationOfExploitation": "a spinning mill in Tiruppur",
                                      "vic_TypeOfExploitation": "ForcedMarriage"}
    response = collect_post(submission(values, f"uuid:{uuid.uuid4()}"))
    assert response.status_code == 201
    tip = Tip.objects.get()
    assert (tip.category, tip.jurisdiction.code) == ("marriage", "IN-WB-N24P-BSRT")  # Basirhat police station


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize("who", ["wrong password", "no credentials", "not a reporter", "unknown user",
                                 "digest scheme"])
def test_bad_credentials_store_nothing(world, who):
    headers = {"wrong password": _basic(password="not-the-password"), "no credentials": {},
               "not a reporter": _basic("ahtu.n24p"), "unknown user": _basic("nobody"),
               "digest scheme": {"Authorization": 'Digest username="reporter.kish"'}}[who]
    response = collect_post(submission(field_worker_values(), f"uuid:{uuid.uuid4()}"), headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="SafetyNet"')
    assert (Tip.objects.count(), DeadLetter.objects.count()) == (0, 0)


def test_an_account_that_needs_a_second_factor_cannot_use_a_password_alone(users):
    """Basic authentication has no second factor: a reporter who also holds an identity role is refused."""
    Membership.objects.create(user=users["reporter"], agency=Agency.objects.get(short_code="AHTU-KISH"),
                              role=Role.AHTU_OFFICER)
    response = collect_post(submission(field_worker_values(), f"uuid:{uuid.uuid4()}"))
    assert response.status_code == 401 and Tip.objects.count() == 0


@pytest.mark.parametrize(("xml", "expected"), [
    (b"<data id='htcds_xlsform'><vic_TypeOfExploitation>ForcedLabour</vic_Type", "not well-formed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
     b"<data id='htcds_xlsform'><vic_LocationOfExploitation>&b;</vic_LocationOfExploitation></data>",
     "DTD or entities"),
])
def test_malformed_xml_is_refused_and_kept(world, xml, expected):
    response = collect_post(xml)
    assert response.status_code == 400
    assert expected in message(response)
    assert Tip.objects.count() == 0
    letter = DeadLetter.objects.get()
    assert (letter.channel, letter.state, letter.size) == ("odk", "waiting", len(xml))
    assert expected in letter.reason and letter.get_payload() == xml


def test_a_post_without_the_submission_part_is_refused_and_noted(world):
    response = Client().post(reverse("intake:openrosa-submission"), data={"note": "no form here"},
                             headers=_basic())
    assert response.status_code == 400 and "xml_submission_file" in message(response)
    assert DeadLetter.objects.get().channel == "odk" and Tip.objects.count() == 0


def test_unmatched_place_is_kept_then_retried_once_the_place_exists(users, client_for):
    values = field_worker_values() | {"vic_LocationOfExploitation": "Gaighata", "vic_LocationOfRecruitment": "",
                                      "prs_MailingCity": "", "prs_MailingState": "", "prs_MailingCountry": "India"}
    instance_id = f"uuid:{uuid.uuid4()}"
    xml = submission(values, instance_id)

    refused = collect_post(xml)
    assert refused.status_code == 422 and "known district" in message(refused)
    letter = DeadLetter.objects.get()
    assert "Rupa" not in letter.reason and "Gaighata" not in letter.reason
    page = client_for("admin").get(reverse("intake:dead-letters")).content.decode()
    assert letter.reason in page and "Rupa" not in page and "Gaighata" not in page

    Jurisdiction.objects.create(code="IN-WB-N24P-GGHT", name="Gaighata Police Station", level="station",
                                parent=Jurisdiction.objects.get(code="IN-WB-N24P"), short_code="GGHT")
    client_for("admin").post(reverse("intake:dead-letter-retry", args=[letter.public_id]))

    letter.refresh_from_db()
    assert letter.state == "retried"
    tip = letter.tip
    assert (tip.jurisdiction.code, tip.channel, tip.idempotency_key) == ("IN-WB-N24P-GGHT", "odk", f"odk:{instance_id}")
    assert AuditEvent.objects.filter(action="intake.retry", actor=users["admin"]).exists()
    # ODK Collect, which saw a 422, sends the same instance again later: no copy.
    again = collect_post(xml)
    assert again.status_code == 202 and tip.reference in message(again)
    assert Tip.objects.count() == 1
