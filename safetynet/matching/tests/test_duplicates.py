"""The nightly de-duplication of each record type: the same child reported twice (by the family
at one station, through another station), the same girl registered twice (a victim of a case
and a survivor who came forward to an NGO). A sister with the same family name and father is
not taken for her. Decisions survive the next night, a failed de-duplication keeps what was
there, and who is in a pair is shown only to someone who may see both records."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from safetynet.agencies.models import Jurisdiction
from safetynet.audit.models import AccessEvent, AuditEvent
from safetynet.care import services as care
from safetynet.cases import services as cases
from safetynet.matching import services
from safetynet.matching.models import DuplicateCandidate, MatchRun
from safetynet.missing.models import MissingPersonReport
from safetynet.missing.services import record_missing
from safetynet.notifications.models import Notification
from safetynet.people.models import Person

from .test_review import OTHERS

AGAIN = [("Sonali Mondol", "female", 16), ("Parvin Bibi", "female", 22), ("Mamata Dash", "female", 30),
         ("Rakesh Shaw", "male", 15), ("Nasrin Khatun", "female", 19), ("Puja Sarkar", "female", 17)]
# Victims of the first case (name, sex, age told), some found again in a second case and spelt as
# the second officer heard them; and victims of the first case only (no age recorded).
TWICE = [("Anjali Yadav", "Anjoli Yadav", "female", 19), ("Sabina Yasmin", "Sabina Yeasmin", "female", 30),
         ("Rekha Pal", "Rekha Paul", "female", 15), ("Farida Khatun", "Farida Khatoon", "female", 20),
         ("Bijoy Mondal", "Bijay Mondal", "male", 16), ("Sumi Akter", "Sumi Akhter", "female", 16)]
ONCE = [("Shyamali Das", "female", "26-40"), ("Kohinoor Begum", "female", "18-25"), ("Lipika Roy", "female", "12-17"),
        ("Mitali Sen", "female", "18-25"), ("Ruma Khatun", "female", "26-40"), ("Sima Halder", "female", "18-25")]
# Nothing of these outside a two-sided view.
NAMES = ("Rohima", "Rahima", "রহিমা", "Abdul Karim", "Salma", "Mousumi", "মৌসুমী", "Moumita", "Haripada")


@pytest.fixture
def dup_world(users, n24p_case):
    """Reports: Rohima (family at the AHTU) and the same girl in Bengali script at Bongaon police,
    her sister Salma (same family name, same father), others (some reported at both places), one
    without a name.
    Found persons: Mousumi, a victim of the case, the same girl registered by the NGO when she
    came forward, her sister Moumita as another victim of the case, others (some in two cases)."""
    officer, police = users["ahtu_n24p"], users["police_bongaon"]
    n24p, bongaon = Jurisdiction.objects.get(code="IN-WB-N24P"), Jurisdiction.objects.get(code="IN-WB-N24P-BONG")
    first = record_missing(actor=officer, jurisdiction=n24p, source="family", name="Rohima Khatoon", sex="female",
                           age=14, family={"father": "Abdul Karim"}, description="Left for work in Kolkata.")
    second = record_missing(actor=police, jurisdiction=bongaon, source="family", name="রহিমা খাতুন",
                            other_names=["Rahima"], sex="female", age=14, family={"father": "Abdul Karim"},
                            description="Did not come back from the market.")
    sister = record_missing(actor=officer, jurisdiction=n24p, source="family", name="Salma Khatun", sex="female",
                            age=12, family={"father": "Abdul Karim"}, description="Left with her sister.")
    for name, sex, age in OTHERS:
        record_missing(actor=officer, jurisdiction=n24p, source="family", name=name, sex=sex, age=age,
                       description="Reported by the family.")
    # Families often report at more than one place: some of the others are reported twice, so the
    # engine (trained without labels) has true duplicates to learn from, as in any district.
    for name, sex, age in AGAIN:
        record_missing(actor=police, jurisdiction=bongaon, source="family", name=name, sex=sex, age=age,
                       description="Reported again at the police station.")
    record_missing(actor=officer, jurisdiction=n24p, source="family", name="", sex="female",
                   description="A girl seen at the station; name not known.")
    for name, sex, band in ONCE:
        cases.add_party(actor=officer, case=n24p_case, role="victim", sex=sex, age_band=band,
                        identity={"name_latin": name})
    second_case = cases.open_case(actor=officer, title="Girls found at a Kolkata hotel", kind="sexual_exploitation",
                                  jurisdiction=bongaon)
    for name, again, sex, age in TWICE:
        band = Person.band_for_age(age)
        for case, spelt in ((n24p_case, name), (second_case, again)):
            cases.add_party(actor=officer, case=case, role="victim", sex=sex, age_band=band,
                            identity={"name_latin": spelt, "age": str(age)})
    victim = cases.add_party(actor=officer, case=n24p_case, role="victim", sex="female", age_band="12-17",
                             identity={"name_latin": "Mousumi Biswas", "name_native": "মৌসুমী বিশ্বাস",
                                       "age": "14", "father_name": "Haripada Biswas"})
    sister_party = cases.add_party(actor=officer, case=n24p_case, role="victim", sex="female", age_band="12-17",
                                   identity={"name_latin": "Moumita Biswas", "age": "12",
                                             "father_name": "Haripada Biswas"})
    survivor = care.register_survivor(actor=users["ngo_n24p"], came_via="came_forward", jurisdiction=bongaon,
                                      language="bn", profile=care.Profile(), sex="female", age_band="12-17",
                                      nationality="BD", identity={"name_latin": "Mousumi Biswas", "age": "14",
                                                "father_name": "Haripada Biswas"})
    care.start_tracing(actor=users["ngo_n24p"], survivor=survivor,
                       override_reason="She asks to go home; the CWC sits only next week.")
    return {"first": first, "second": second, "sister": sister, "victim": victim.person,
            "survivor": survivor.person, "sister_person": sister_party.person}


def report_pair(w) -> DuplicateCandidate:
    return DuplicateCandidate.objects.get(kind="report", first_report=w["first"], second_report=w["second"])


def person_pair(w) -> DuplicateCandidate:
    return DuplicateCandidate.objects.get(kind="person", first_person=w["victim"], second_person=w["survivor"])


def pairs_with(record) -> list[DuplicateCandidate]:
    from django.db.models import Q

    if isinstance(record, MissingPersonReport):
        return list(DuplicateCandidate.objects.filter(Q(first_report=record) | Q(second_report=record)))
    return list(DuplicateCandidate.objects.filter(Q(first_person=record) | Q(second_person=record)))


def test_the_nightly_run_finds_the_same_girl_twice_and_not_her_sister(dup_world):
    run = services.run_matching()
    assert run.status == MatchRun.Status.DONE and not run.dedupe_error
    assert run.duplicate_reports >= 1 and run.duplicate_persons >= 1
    reports = report_pair(dup_world)
    assert reports.probability >= 0.5 and reports.run == run and reports.status == "candidate"
    assert reports.fields["given"] > 0 and reports.levels["given"]  # each field's weight and agreement kept
    persons = person_pair(dup_world)
    assert persons.probability >= 0.5 and persons.fields
    # The sisters share the family name and the father, not the person.
    assert not pairs_with(dup_world["sister"]) and not pairs_with(dup_world["sister_person"])
    # The report without a name is said to be skipped, by its reference, never with a name.
    assert any(s["kind"] == "report" and s["reason"] == "empty name" for s in run.dedupe_skipped)
    assert not any(n in str(run.dedupe_skipped) for n in NAMES)


def test_decisions_survive_the_next_night(dup_world, users):
    services.run_matching()
    services.decide_duplicate(actor=users["ahtu_n24p"], duplicate=report_pair(dup_world), confirmed=True)
    services.decide_duplicate(actor=users["ahtu_n24p"], duplicate=person_pair(dup_world), confirmed=False,
                              note="Different mother's name.")
    services.run_matching()
    assert report_pair(dup_world).status == "confirmed"
    rejected = person_pair(dup_world)
    assert rejected.status == "rejected" and rejected.note == "Different mother's name."
    # One row per pair: the rejected pair is not offered again as a new candidate.
    assert DuplicateCandidate.objects.filter(first_person=dup_world["victim"],
                                             second_person=dup_world["survivor"]).count() == 1


def test_a_failed_de_duplication_keeps_the_previous_pairs(dup_world):
    services.run_matching()
    before = set(DuplicateCandidate.objects.values_list("kind", "first_report", "second_report", "first_person",
                                                        "second_person", "probability", "status"))
    assert before
    failed = services.run_matching(backend="no-such-backend")
    assert "report" in failed.dedupe_error and "person" in failed.dedupe_error
    assert failed.duplicate_reports == failed.duplicate_persons == 0
    after = set(DuplicateCandidate.objects.values_list("kind", "first_report", "second_report", "first_person",
                                                       "second_person", "probability", "status"))
    assert after == before


def test_confirming_two_reports_closes_the_later_and_tells_both_agencies(dup_world, users):
    services.run_matching()
    pair = report_pair(dup_world)
    version = dup_world["second"].version
    services.decide_duplicate(actor=users["ahtu_n24p"], duplicate=pair, confirmed=True,
                              note="Rohima's father confirmed both.")
    dup_world["first"].refresh_from_db()
    dup_world["second"].refresh_from_db()
    assert dup_world["first"].status == MissingPersonReport.Status.OPEN
    assert dup_world["second"].status == MissingPersonReport.Status.CLOSED
    assert dup_world["second"].version == version + 1  # an edit form open on the old version is refused
    decision = AuditEvent.objects.filter(action="matching.duplicate_confirm").latest("seq")
    assert decision.changes["second"] == dup_world["second"].reference and "Rohima" not in str(decision.changes)
    closed = AuditEvent.objects.filter(action="missing.close_duplicate",
                                       object_id=str(dup_world["second"].public_id)).get()
    assert closed.changes["duplicate_of"] == dup_world["first"].reference
    for persona in ("ahtu_n24p", "police_bongaon"):  # the agency of each report
        told = Notification.objects.get(user=users[persona], message__contains=dup_world["second"].reference)
        assert dup_world["first"].reference in told.message and not any(n in told.message for n in NAMES)
    assert not Notification.objects.filter(user=users["ahtu_kish"]).exists()
    with pytest.raises(ValidationError):  # decided once
        services.decide_duplicate(actor=users["ahtu_n24p"], duplicate=pair, confirmed=False)


def test_confirming_two_persons_merges_nothing_and_tells_both_agencies(dup_world, users):
    services.run_matching()
    services.decide_duplicate(actor=users["ahtu_n24p"], duplicate=person_pair(dup_world), confirmed=True)
    assert Person.objects.filter(pk__in=[dup_world["victim"].pk, dup_world["survivor"].pk]).count() == 2
    for persona in ("ahtu_n24p", "ngo_n24p"):  # the case's investigators, the survivor's caseworker
        told = Notification.objects.get(user=users[persona], message__contains="not merged")
        assert dup_world["victim"].code in told.message and dup_world["survivor"].code in told.message
        assert not any(n in told.message for n in NAMES)
    event = AuditEvent.objects.filter(action="matching.duplicate_confirm").latest("seq")
    assert event.changes == {"kind": "person", "first": dup_world["victim"].code, "second": dup_world["survivor"].code,
                             "probability": person_pair(dup_world).probability}


def test_only_a_supervisor_reopens_and_the_closed_report_opens_again(dup_world, users):
    services.run_matching()
    pair = report_pair(dup_world)
    services.decide_duplicate(actor=users["ahtu_n24p"], duplicate=pair, confirmed=True)
    with pytest.raises(PermissionDenied):
        services.reopen_duplicate(actor=users["ahtu_n24p"], duplicate=pair, reason="Two different girls after all.")
    with pytest.raises(ValidationError):
        services.reopen_duplicate(actor=users["head_n24p"], duplicate=pair, reason="no")
    services.reopen_duplicate(actor=users["head_n24p"], duplicate=pair, reason="Two different girls after all.")
    pair.refresh_from_db()
    dup_world["second"].refresh_from_db()
    assert pair.status == "candidate" and pair.decided_by is None
    assert dup_world["second"].status == MissingPersonReport.Status.OPEN
    reopened = AuditEvent.objects.filter(action="matching.duplicate_reopen").get()
    assert reopened.changes["was"] == "confirmed" and "different girls" not in str(reopened.changes)
    assert AuditEvent.objects.filter(action="missing.reopen_duplicate").exists()
    services.decide_duplicate(actor=users["ahtu_n24p"], duplicate=pair, confirmed=False)
    assert AuditEvent.objects.filter(action="matching.duplicate_reject").exists()


def test_who_sees_the_pair_and_who_is_in_it(dup_world, users, client_for):
    services.run_matching()
    reports, persons = report_pair(dup_world), person_pair(dup_world)
    # The district's AHTU sees both reports: names side by side, each report's look logged.
    looks = AccessEvent.objects.count()
    page = client_for("ahtu_n24p").get(f"/matching/duplicates/{reports.public_id}/").content.decode()
    assert "Rohima Khatoon" in page and "রহিমা খাতুন" in page and "Abdul Karim" in page
    assert "The same person" in page and dup_world["second"].reference in page
    assert AccessEvent.objects.count() == looks + 2
    # Bongaon police hold the later report only: that a duplicate exists, not who.
    response = client_for("police_bongaon").get(f"/matching/duplicates/{reports.public_id}/")
    body = response.content.decode()
    assert response.status_code == 200 and "A possible duplicate exists, but you may not see who" in body
    assert not any(n in body for n in NAMES) and "The same person" not in body
    with pytest.raises(PermissionDenied):
        services.decide_duplicate(actor=users["police_bongaon"], duplicate=reports, confirmed=True)
    assert client_for("police_bongaon").post(f"/matching/duplicates/{reports.public_id}/confirm/").status_code == 403
    # The NGO holds the survivor, not the case's victim: the same for persons.
    body = client_for("ngo_n24p").get(f"/matching/duplicates/{persons.public_id}/").content.decode()
    assert "A possible duplicate exists" in body and not any(n in body for n in NAMES)
    assert dup_world["survivor"].code in body
    page = client_for("ahtu_n24p").get(f"/matching/duplicates/{persons.public_id}/").content.decode()
    assert page.count("Mousumi Biswas") == 2 and "মৌসুমী বিশ্বাস" in page and "Haripada Biswas" in page
    # Outside both records: not found at all.
    for persona in ("ahtu_kish", "ngo_kish", "researcher", "admin", "outsider"):
        for pair in (reports, persons):
            assert client_for(persona).get(f"/matching/duplicates/{pair.public_id}/").status_code == 404, persona
    # The list: codes only, filtered to what one may see.
    listed = client_for("ahtu_n24p").get("/matching/duplicates/").content.decode()
    assert dup_world["first"].reference in listed and dup_world["survivor"].code in listed
    assert not any(n in listed for n in NAMES)
    assert dup_world["first"].reference not in client_for("ahtu_kish").get("/matching/duplicates/").content.decode()
    assert client_for("researcher").get("/matching/duplicates/").status_code == 404
    assert "/matching/duplicates/" in client_for("ahtu_n24p").get("/matching/").content.decode()


def test_the_nightly_command_reports_the_duplicates(dup_world):
    out, err = io.StringIO(), io.StringIO()
    call_command("match_persons", stdout=out, stderr=err)
    assert "Duplicates to review:" in out.getvalue() and "pairs of found persons" in out.getvalue()
    assert "not de-duplicated (report)" in err.getvalue() and "empty name" in err.getvalue()


@pytest.mark.browser
def test_the_duplicate_pages_on_a_phone_and_a_desktop(base, browser, dup_world):
    """The list and one pair, as the district's AHTU sees them (screenshots 95-duplicates-…)."""
    from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot, sign_in

    services.run_matching()
    pair = report_pair(dup_world)
    for name, options in (("phone", PHONE), ("desktop", DESKTOP)):
        page = browser.new_context(**options).new_page()
        sign_in(page, base, "ahtu.n24p", "/matching/duplicates/")
        body = page.content()
        assert dup_world["first"].reference in body and dup_world["survivor"].code in body
        assert not any(n in body for n in NAMES)
        width, inner = horizontal_overflow(page)
        assert width <= inner + 1, overflowing_elements(page)
        shot(page, f"95-duplicates-list-{name}")
        page.goto(f"{base}/matching/duplicates/{pair.public_id}/")
        assert "Rohima Khatoon" in page.content() and "Same sound" not in page.content()
        width, inner = horizontal_overflow(page)
        assert width <= inner + 1, overflowing_elements(page)
        shot(page, f"96-duplicate-detail-{name}")
    # The police station that holds the later report only sees that a duplicate exists.
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, base, "police.bongaon", f"/matching/duplicates/{pair.public_id}/")
    assert "A possible duplicate exists" in page.content() and "Rohima" not in page.content()
    shot(page, "97-duplicate-detail-one-side-phone")
