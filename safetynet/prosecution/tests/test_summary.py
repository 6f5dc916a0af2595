"""The court-ready case summary PDF: codes only by default; names only in the court version,
only for a user allowed to see them, each name logged."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from safetynet.agencies.models import Agency
from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.cases.services import add_team_member
from safetynet.conftest import signed_in
from safetynet.prosecution import services

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def file(users, n24p_case):
    officer = users["ahtu_n24p"]
    services.record_fir(actor=officer, case=n24p_case, police_station=Agency.objects.get(short_code="PS-BONG"),
                        number="112/2026", registered_on=n24p_case.opened_on, section_codes=["BNS-143", "ITPA-5"])
    services.add_accused(actor=officer, case=n24p_case, party=n24p_case.parties.get(role="suspect"))
    add_team_member(actor=users["head_n24p"], case=n24p_case, user=users["prosecutor"])
    return n24p_case


def test_standard_summary_names_nobody(users, file):
    client = signed_in(users["ahtu_n24p"])
    response = client.get(f"/prosecution/cases/{file.public_id}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert file.reference in text and "112/2026" in text and "BNS s.143" in text and "A1" in text
    assert file.victim.code in text
    for name in ("Rahima", "Rafiq", "Minati"):
        assert name not in text
    assert AccessEvent.objects.count() == 0
    assert AuditEvent.objects.filter(action="legal.summary_pdf").get().changes == {"version": "standard", "named": 0}


def test_court_version_names_the_people_and_logs_each(users, file):
    response = signed_in(users["prosecutor"]).get(f"/prosecution/cases/{file.public_id}/summary.pdf?version=court")
    assert response.status_code == 200
    text = _text(response.content)
    assert "Rahima Khatun" in text and "Md. Rafiq Sheikh" in text and "CONFIDENTIAL" in text
    assert AccessEvent.objects.filter(purpose="court summary").count() == 3  # victim, suspect, witness
    assert AuditEvent.objects.filter(action="legal.summary_pdf").get().changes["named"] == 3


def test_who_may_not_print_it(users, file):
    # The police station's officer cannot see this AHTU case at all; an NGO sees no legal file.
    assert signed_in(users["police_bongaon"]).get(f"/prosecution/cases/{file.public_id}/summary.pdf").status_code \
        == 404
    assert signed_in(users["ngo_n24p"]).get(f"/prosecution/cases/{file.public_id}/summary.pdf").status_code == 404
    # A CWC member may see the child's identity but has no legal file; no PDF, nothing logged.
    assert signed_in(users["cwc_n24p"]).get(
        f"/prosecution/cases/{file.public_id}/summary.pdf?version=court").status_code == 404
    assert not AccessEvent.objects.exists() and not AuditEvent.objects.filter(action="legal.summary_pdf").exists()
