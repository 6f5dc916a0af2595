"""Endpoint table rows: the legal file of a case (FIR, accused, court), deadlines, indicators.

Same contract as test_endpoints.py (which imports this list). ``Ctx.legal()`` builds the
N24P case's legal file; ``Ctx.prosecutor_on_team()`` also puts the prosecutor on the case
team, so the prosecutor may see the file and act in court but not record FIRs or arrests
(403: a visible record whose action the role lacks). Everyone outside the case's scope, and
every role without legal.view (care roles, counts-only roles, the administrator), gets 404.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from .test_endpoints import PAGE, Endpoint, Expect

OUTSIDE_404 = (
    Expect("ahtu_kish", 404, why="another district's AHTU"),
    Expect("ngo_n24p", 404, why="care roles serve survivors, not investigations"),
    Expect("cwc_n24p", 404), Expect("researcher", 404), Expect("admin", 404), Expect("outsider", 404),
)


def _case(name):
    return lambda c: reverse(name, args=[c.case.public_id])


def _accused(name, which="a1"):
    return lambda c: reverse(name, args=[c.legal()[which].public_id])


def _setup_team(c):
    c.prosecutor_on_team()


def _setup(c):
    c.legal()


def _version(which):
    return lambda c: c.legal()[which].version


FILE = "/prosecution/cases/{case_id}/"


def _ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()

ENDPOINTS: list[Endpoint] = [
    Endpoint("prosecution:deadlines", "GET", PAGE, lambda c: reverse("prosecution:deadlines"), setup=_setup,
             allowed=Expect("head_n24p", 200, contains=("{case_ref}", "overdue by")),
             denied=(Expect("ahtu_kish", 200, absent=("{case_ref}",), why="the list is filtered to scope"),
                     Expect("ngo_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("outsider", 404))),
    Endpoint("prosecution:indicators", "GET", PAGE, lambda c: reverse("prosecution:indicators"), setup=_setup,
             allowed=Expect("ahtu_n24p", 200, contains=("Charge-sheeting rate",)),
             denied=(Expect("ngo_n24p", 404), Expect("researcher", 404, why="counts come with issue 7's dashboard"),
                     Expect("outsider", 404))),
    Endpoint("prosecution:file", "GET", PAGE, _case("prosecution:file"), setup=_setup_team,
             allowed=Expect("prosecutor", 200, contains=("112/2026", "SC 45/2026", "A1")),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404, why="another agency's case"),
                     Expect("ahtu_n24p@unverified", 302, location="/accounts/verify/"))),
    Endpoint("prosecution:add_fir", "POST", PAGE, _case("prosecution:add_fir"), setup=_setup_team,
             data=lambda c: {"police_station": c.legal()["court"].case.firs.first().police_station_id,
                             "number": "200/2026", "registered_on": _ago(30), "sections": ["PCMA-9"]},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("prosecutor", 403, why="prosecutors do not register FIRs"))),
    Endpoint("prosecution:add_accused", "POST", PAGE, _case("prosecution:add_accused"), setup=_setup_team,
             data=lambda c: {"code": "", "party": ""},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("prosecutor", 403))),
    Endpoint("prosecution:add_court_case", "POST", PAGE, _case("prosecution:add_court_case"), setup=_setup_team,
             data=lambda c: {"court": "Sessions Court, Barasat", "number": "SC 77/2026", "filed_on": _ago(5)},
             allowed=Expect("prosecutor", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:arrest", "POST", PAGE, _accused("prosecution:arrest", "a3"), setup=_setup_team,
             data=lambda c: {f"arrest-{c.legal()['a3'].pk}-{k}": v for k, v in {
                 "version": _version("a3")(c), "arrested_on": _ago(2), "custody": "police"}.items()},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("prosecutor", 403))),
    Endpoint("prosecution:custody", "POST", PAGE, _accused("prosecution:custody"), setup=_setup_team,
             data=lambda c: {f"custody-{c.legal()['a1'].pk}-version": _version("a1")(c),
                             f"custody-{c.legal()['a1'].pk}-custody": "bail"},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("prosecutor", 403))),
    Endpoint("prosecution:police_report", "POST", PAGE, _accused("prosecution:police_report"), setup=_setup_team,
             data=lambda c: {f"report-{c.legal()['a1'].pk}-version": _version("a1")(c),
                             f"report-{c.legal()['a1'].pk}-report": "charge_sheet",
                             f"report-{c.legal()['a1'].pk}-report_on": _ago(1)},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("prosecutor", 403))),
    Endpoint("prosecution:verdict", "POST", PAGE, _accused("prosecution:verdict", "a2"), setup=_setup_team,
             data=lambda c: {f"verdict-{c.legal()['a2'].pk}-version": _version("a2")(c),
                             f"verdict-{c.legal()['a2'].pk}-verdict": "convicted",
                             f"verdict-{c.legal()['a2'].pk}-verdict_on": _ago(1),
                             f"verdict-{c.legal()['a2'].pk}-sentence": "10 years"},
             allowed=Expect("prosecutor", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:add_hearing", "POST", PAGE,
             lambda c: reverse("prosecution:add_hearing", args=[c.legal()["court"].public_id]), setup=_setup_team,
             data=lambda c: {f"hearing-{c.legal()['court'].pk}-held_on": _ago(2),
                             f"hearing-{c.legal()['court'].pk}-outcome": "evidence"},
             allowed=Expect("prosecutor", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:edit_hearing", "GET", PAGE,
             lambda c: reverse("prosecution:edit_hearing", args=[c.legal()["hearing"].public_id]), setup=_setup_team,
             allowed=Expect("prosecutor", 200, contains=("Witness absent",)),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:hearings", "GET", PAGE, lambda c: reverse("prosecution:hearings"), setup=_setup_team,
             allowed=Expect("prosecutor", 200, contains=("Next hearings",)),
             denied=(Expect("ahtu_kish", 200, absent=("{case_ref}",), why="filtered to scope"),
                     Expect("ngo_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("outsider", 404))),
    Endpoint("prosecution:assess_risk", "POST", PAGE, _case("prosecution:assess_risk"), setup=_setup_team,
             data=lambda c: {"risk-party": c.case.parties.get(role="victim").pk, "risk-assessed_on": _ago(1),
                             "risk-level": "high", "risk-accused_influence": "local"},
             allowed=Expect("prosecutor", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:add_measure", "POST", PAGE, _case("prosecution:add_measure"), setup=_setup_team,
             data=lambda c: {"measure-party": c.case.parties.get(role="victim").pk, "measure-kind": "in_camera",
                             "measure-starts_on": _ago(1)},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:add_incident", "POST", PAGE, _case("prosecution:add_incident"), setup=_setup_team,
             data=lambda c: {"incident-party": c.case.parties.get(role="witness").pk, "incident-kind": "threat",
                             "incident-occurred_on": _ago(1)},
             allowed=Expect("prosecutor", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:end_measure", "POST", PAGE, lambda c: reverse("prosecution:end_measure", args=[
        c.protection_measure().public_id]), setup=_setup_team,
             data=lambda c: {"version": c.protection_measure().version, "ends_on": _ago(0)},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:summary_pdf", "GET", PAGE, _case("prosecution:summary_pdf"), setup=_setup_team,
             allowed=Expect("prosecutor", 200),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:network", "GET", PAGE, lambda c: reverse("prosecution:network"), setup=_setup_team,
             allowed=Expect("ahtu_n24p", 200, contains=("Trafficking networks",)),
             denied=(Expect("ngo_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("cwc_n24p", 404), Expect("outsider", 404))),
    Endpoint("prosecution:suspect_record", "POST", PAGE, _accused("prosecution:suspect_record"),
             setup=_setup_team,
             data=lambda c: {f"suspect-{c.legal()['a1'].pk}-vehicles": "WB 26 K 4321",
                             f"suspect-{c.legal()['a1'].pk}-bank_accounts": ""},
             allowed=Expect("ahtu_n24p", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("prosecutor", 403, why="prosecutors do not keep suspect records"))),
    Endpoint("prosecution:add_compensation", "POST", PAGE, _case("prosecution:add_compensation"), setup=_setup_team,
             data=lambda c: {"comp-party": c.case.parties.get(role="victim").pk, "comp-applied_on": _ago(3)},
             allowed=Expect("prosecutor", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:award_compensation", "POST", PAGE, lambda c: reverse(
        "prosecution:award_compensation", args=[c.case.public_id, c.compensation().pk]), setup=_setup_team,
             data=lambda c: {"award-awarded_on": _ago(1), "award-amount_awarded": "50000"},
             allowed=Expect("prosecutor", 302, location=FILE),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
    Endpoint("prosecution:reveal_suspect_record", "POST", PAGE, _accused("prosecution:reveal_suspect_record"),
             setup=lambda c: (c.prosecutor_on_team(), c.suspect_vehicle()),
             allowed=Expect("ahtu_n24p", 200, contains=("WB 74 AB 1234", "logged")),
             denied=(*OUTSIDE_404, Expect("police_bongaon", 404))),
]
