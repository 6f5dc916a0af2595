"""Matching inside the platform: a family's missing-person report meets a rescued victim and
a survivor who came forward; who may see that a candidate exists, who may see who is in it,
decisions and their reversal, and a failed run that leaves the previous results."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safetynet.agencies.models import Jurisdiction
from safetynet.audit.models import AuditEvent
from safetynet.cases import services as cases
from safetynet.matching import services
from safetynet.matching.models import MatchCandidate, MatchRun
from safetynet.missing.models import MissingPersonReport
from safetynet.missing.services import record_missing
from safetynet.notifications.models import Notification

# Other people on both sides, so that the model has non-matches to learn from.
OTHERS = [("Sonali Mondal", "female", 16), ("Parveen Bibi", "female", 22), ("Mamata Das", "female", 30),
          ("Rakesh Shaw", "male", 15), ("Amit Kumar", "male", 13), ("Nasreen Khatun", "female", 19),
          ("Puja Sarkar", "female", 17), ("Salma Begum", "female", 24), ("Tania Ghosh", "female", 14),
          ("Jahanara Bibi", "female", 27), ("Rupa Biswas", "female", 18), ("Moumita Paul", "female", 21)]
VICTIMS = [("Anjali Yadav", "female", "18-25"), ("Sabina Yasmin", "female", "26-40"), ("Rekha Pal", "female", "12-17"),
           ("Farida Khatun", "female", "18-25"), ("Bijoy Mondal", "male", "12-17"), ("Shyamali Das", "female", "26-40"),
           ("Kohinoor Begum", "female", "18-25"), ("Lipika Roy", "female", "12-17"), ("Mitali Sen", "female", "18-25"),
           ("Sumi Akter", "female", "12-17"), ("Ruma Khatun", "female", "26-40"), ("Sima Halder", "female", "18-25")]


@pytest.fixture
def world_of_reports(users, n24p_case):
    officer = users["ahtu_n24p"]
    n24p = Jurisdiction.objects.get(code="IN-WB-N24P")
    report = record_missing(actor=officer, jurisdiction=n24p, source="family", name="রহিমা খাতুন",
                            other_names=["Rohima Khatoon"], sex="female", age=14,
                            family={"father": "Abdul Karim"}, description="Left for work in Kolkata.")
    for name, sex, age in OTHERS:
        record_missing(actor=officer, jurisdiction=n24p, source="family", name=name, sex=sex, age=age,
                       description="Reported by the family.")
    record_missing(actor=officer, jurisdiction=n24p, source="family", name="", sex="female",
                   description="A girl seen at the station; name not known.")
    for name, sex, band in VICTIMS:
        cases.add_party(actor=officer, case=n24p_case, role="victim", sex=sex, age_band=band,
                        identity={"name_latin": name})
    return report


def _candidate(report, person):
    return MatchCandidate.objects.get(report=report, person=person)


def test_a_family_report_meets_the_rescued_victim_across_scripts(world_of_reports, n24p_case):
    run = services.run_matching()
    assert run.status == MatchRun.Status.DONE and run.candidates >= 1
    candidate = _candidate(world_of_reports, n24p_case.victim)
    assert candidate.probability >= 0.5 and candidate.basis == "investigation"
    assert candidate.fields and max(candidate.fields.values()) > 0  # each field's weight is kept
    # The report without a name was skipped and said so (a code, never a name).
    assert any(s["reason"] for s in run.skipped)
    assert all("রহিমা" not in str(s) and "Rohima" not in str(s) for s in run.skipped)
    # Nobody else on the other side was taken for her.
    others = MatchCandidate.objects.filter(report=world_of_reports).exclude(person=n24p_case.victim)
    assert not others.filter(probability__gte=0.9).exists()


def test_who_may_see_the_candidate_and_who_is_in_it(world_of_reports, n24p_case, users, client_for):
    services.run_matching()
    candidate = _candidate(world_of_reports, n24p_case.victim)
    # Police of the district see both records: names shown, each look logged.
    page = client_for("ahtu_n24p").get(f"/matching/{candidate.public_id}/").content.decode()
    assert "রহিমা খাতুন" in page and "Rahima Khatun" in page and "The same person" in page
    # The CWC sees the child's identity (through the case) but not the report: it learns that a
    # candidate exists, not who is in it.
    response = client_for("cwc_n24p").get(f"/matching/{candidate.public_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "A candidate exists, but you may not see who is in it" in body
    assert "রহিমা" not in body and "Rahima" not in body and "Abdul Karim" not in body
    assert "The same person" not in body
    # Outside the scope of both records: nothing at all.
    for persona in ("ahtu_kish", "ngo_kish", "researcher", "admin"):
        assert client_for(persona).get(f"/matching/{candidate.public_id}/").status_code == 404, persona
    with pytest.raises(PermissionDenied):
        services.decide(actor=users["cwc_n24p"], candidate=candidate, confirmed=True)


def test_confirming_marks_the_report_found_and_tells_its_agency(world_of_reports, n24p_case, users):
    services.run_matching()
    candidate = _candidate(world_of_reports, n24p_case.victim)
    services.decide(actor=users["ahtu_n24p"], candidate=candidate, confirmed=True, note="Father confirmed by phone.")
    world_of_reports.refresh_from_db()
    assert world_of_reports.status == MissingPersonReport.Status.FOUND
    told = Notification.objects.filter(user=users["head_n24p"], message__contains=world_of_reports.reference).get()
    assert "contact the family" in told.message and "Rahima" not in told.message and told.urgent
    event = AuditEvent.objects.filter(action="matching.confirm").latest("seq")
    assert event.changes["person"] == n24p_case.victim.code and "Father confirmed" not in str(event.changes)
    with pytest.raises(ValidationError):
        services.decide(actor=users["ahtu_n24p"], candidate=candidate, confirmed=False)
    # A later run keeps the decision.
    services.run_matching()
    assert _candidate(world_of_reports, n24p_case.victim).status == MatchCandidate.Status.CONFIRMED


def test_only_a_supervisor_reopens_a_decision(world_of_reports, n24p_case, users):
    services.run_matching()
    candidate = _candidate(world_of_reports, n24p_case.victim)
    services.decide(actor=users["ahtu_n24p"], candidate=candidate, confirmed=True)
    with pytest.raises(PermissionDenied):
        services.reopen(actor=users["ahtu_n24p"], candidate=candidate, reason="Wrong girl: different father.")
    with pytest.raises(ValidationError):
        services.reopen(actor=users["head_n24p"], candidate=candidate, reason="")
    services.reopen(actor=users["head_n24p"], candidate=candidate, reason="Wrong girl: different father.")
    candidate.refresh_from_db()
    world_of_reports.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.CANDIDATE
    assert world_of_reports.status == MissingPersonReport.Status.OPEN
    assert AuditEvent.objects.filter(action="matching.reopen").exists()


def test_a_failed_run_leaves_the_previous_candidates(world_of_reports, n24p_case):
    services.run_matching()
    before = set(MatchCandidate.objects.values_list("report_id", "person_id", "probability"))
    assert before
    failed = services.run_matching(backend="no-such-backend")
    assert failed.status == MatchRun.Status.FAILED and failed.error
    assert set(MatchCandidate.objects.values_list("report_id", "person_id", "probability")) == before


def test_the_nightly_command_reports_what_it_did(world_of_reports, n24p_case):
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("match_persons", stdout=out, stderr=err)
    assert "candidates to review" in out.getvalue()
    assert "skipped" in err.getvalue()


def test_a_victim_registered_after_the_nightly_run_meets_the_report_at_once(world_of_reports, n24p_case, users,
                                                                           django_capture_on_commit_callbacks):
    services.run_matching()  # the night before: trains the model real time uses
    tania = MissingPersonReport.objects.get(reference__in=[
        r.reference for r in MissingPersonReport.objects.all() if r.get_text("name") == "Tania Ghosh"])
    assert not MatchCandidate.objects.filter(report=tania).exists()
    with django_capture_on_commit_callbacks(execute=True):
        party = cases.add_party(actor=users["ahtu_n24p"], case=n24p_case, role="victim", sex="female",
                                age_band="12-17", identity={"name_latin": "Tania Ghosh", "aliases": ["তানিয়া ঘোষ"]})
    candidate = MatchCandidate.objects.get(report=tania, person=party.person)
    assert candidate.probability >= 0.5 and candidate.basis == "investigation" and candidate.fields


def test_a_family_report_keeps_what_the_matcher_needs_and_refuses_what_it_cannot_read(users, client_for):
    officer = users["ahtu_n24p"]
    n24p = Jurisdiction.objects.get(code="IN-WB-N24P")
    with pytest.raises(ValidationError) as exc:
        record_missing(actor=officer, jurisdiction=n24p, source="family", name="ரஹீமா", description="Tamil name")
    assert "Latin, Bengali or Devanagari" in str(exc.value)
    with pytest.raises(ValidationError):
        record_missing(actor=officer, jurisdiction=n24p, source="family", name="Rohima", age=140, description="x")
    assert not MissingPersonReport.objects.filter(jurisdiction=n24p).exists()  # nothing half-saved
    report = record_missing(actor=officer, jurisdiction=n24p, source="family", name="Rohima Khatoon", age=14,
                            other_names=["রহিমা খাতুন"], family={"father": "Abdul Karim"}, description="x")
    page = client_for("ahtu_n24p").get(f"/missing/{report.public_id}/").content.decode()
    assert "রহিমা খাতুন" in page and "Abdul Karim" in page and "14 (" in page
    assert "Abdul Karim" not in client_for("ahtu_kish").get(f"/missing/{report.public_id}/").content.decode()
