"""Endpoint table rows: a family's missing-person report and the review of possible matches.

Same contract as test_endpoints.py (which imports this list). ``Ctx.match_candidate()`` is a
candidate between a North 24 Parganas family's report (made by ahtu_n24p) and the N24P case's
victim (Rahima Khatun), as a matching run would store it. Who reaches it:

- ahtu_n24p and head_n24p see both records: the names, and the decision buttons;
- cwc_n24p sees the victim (a child, through the case) but not the report: it learns that a
  candidate exists, not who is in it, and may not decide (403);
- everyone outside both records (another district's AHTU, another district's NGO, the
  researcher, the administrator, the outsider) gets 404.
"""

from __future__ import annotations

from django.urls import reverse

from .test_endpoints import PAGE, PUBLIC, Endpoint, Expect

OUTSIDE_404 = (
    Expect("ahtu_kish", 404, why="another district: neither record is in scope"),
    Expect("ngo_kish", 404), Expect("researcher", 404), Expect("admin", 404), Expect("outsider", 404),
)


def _candidate(name):
    return lambda c: reverse(name, args=[c.match_candidate().public_id])


def _decided(c):
    from safetynet.matching import services

    services.decide(actor=c.users["ahtu_n24p"], candidate=c.match_candidate(), confirmed=True)


DETAIL = "/matching/{candidate_id}/"

