"""Endpoint table rows: survivor care (the care record, consent and sharing, shelters, the CWC,
counselling notes, repatriation, follow-ups, export and erasure, indicators).

Same contract as test_endpoints.py (which imports this list). ``Ctx.survivor()`` is a girl
(12-17, Bangladeshi) whose record NGO-N24P holds (ngo_n24p registered her) and who lives in
the Kolkata shelter SH-KOLK; ``{survivor_id}``, ``{survivor_code}`` and ``{survivor_name}``
name her. Who reaches her record (access/querysets.py ``_survivor_q``):

- ngo_n24p, the caseworker: everything on the record except counselling notes and CWC orders;
- shelter and counsellor (SH-KOLK) through the placement: they see it, the shelter places,
  transfers and serves, the counsellor serves — neither edits the record (403);
- cwc_n24p, the district's CWC, because she is a child: sees it, records orders and
  productions, may not edit or serve (403);
- nobody else: another district's NGO (ngo_kish), police and the AHTU (no care.view), the
  researcher, the administrator and the outsider get 404.

Counselling notes are the assigned counsellor's alone (``Ctx.clinical_note()``): no other
page shows them and no other persona may write one. care:clinical checks care.clinical on the
record first (a visible record without it: 403, the usual contract), then the assignment (a
counsellor who is not hers: 404, so nobody learns that notes exist).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .test_endpoints import PAGE, UNVERIFIED, Endpoint, Expect

RECORD = "/care/survivors/{survivor_id}/"

OUTSIDE_404 = (
    Expect("ngo_kish", 404, why="another district's NGO: outside scope is not found"),
    Expect("ahtu_n24p", 404, why="police and the AHTU have no care.view"),
    Expect("researcher", 404), Expect("admin", 404), Expect("outsider", 404),
)
EDIT_403 = (
    Expect("shelter", 403, why="the shelter sees the record (placement) but has no care.edit"),
    Expect("cwc_n24p", 403, why="the CWC sees a child's record but has no care.edit"),
)


def _today() -> str:
    return timezone.localdate().isoformat()


def _agency(code: str):
    from safetynet.agencies.models import Agency

    return Agency.objects.get(short_code=code)


def _shelter(code: str):
    from safetynet.care.models import ShelterHome

    return ShelterHome.objects.get(agency__short_code=code)


def _survivor(name):
    return lambda c: reverse(name, args=[c.survivor().public_id])


def _placed(c):
    c.survivor()


def _registered(c):
    c.registered()


ENDPOINTS: list[Endpoint] = [
    # ---- lists
    Endpoint("care:list", "GET", PAGE, lambda c: reverse("care:list"), setup=_placed,
             allowed=Expect("ngo_n24p", 200, contains=("{survivor_code}",)),
             denied=(Expect("ngo_kish", 200, absent=("{survivor_code}",), why="the list is filtered to scope"),
                     Expect("shelter", 200, contains=("{survivor_code}",), why="she lives in this shelter"),
                     Expect("ahtu_n24p", 404, why="no care.view"), Expect("researcher", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("care:register", "GET", PAGE, lambda c: reverse("care:register"),
             allowed=Expect("ngo_n24p", 200, contains=('name="name_latin"',)),
             denied=(Expect("shelter", 404, why="no care.edit: shelters do not open care records"),
                     Expect("cwc_n24p", 404), Expect("ahtu_n24p", 404), Expect("researcher", 404),
                     Expect("outsider", 404))),
    Endpoint("care:register", "POST", PAGE, lambda c: reverse("care:register"),
             data=lambda c: {"came_via": "came_forward", "person": "", "name_latin": "Endpoint Survivor",
                             "sex": "female", "age_band": "26-40", "nationality": "IN", "jurisdiction": "IN-WB-N24P",
                             "registered_on": _today(), "language": "bn",
                             "trafficking_status": "PossibleVictimOfTrafficking", "recruited_from": "IN-WB-MURS"},
             allowed=Expect("ngo_n24p", 302, location="/care/survivors/"),
             denied=(Expect("shelter", 404, why="no care.edit"), Expect("counsellor", 404), Expect("cwc_n24p", 404),
                     Expect("ahtu_n24p", 404), Expect("researcher", 404), Expect("outsider", 404))),
    Endpoint("care:cwc", "GET", PAGE, lambda c: reverse("care:cwc"), setup=_registered,
             allowed=Expect("cwc_n24p", 200, contains=("{survivor_code}", "h left")),
             denied=(Expect("ngo_n24p", 404, why="no cwc.decide"), Expect("shelter", 404),
                     Expect("ahtu_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("outsider", 404))),
    Endpoint("care:production", "POST", PAGE,
             lambda c: reverse("care:production", args=[c.registered().person.public_id]),
             data=lambda c: {"produced_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
             allowed=Expect("cwc_n24p", 302, location="/care/cwc/$"),
             denied=(Expect("ngo_n24p", 404, why="no cwc.decide"), Expect("shelter", 404),
                     Expect("ahtu_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("outsider", 404))),
    Endpoint("care:shelters", "GET", PAGE, lambda c: reverse("care:shelters"), setup=_placed,
             allowed=Expect("shelter", 200, contains=("Ujjawala Shelter Home, Kolkata", "1 / 40")),
             denied=(Expect("counsellor", 404, why="no shelter.manage, no cwc.decide"),
                     Expect("ahtu_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
                     Expect("reporter", 404), Expect("outsider", 404))),
    Endpoint("care:indicators", "GET", PAGE, lambda c: reverse("care:indicators"), setup=_placed,
             allowed=Expect("ngo_n24p", 200, contains=("Survivors whose records your agency holds or serves.",)),
             denied=(Expect("me_officer", 200, contains=("All agencies, counts only.",),
                            why="stats.view: every agency's survivors, as suppressed counts"),
                     Expect("researcher", 200, contains=("All agencies, counts only.",), why="stats.view"),
                     Expect("shelter", 404, why="neither care.edit nor stats.view"),
                     Expect("counsellor", 404), Expect("cwc_n24p", 404), Expect("reporter", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    # ---- the record
    Endpoint("care:detail", "GET", PAGE, _survivor("care:detail"), setup=lambda c: c.clinical_note(),
             allowed=Expect("counsellor", 200, contains=("{survivor_code}", "Counselling notes", "{clinical_note}")),
             denied=(*OUTSIDE_404,
                     Expect("shelter", 200, contains=("{survivor_code}", "{survivor_name}"),
                            absent=("{clinical_note}", "Counselling notes"),
                            why="the shelter sees the record, never the counselling notes"),
                     Expect("ngo_n24p", 200, contains=("{survivor_name}",), absent=("{clinical_note}",),
                            why="the caseworker who holds the record does not read counselling notes"),
                     Expect("cwc_n24p", 200, absent=("{clinical_note}",)),
                     Expect("head_n24p", 404), Expect("police_bongaon", 404), Expect("me_officer", 404),
                     Expect("ngo_n24p" + UNVERIFIED, 302, location="/accounts/verify/",
                            why="second factor first"))),
    Endpoint("care:profile", "POST", PAGE, _survivor("care:profile"),
             data=lambda c: {"version": c.survivor().version, "language": "bn",
                             "trafficking_status": "ActualVictimOfTrafficking",
                             "exploitation_types": ["SexualExploitation"], "recruiter_relation": "",
                             "months_in_exploitation": "4"},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:consent", "POST", PAGE, _survivor("care:consent"),
             data=lambda c: {"purpose": "services", "given_by": "guardian", "method": "signed", "language": "bn",
                             "taken_on": _today()},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403, Expect("counsellor", 403))),
    Endpoint("care:share", "POST", PAGE, _survivor("care:share"),
             setup=lambda c: c.care_consent("sharing", _agency("SH-N24P")),
             data=lambda c: {"agency": _agency("SH-N24P").pk},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:tracing", "POST", PAGE, _survivor("care:tracing"),
             setup=lambda c: c.care_consent("family_tracing"), data=lambda c: {"override_reason": ""},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:assign", "POST", PAGE, _survivor("care:assign"),
             data=lambda c: {"user": c.users["counsellor"].pk, "kind": "counsellor"},
             allowed=Expect("shelter", 302, location=RECORD, why="the shelter assigns its own counsellor"),
             denied=(*OUTSIDE_404,
                     Expect("cwc_n24p", 403, why="sees the record; neither care.edit nor shelter.manage"),
                     Expect("counsellor", 403))),
    Endpoint("care:cwc_order", "POST", PAGE, _survivor("care:cwc_order"),
             data=lambda c: {"kind": "other", "number": "CWC/N24P/77/2026", "ordered_on": _today()},
             allowed=Expect("cwc_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404,
                     Expect("ngo_n24p", 403, why="the caseworker sees the record; only the CWC makes orders"),
                     Expect("shelter", 403))),
    Endpoint("care:place", "POST", PAGE, lambda c: reverse("care:place", args=[c.registered().public_id]),
             data=lambda c: {"shelter": _shelter("SH-N24P").pk, "started_on": _today(), "reason": "Rescued today."},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404,
                     Expect("cwc_n24p", 403, why="the CWC orders placements; it does not record them"),
                     Expect("shelter", 404, why="not (yet) placed in this shelter: not its record"))),
    Endpoint("care:plan", "POST", PAGE, _survivor("care:plan"),
             data=lambda c: {"review_every_days": "90", "domain_0": "education", "goal_0": "Back to school"},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:review", "POST", PAGE, _survivor("care:review"), setup=lambda c: c.care_plan(),
             data=lambda c: {"version": c.care_plan().version, "reviewed_on": _today(),
                             "summary": "Attends the shelter school."},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:service", "POST", PAGE, _survivor("care:service"),
             data=lambda c: {"kind": "health", "provider": "Barasat District Hospital", "delivered_on": _today()},
             allowed=Expect("shelter", 302, location=RECORD),
             denied=(*OUTSIDE_404, Expect("cwc_n24p", 403, why="the CWC sees the record but has no care.service"))),
    Endpoint("care:clinical", "POST", PAGE, _survivor("care:clinical"), setup=lambda c: c.counsellor_assigned(),
             data=lambda c: {"written_on": _today(), "body": "Second session."},
             allowed=Expect("counsellor", 302, location=RECORD),
             denied=(*OUTSIDE_404,
                     Expect("shelter", 403, why="sees the record, has no care.clinical (the cap is checked first)"),
                     Expect("ngo_n24p", 403, why="the caseworker holds the record but writes no counselling notes"),
                     Expect("cwc_n24p", 403), Expect("head_n24p", 404))),
    Endpoint("care:home_study", "POST", PAGE, _survivor("care:home_study"),
             data=lambda c: {"conducted_on": _today(), "place": "IN-WB-N24P", "recommendation": "more_assessment",
                             "family_involved": "unknown", "village_involved": "unknown"},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:repatriation", "POST", PAGE, _survivor("care:repatriation"),
             data=lambda c: {"country": "BD", "border_post": "Petrapole-Benapole"},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:export", "POST", PAGE, _survivor("care:export"),
             allowed=Expect("ngo_n24p", 200, contains=("{survivor_name}", "{survivor_code}", "Ujjawala")),
             denied=(*OUTSIDE_404, *EDIT_403, Expect("counsellor", 403))),
    Endpoint("care:erase", "POST", PAGE, _survivor("care:erase"),
             data=lambda c: {"reason": "survivor_request", "confirm": "on"},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    # ---- records inside the file
    Endpoint("care:withdraw_consent", "POST", PAGE,
             lambda c: reverse("care:withdraw_consent", args=[c.care_consent().public_id]),
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:end_share", "POST", PAGE, lambda c: reverse("care:end_share", args=[c.care_share().public_id]),
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:transfer", "POST", PAGE, lambda c: reverse("care:transfer", args=[c.placement().public_id]),
             data=lambda c: {"version": c.placement().version, "shelter": _shelter("SH-N24P").pk,
                             "started_on": _today(), "reason": "Closer to the court at Barasat."},
             allowed=Expect("shelter", 302, location=RECORD),
             denied=(*OUTSIDE_404, Expect("cwc_n24p", 403, why="no shelter.manage"),
                     Expect("counsellor", 403, why="the shelter's counsellor does not move survivors"))),
    Endpoint("care:exit", "POST", PAGE, lambda c: reverse("care:exit", args=[c.placement().public_id]),
             data=lambda c: {"version": c.placement().version, "ended_on": _today(), "exit_reason": "independent"},
             allowed=Expect("shelter", 302, location=RECORD),
             denied=(*OUTSIDE_404, Expect("cwc_n24p", 403), Expect("counsellor", 403))),
    Endpoint("care:step", "POST", PAGE, lambda c: reverse("care:step", args=[c.repatriation_step().public_id]),
             data=lambda c: {"version": c.repatriation_step().version, "done_on": _today()},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
    Endpoint("care:follow_up", "POST", PAGE, lambda c: reverse("care:follow_up", args=[c.follow_up().public_id]),
             data=lambda c: {"version": c.follow_up().version, "done_on": _today(), "wellbeing": "4",
                             "livelihood": "school", "risk": "low"},
             allowed=Expect("ngo_n24p", 302, location=RECORD),
             denied=(*OUTSIDE_404, *EDIT_403)),
]
