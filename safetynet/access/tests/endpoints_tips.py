"""Endpoint table rows: public report form, receipt status, triage queue and tip actions, notifications.

Same contract as test_endpoints.py (which imports this list): an allowed and a denied
expectation for every named URL. ``{tip_ref}``, ``{tip_id}``, ``{tip_text}`` and
``{reporter_phone}`` name the context's border tip (Ctx.tip).
"""

from __future__ import annotations

from django.urls import reverse  # noqa: F401

from .test_endpoints import ADMIN, API, PAGE, PUBLIC, Endpoint, Expect  # noqa: F401


def _tip_url(name):
    return lambda c: reverse(name, args=[c.tip.public_id])


def _version(c):
    return {"version": c.tip.version}


# Everyone who must not triage the Petrapole tip: other districts, care roles, counts-only
# roles, the administrator, a police station it was not routed to, a member of nothing.
TIP_DENIED_404 = (
    Expect("ahtu_kish", 404, why="another district's AHTU"),
    Expect("ngo_n24p", 404, why="NGOs do not triage"),
    Expect("researcher", 404), Expect("admin", 404),
    Expect("police_bongaon", 404, why="not routed to this police station"),
    Expect("reporter", 404, why="a reporter sees only the status of their own reports"),
    Expect("outsider", 404),
)

# Everyone who must not touch a rescue plan: the unit's head who is not on the team, other districts,
# care and counts-only roles, the administrator, a member of nothing.
RESCUE_TEAM_404 = (
    Expect("head_n24p", 404, why="same unit, not on the team: the plan is the team's until the end"),
    Expect("ahtu_kish", 404), Expect("ngo_n24p", 404), Expect("researcher", 404), Expect("admin", 404),
    Expect("outsider", 404),
)