ENDPOINTS: list[Endpoint] = [
    Endpoint("missing:new", "GET", PAGE, lambda c: reverse("missing:new"),
             allowed=Expect("ahtu_n24p", 200, contains=("Record a missing person", "Father&#x27;s name")),
             denied=(Expect("ngo_n24p", 404, why="care roles do not record missing-person reports"),
                     Expect("cwc_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("outsider", 404))),
    Endpoint("missing:new", "POST", PAGE, lambda c: reverse("missing:new"),
             data=lambda c: {"source": "family", "name": "Rohima Khatoon", "other_names": "রহিমা খাতুন",
                             "sex": "female", "age": "14", "father": "Abdul Karim", "jurisdiction": "IN-WB-N24P",
                             "description": "Left for work in Kolkata in March."},
             allowed=Expect("ahtu_n24p", 302, location="/missing/"),
             denied=(Expect("ngo_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("outsider", 404))),
    Endpoint("matching:list", "GET", PAGE, lambda c: reverse("matching:list"), setup=lambda c: c.match_candidate(),
             allowed=Expect("ahtu_n24p", 200, contains=("{candidate_report}", "{victim_code}")),
             denied=(Expect("ahtu_kish", 200, absent=("{candidate_report}",), why="filtered to what one may see"),
                     Expect("researcher", 404), Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("matching:detail", "GET", PAGE, _candidate("matching:detail"),
             allowed=Expect("ahtu_n24p", 200, contains=("{victim_name}", "Abdul Karim", "The same person")),
             denied=(*OUTSIDE_404,
                     Expect("cwc_n24p", 200, contains=("A candidate exists, but you may not see who is in it",),
                            absent=("{victim_name}", "Abdul Karim", "The same person"),
                            why="sees the victim, not the report: that a candidate exists, not who"))),
    Endpoint("matching:confirm", "POST", PAGE, _candidate("matching:confirm"), data=lambda c: {"note": ""},
             allowed=Expect("ahtu_n24p", 302, location=DETAIL),
             denied=(*OUTSIDE_404, Expect("cwc_n24p", 403, why="may not see both records"))),
    Endpoint("matching:reject", "POST", PAGE, _candidate("matching:reject"), data=lambda c: {"note": ""},
             allowed=Expect("ahtu_n24p", 302, location=DETAIL),
             denied=(*OUTSIDE_404, Expect("cwc_n24p", 403))),
    Endpoint("matching:reopen", "POST", PAGE, _candidate("matching:reopen"), setup=_decided,
             data=lambda c: {"reason": "The father says it is not her."},
             allowed=Expect("head_n24p", 302, location=DETAIL),
             denied=(*OUTSIDE_404, Expect("ahtu_n24p", 403, why="an officer decides; only a supervisor reopens"),
                     Expect("cwc_n24p", 403))),
]


# ---- the family's public form and photos on reports (missing/public_urls.py, missing:photo)

MISSING_PHOTO = b"\xff\xd8\xffendpoint-table-missing-photo"
PUBLIC_MISSING = {"name": "Rohima Khatoon", "sex": "female", "age": "14", "jurisdiction": "IN-WB-N24P",
                  "phone": "+91 98300 12345", "consent": "on", "description": "Red salwar."}


def _report_with_photo(c):
    """A family's report recorded by ahtu_n24p with one photo (stored directly: only serving it is under test)."""
    if not hasattr(c, "_photo_report"):
        from safetynet.agencies.models import Jurisdiction
        from safetynet.missing.models import MissingPhoto
        from safetynet.missing.services import record_missing

        report = record_missing(actor=c.users["ahtu_n24p"], jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P"),
                                source="family", name="Rohima Khatoon", description="Left for work in Kolkata.")
        photo = MissingPhoto(report=report, content_type="image/jpeg", width=1, height=1, size=len(MISSING_PHOTO))
        photo.set_content(MISSING_PHOTO)
        photo.save()
        c._photo_report = report
    return c._photo_report


def _public_receipt(c):
    if not hasattr(c, "_public_receipt"):
        from safetynet.missing.services import PublicReport, submit_public_report

        _report, c._public_receipt = submit_public_report(data=PublicReport(
            name="Amit Kumar", jurisdiction_code="IN-WB-N24P", phone="+91 98300 12345", consent=True))
    return c._public_receipt


ENDPOINTS += [
    Endpoint("report_missing:form", "GET", PUBLIC, lambda c: reverse("report_missing:form"),
             allowed=Expect(None, 200, contains=('name="consent"', 'name="photos"')),
             denied=(Expect(None, 405, why="no other method"),), extra={"denied_method": "PUT"}),
    Endpoint("report_missing:form", "POST", PUBLIC, lambda c: reverse("report_missing:form"),
             data=lambda c: PUBLIC_MISSING,
             allowed=Expect(None, 201, contains=('id="missing-reference"', "MP-N24P-"), absent=("Rohima",)),
             denied=(Expect(None, 400, absent=('id="missing-reference"',),
                            why="no consent: refused, nothing stored"),),
             extra={"denied_data": {**PUBLIC_MISSING, "consent": ""}}),
    Endpoint("report_missing:status", "POST", PUBLIC, lambda c: reverse("report_missing:status"),
             data=lambda c: {"receipt": _public_receipt(c)},
             allowed=Expect(None, 200, contains=("the police are searching",), absent=("Amit Kumar", "98300")),
             denied=(Expect(None, 400, contains=("No report has this code",), absent=("MP-N24P-",),
                            why="a wrong code learns nothing"),),
             extra={"denied_data": {"receipt": "AAAA-BBBB-CCCC"}}),
    Endpoint("missing:photo", "GET", PAGE,
             lambda c: reverse("missing:photo", args=[_report_with_photo(c).public_id, 1]),
             allowed=Expect("ahtu_n24p", 200, contains=("endpoint-table-missing-photo",)),
             denied=(Expect("ahtu_kish", 404, why="another district: the report is not in scope"),
                     Expect("police_bongaon", 404, why="a police station that does not own the report"),
                     Expect("ngo_n24p", 404, why="no missing.view"), Expect("cwc_n24p", 404),
                     Expect("researcher", 404), Expect("admin", 404), Expect("outsider", 404))),
]


# ---- linking one's own spreadsheets (/matching/link-files/): the capability matching.link_files
# (M&E officer, NGO caseworker); a job is its uploader's alone, everybody else gets 404.


def _link_job(c):
    """me_officer's finished job (two rows de-duplicated), made once per row."""
    if "link_job" not in c.values:
        from safetynet.matching import linkfiles

        job = linkfiles.create_job(actor=c.users["me_officer"], left=b"id,name\na,Rina Das\nb,Rina Dass\n",
                                   right=None, threshold=0.0)
        linkfiles.run_job(job.pk)  # the task, as the worker would run it after the commit
        c.values["link_job"] = str(job.public_id)
    return c.values["link_job"]


def _upload(c):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"left": SimpleUploadedFile("list.csv", b"name,age\nRina Das,14\nRina Dass,15\n", "text/csv"),
            "threshold": "0.5"}


LINK_FILES_404 = (Expect("researcher", 404, why="aggregates only: no names at all"),
                  Expect("reporter", 404), Expect("ahtu_n24p", 404, why="no matching.link_files"),
                  Expect("admin", 404), Expect("outsider", 404))
NOT_THE_UPLOADER = (Expect("ngo_n24p", 404, why="may link files, but this job is another user's"),
                    Expect("researcher", 404), Expect("reporter", 404), Expect("admin", 404),
                    Expect("outsider", 404))

ENDPOINTS += [
    Endpoint("matching:link_files", "GET", PAGE, lambda c: reverse("matching:link_files"),
             allowed=Expect("me_officer", 200, contains=("Link spreadsheets of people", 'name="left"')),
             denied=LINK_FILES_404),
    Endpoint("matching:link_files", "POST", PAGE, lambda c: reverse("matching:link_files"), data=_upload,
             allowed=Expect("me_officer", 302, location="/matching/link-files/"),
             denied=LINK_FILES_404),
    Endpoint("matching:link_files_job", "GET", PAGE,
             lambda c: reverse("matching:link_files_job", args=[_link_job(c)]),
             allowed=Expect("me_officer", 200, contains=("Download the pairs (CSV)",)),
             denied=NOT_THE_UPLOADER),
    Endpoint("matching:link_files_download", "GET", PAGE,
             lambda c: reverse("matching:link_files_download", args=[_link_job(c)]),
             allowed=Expect("me_officer", 200, contains=("left_id,right_id", "Rina Das")),
             denied=(*NOT_THE_UPLOADER, Expect("me_officer@unverified", 302, location="/accounts/verify/",
                                               why="the result holds names: the second factor first"))),
]


# ---- possible duplicates (/matching/duplicates/): two reports of one missing girl, made by the
# district's AHTU (ahtu_n24p) and by Bongaon police (police_bongaon), and two records of one found
# girl: the case's victim and the NGO's survivor (Ctx.registered). Whoever sees one record learns
# that a duplicate exists, not who; names and decisions need both; outside both records: 404.

DUPLICATE = "/matching/duplicates/{duplicate_id}/"


def _duplicate_reports(c):
    """The report pair, as a nightly run would store it (made directly: only the review is under test)."""
    from safetynet.matching.models import DuplicateCandidate

    if "duplicate_id" not in c.values:
        from safetynet.agencies.models import Jurisdiction
        from safetynet.missing.services import record_missing

        first = record_missing(actor=c.users["ahtu_n24p"], jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P"),
                               source="family", name="Rohima Khatoon", sex="female", age=14,
                               family={"father": "Abdul Karim"}, description="Left for work in Kolkata.")
        second = record_missing(actor=c.users["police_bongaon"], source="family", name="রহিমা খাতুন", sex="female",
                                jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P-BONG"), age=14,
                                description="Did not come back from the market.")
        pair = DuplicateCandidate.objects.create(
            kind="report", first_report=first, second_report=second, match_weight=9.4, probability=0.96,
            fields={"given": 4.1, "family": 1.9, "birth_year": 2.2, "district": 0.8},
            levels={"given": "same sound", "family": "same family name, father not known",
                    "birth_year": "same year", "district": "same district"})
        c.values.update({"duplicate_id": str(pair.public_id), "dup_first": first.reference,
                         "dup_second": second.reference})
    return DuplicateCandidate.objects.get(public_id=c.values["duplicate_id"])


def _duplicate_persons(c):
    from safetynet.matching.models import DuplicateCandidate

    if "person_duplicate_id" not in c.values:
        pair = DuplicateCandidate.objects.create(
            kind="person", first_person=c.victim, second_person=c.registered().person, match_weight=6.0,
            probability=0.9, fields={"given": 3.0, "sex": 0.3}, levels={"given": "same sound", "sex": "same"})
        c.values["person_duplicate_id"] = str(pair.public_id)
    return DuplicateCandidate.objects.get(public_id=c.values["person_duplicate_id"])


def _duplicate(name, make=_duplicate_reports):
    return lambda c: reverse(name, args=[make(c).public_id])


def _duplicate_decided(c):
    from safetynet.matching import services

    services.decide_duplicate(actor=c.users["ahtu_n24p"], duplicate=_duplicate_reports(c), confirmed=True)


ONE_SIDE = "A possible duplicate exists, but you may not see who is in it"

ENDPOINTS += [
    Endpoint("matching:duplicates", "GET", PAGE, lambda c: reverse("matching:duplicates"),
             setup=lambda c: _duplicate_reports(c),
             allowed=Expect("ahtu_n24p", 200, contains=("{dup_first}", "{dup_second}"), absent=("Rohima",)),
             denied=(Expect("ahtu_kish", 200, absent=("{dup_first}", "{dup_second}"),
                            why="filtered to what one may see"),
                     Expect("researcher", 404), Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("matching:duplicate", "GET", PAGE, _duplicate("matching:duplicate"),
             allowed=Expect("ahtu_n24p", 200, contains=("Rohima Khatoon", "রহিমা খাতুন", "Abdul Karim",
                                                        "The same person")),
             denied=(*OUTSIDE_404,
                     Expect("police_bongaon", 200, contains=(ONE_SIDE, "{dup_second}"),
                            absent=("Rohima", "রহিমা", "Abdul Karim", "The same person"),
                            why="holds the later report only: that a duplicate exists, not who"))),
    Endpoint("matching:duplicate", "GET", PAGE, _duplicate("matching:duplicate", _duplicate_persons),
             allowed=Expect("ahtu_n24p", 200, contains=("{victim_name}", "{survivor_name}", "The same person")),
             denied=(*OUTSIDE_404,
                     Expect("ngo_n24p", 200, contains=(ONE_SIDE, "{survivor_code}"),
                            absent=("{victim_name}", "{victim_native}", "{survivor_name}", "The same person"),
                            why="the NGO holds the survivor, not the case's victim"))),
    Endpoint("matching:duplicate_confirm", "POST", PAGE, _duplicate("matching:duplicate_confirm"),
             data=lambda c: {"note": ""},
             allowed=Expect("ahtu_n24p", 302, location=DUPLICATE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 403, why="may not see both records"))),
    Endpoint("matching:duplicate_reject", "POST", PAGE, _duplicate("matching:duplicate_reject"),
             data=lambda c: {"note": ""},
             allowed=Expect("ahtu_n24p", 302, location=DUPLICATE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 403))),
    Endpoint("matching:duplicate_reopen", "POST", PAGE, _duplicate("matching:duplicate_reopen"),
             setup=_duplicate_decided, data=lambda c: {"reason": "The two families are different."},
             allowed=Expect("head_n24p", 302, location=DUPLICATE),
             denied=(*OUTSIDE_404, Expect("ahtu_n24p", 403, why="an officer decides; only a supervisor reopens"),
                     Expect("police_bongaon", 403))),
]
