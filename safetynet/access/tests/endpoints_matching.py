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

from .test_endpoints import PAGE, Endpoint, Expect

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