def _soon(minutes: int = -30) -> str:
    import datetime

    from django.utils import timezone

    return (timezone.localtime() + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


REPORT = {"category": "recruitment", "jurisdiction": "IN-WB-N24P", "description": "Job offers to girls at the fair.",
          "idempotency_key": "form:endpoint-table"}

ENDPOINTS: list[Endpoint] = [
    Endpoint("report:form", "POST", PUBLIC, lambda c: reverse("report:form"), data=lambda c: REPORT,
             allowed=Expect(None, 201, contains=('id="receipt-code"',)),
             denied=(Expect(None, 400, absent=('id="receipt-code"',), why="no district: refused, nothing stored"),),
             extra={"denied_data": {**REPORT, "jurisdiction": ""}}),
    Endpoint("report:status", "POST", PUBLIC, lambda c: reverse("report:status"),
             data=lambda c: {"receipt": c.tip_receipt},
             allowed=Expect(None, 200, contains=("waiting to be looked at",), absent=("{tip_ref}", "{tip_text}")),
             denied=(Expect(None, 400, contains=("No report has this code",), why="a wrong code learns nothing"),),
             extra={"denied_data": {"receipt": "AAAA-BBBB-CCCC"}}),
    Endpoint("report:vigilance", "GET", PAGE, lambda c: reverse("report:vigilance"),
             allowed=Expect("reporter", 200, contains=('id="tip-form"',)),
             denied=(Expect("researcher", 404, why="no tip.submit"), Expect("ahtu_n24p", 404),
                     Expect("outsider", 404))),
    Endpoint("tips:queue", "GET", PAGE, lambda c: reverse("tips:queue"),
             allowed=Expect("ahtu_n24p", 200, contains=("{tip_ref}",)),
             denied=(Expect("ahtu_kish", 200, absent=("{tip_ref}",), why="the queue is filtered to scope"),
                     Expect("researcher", 404, why="no tip.triage"), Expect("ngo_n24p", 404), Expect("admin", 404),
                     Expect("reporter", 404), Expect("outsider", 404))),
    Endpoint("tips:detail", "GET", PAGE, _tip_url("tips:detail"),
             allowed=Expect("bsf_petrapole", 200, contains=("{tip_text}",), absent=("{reporter_phone}",)),
             denied=(*TIP_DENIED_404, Expect("ahtu_n24p@unverified", 302, location="/accounts/verify/"))),
    Endpoint("tips:acknowledge", "POST", PAGE, _tip_url("tips:acknowledge"), data=_version,
             allowed=Expect("ahtu_n24p", 302, location="/tips/{tip_id}/"), denied=TIP_DENIED_404),
    Endpoint("tips:verify", "POST", PAGE, _tip_url("tips:verify"), data=_version,
             allowed=Expect("ahtu_n24p", 302, location="/tips/{tip_id}/"), denied=TIP_DENIED_404),
    Endpoint("tips:close", "POST", PAGE, _tip_url("tips:close"),
             data=lambda c: {"version": c.tip.version, "reason": "not_enough"},
             allowed=Expect("ahtu_n24p", 302, location="/tips/"), denied=TIP_DENIED_404),
    Endpoint("tips:merge", "POST", PAGE, _tip_url("tips:merge"),
             data=lambda c: {"version": c.tip.version, "into": c.other_tip().public_id},
             allowed=Expect("ahtu_n24p", 302, location="/tips/"), denied=TIP_DENIED_404),
    Endpoint("tips:convert", "POST", PAGE, _tip_url("tips:convert"),
             data=lambda c: {"version": c.tip.version, "title": "From a tip", "kind": "other"},
             allowed=Expect("ahtu_n24p", 302, location="/cases/"),
             denied=(*TIP_DENIED_404,)),
    Endpoint("tips:note", "POST", PAGE, _tip_url("tips:note"), data=lambda c: {"note": "Called the BSF post."},
             allowed=Expect("ahtu_n24p", 302, location="/tips/{tip_id}/"), denied=TIP_DENIED_404),
    Endpoint("tips:reporter", "POST", PAGE, _tip_url("tips:reporter"), data=lambda c: {},
             allowed=Expect("ahtu_n24p", 200, contains=("{reporter_phone}",)), denied=TIP_DENIED_404),
    Endpoint("tips:photo", "GET", PAGE, lambda c: reverse("tips:photo", args=[c.tip.public_id, 1]),
             setup=lambda c: c.add_tip_photo(),
             allowed=Expect("bsf_petrapole", 200, contains=("JFIF",)), denied=TIP_DENIED_404),
    Endpoint("tips:rescue", "POST", PAGE, _tip_url("tips:rescue"),
             data=lambda c: {"version": c.tip.version, "reason": "Verified: girls held at the border."},
             allowed=Expect("ahtu_n24p", 302, location="/rescues/"),
             denied=(*TIP_DENIED_404,
                     Expect("bsf_petrapole", 403, why="the border post triages but does not request rescues"))),
    Endpoint("tips:missing", "POST", PAGE, _tip_url("tips:missing"), data=_version,
             allowed=Expect("ahtu_n24p", 302, location="/missing/"),
             denied=(*TIP_DENIED_404, Expect("bsf_petrapole", 403))),
    Endpoint("rescues:list", "GET", PAGE, lambda c: reverse("rescues:list"),
             setup=lambda c: c.tip_rescue(),
             allowed=Expect("ahtu_n24p", 200, contains=("RESC-AHTU-N24P-",)),
             denied=(Expect("ahtu_kish", 200, absent=("RESC-AHTU-N24P-",), why="filtered to scope"),
                     Expect("ngo_n24p", 404, why="no rescue.view"), Expect("researcher", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("rescues:detail", "GET", PAGE, lambda c: reverse("rescues:detail", args=[c.tip_rescue().public_id]),
             allowed=Expect("ahtu_n24p", 200, contains=("Verified",)),
             denied=(Expect("ahtu_kish", 404), Expect("ngo_n24p", 404), Expect("researcher", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("rescues:new", "POST", PAGE, lambda c: reverse("rescues:new"),
             data=lambda c: {"jurisdiction": "IN-WB-N24P-BONG", "reason": "Girls held above a hotel."},
             allowed=Expect("ahtu_n24p", 302, location="/rescues/"),
             denied=(Expect("ngo_n24p", 404, why="no rescue.request"), Expect("researcher", 404),
                     Expect("admin", 404), Expect("cwc_n24p", 404), Expect("outsider", 404))),
    Endpoint("rescues:plan", "POST", PAGE, lambda c: reverse("rescues:plan", args=[c.tip_rescue().public_id]),
             data=lambda c: {"version": c.tip_rescue().version, "planned_for": _soon(),
                             "target": "Above the hotel", "information": "Three girls", "verification": "Decoy"},
             allowed=Expect("ahtu_n24p", 302, location="/rescues/"),
             denied=RESCUE_TEAM_404),
    Endpoint("rescues:add_member", "POST", PAGE,
             lambda c: reverse("rescues:add_member", args=[c.tip_rescue().public_id]),
             data=lambda c: {"label": "SI Rina Das", "kind": "police", "woman": "on"},
             allowed=Expect("ahtu_n24p", 302, location="/rescues/"), denied=RESCUE_TEAM_404),
    Endpoint("rescues:remove_member", "POST", PAGE, lambda c: reverse("rescues:remove_member", args=[
        c.tip_rescue().public_id, c.rescue_member().pk]),
             allowed=Expect("ahtu_n24p", 302, location="/rescues/"), denied=RESCUE_TEAM_404),
    Endpoint("rescues:ready", "POST", PAGE, lambda c: reverse("rescues:ready", args=[c.tip_rescue().public_id]),
             data=lambda c: {"version": c.tip_rescue().version},
             allowed=Expect("ahtu_n24p", 400, contains=("two women officials",),
                            why="the team check refuses: the requester alone is not a team"),
             denied=RESCUE_TEAM_404),
    Endpoint("rescues:outcome", "POST", PAGE, lambda c: reverse("rescues:outcome", args=[c.tip_rescue().public_id]),
             data=lambda c: {"version": c.tip_rescue().version, "ended_at": _soon(),
                             **{f"{p}-{k}": v for p in ("rescued", "suspects") for k, v in
                                {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()}},
             allowed=Expect("ahtu_n24p", 400, contains=("plan and team are ready",),
                            why="a requested operation cannot have an outcome yet"),
             denied=RESCUE_TEAM_404),
    Endpoint("rescues:cancel", "POST", PAGE, lambda c: reverse("rescues:cancel", args=[c.tip_rescue().public_id]),
             data=lambda c: {"version": c.tip_rescue().version, "reason": "The girls were moved before we went."},
             allowed=Expect("ahtu_n24p", 302, location="/rescues/"), denied=RESCUE_TEAM_404),
    Endpoint("rescues:produced", "POST", PAGE, lambda c: reverse("rescues:produced", args=[
        c.tip_rescue().public_id, c.child_production().pk]),
             data=lambda c: {"produced_at": _soon(0)},
             allowed=Expect("ahtu_n24p", 302, location="/rescues/"),
             denied=(Expect("ahtu_kish", 404), Expect("ngo_n24p", 404), Expect("researcher", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("missing:list", "GET", PAGE, lambda c: reverse("missing:list"),
             setup=lambda c: c.tip_missing(),
             allowed=Expect("ahtu_n24p", 200, contains=("MP-N24P-",)),
             denied=(Expect("ahtu_kish", 200, absent=("MP-N24P-",), why="filtered to scope"),
                     Expect("ngo_n24p", 404, why="no missing.view"), Expect("researcher", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("missing:detail", "GET", PAGE, lambda c: reverse("missing:detail", args=[c.tip_missing().public_id]),
             allowed=Expect("ahtu_n24p", 200, contains=("{tip_text}",)),
             denied=(Expect("ahtu_kish", 404), Expect("ngo_n24p", 404), Expect("researcher", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("notifications:inbox", "GET", PAGE, lambda c: reverse("notifications:inbox"),
             allowed=Expect("ahtu_n24p", 200, contains=("{tip_ref}",)),
             denied=(Expect("ahtu_kish", 200, absent=("{tip_ref}",), why="only one's own notifications"),
                     Expect("researcher", 200, absent=("{tip_ref}",)), Expect("outsider", 200, absent=("{tip_ref}",)))),
    Endpoint("notifications:read", "POST", PAGE, lambda c: reverse("notifications:read"), data=lambda c: {},
             allowed=Expect("ahtu_n24p", 302, location="/notifications/"),
             denied=(Expect("ahtu_n24p", 405, why="GET changes nothing"),
                     Expect("outsider", 405, why="GET changes nothing")), extra={"denied_method": "GET"}),
    # ---- the report form as an installable offline web app (tips/pwa.py): public and read-only
    Endpoint("report:sw", "GET", PUBLIC, lambda c: reverse("report:sw"),
             allowed=Expect(None, 200, contains=("self.SAFETYNET_PWA", '"page": "/report/"', "tips/report.js")),
             denied=(Expect(None, 405, why="read-only"),), extra={"denied_method": "POST"}),
    Endpoint("report:manifest", "GET", PUBLIC, lambda c: reverse("report:manifest"),
             allowed=Expect(None, 200, contains=('"start_url": "/report/"', '"display": "standalone"')),
             denied=(Expect(None, 405, why="read-only"),), extra={"denied_method": "POST"}),
    Endpoint("report:offline", "GET", PUBLIC, lambda c: reverse("report:offline"),
             allowed=Expect(None, 200, contains=("You are offline",)),
             denied=(Expect(None, 405, why="read-only"),), extra={"denied_method": "POST"}),
]
