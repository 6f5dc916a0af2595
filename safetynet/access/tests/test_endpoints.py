"""Every URL and API endpoint, with a persona that is allowed and personas that are not.

The table below is the contract: for each named URL pattern it says how to build the
URL, which method(s) it answers, who must get through and who must be refused. Records
outside a user's scope are *not found* (404), never 403 (DESIGN.md, "Access model"); 403
is only for a record the user can see but may not act on. Pages send an anonymous visitor
to the sign-in page; the API answers 401; the admin site sends everybody who is not an
administrator to its login URL (302) without showing any data.

``test_every_url_name_is_in_the_table`` fails when a URL name exists that is neither in
the table nor in ``ALLOWLIST``: a new endpoint cannot ship without its access test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PAGE, API, ADMIN, PUBLIC = "page", "api", "admin", "public"
UNVERIFIED = "@unverified"  # persona suffix: signed in with the password only, second factor not passed

PHOTO = b"\x89PNG\r\n\x1a\nendpoint-table-photo"
NEW_NOTE = "Checked by the endpoint table."
SURVIVOR_NAME = "Sultana Parvin"  # the care record's survivor (Ctx.registered)
CLINICAL_NOTE = "Spoke about the journey; sleeping better this week."  # her counsellor's note (Ctx.clinical_note)


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Expect:
    """One request's expected outcome. Strings are formatted with the context (``{case_ref}``)."""

    persona: str | None  # None: anonymous
    status: int
    location: str = ""  # the redirect target starts with this ("...$": is exactly this)
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    kind: str
    url: Callable
    allowed: Expect
    denied: tuple[Expect, ...]
    data: Callable | None = None
    setup: Callable | None = None
    extra: dict = field(default_factory=dict)


def _case_url(name):
    return lambda c: reverse(name, args=[c.case.public_id])


def _person_url(name):
    return lambda c: reverse(name, args=[c.victim.public_id])


def _admin(name, contains, query=""):
    return Endpoint(
        name, "GET", ADMIN, lambda c, n=name: reverse(n) + query,
        allowed=Expect("admin", 200, contains=contains, absent=("{victim_name}", "{case_ref}")),
        denied=(
            Expect("ahtu_n24p", 302, location="/admin/login/", absent=("ahtu.n24p", "AHTU-N24P"),
                   why="an investigator is not an administrator"),
            Expect("researcher", 302, location="/admin/login/", absent=("ahtu.n24p", "AHTU-N24P")),
            Expect("outsider", 302, location="/admin/login/", absent=("ahtu.n24p", "AHTU-N24P")),
        ),
    )


CASE_DENIED_404 = (
    Expect("ahtu_kish", 404, why="another district's AHTU: outside scope is not found"),
    Expect("outsider", 404, why="no membership at all"),
)

ENDPOINTS: list[Endpoint] = [
    # ---- core
    Endpoint("core:home", "GET", PAGE, lambda c: reverse("core:home"),
             allowed=Expect("ahtu_n24p", 200, contains=("{case_ref}",)),
             denied=(Expect("ahtu_kish", 200, why="dashboard lists only the own district's cases"),
                     Expect("researcher", 200, why="counts only, never a case"),
                     Expect("outsider", 200, contains=("not a member of any agency",)))),
    Endpoint("core:healthz", "GET", PUBLIC, lambda c: reverse("core:healthz"),
             allowed=Expect(None, 200, contains=('"status": "ok"',)),
             denied=(Expect(None, 200, absent=("{case_ref}", "{victim_code}"),
                            why="public probe: says ok and nothing else"),)),
    # ---- accounts
    Endpoint("accounts:login", "GET", PUBLIC, lambda c: reverse("accounts:login"),
             allowed=Expect(None, 200, contains=('name="password"',)),
             denied=(Expect("ahtu_n24p", 302, location="/", why="signed in: no login form, back to the app"),)),
    Endpoint("accounts:logout", "POST", PUBLIC, lambda c: reverse("accounts:logout"), data=lambda c: {},
             allowed=Expect("ahtu_n24p", 302, location="/accounts/login/"),
             denied=(Expect("ahtu_n24p", 405, why="GET must not sign anybody out", ),),
             extra={"denied_method": "GET"}),
    Endpoint("accounts:verify", "GET", PAGE, lambda c: reverse("accounts:verify"),
             allowed=Expect("ahtu_n24p" + UNVERIFIED, 200, contains=('name="token"',)),
             denied=(Expect("outsider", 302, location="/accounts/two-factor/setup/",
                            why="no device enrolled: nothing to verify"),)),
    Endpoint("accounts:setup", "GET", PAGE, lambda c: reverse("accounts:setup"),
             allowed=Expect("outsider", 200, contains=("<svg",)),
             denied=(Expect("ahtu_n24p", 302, location="/accounts/verify/",
                            why="an enrolled account never gets a new secret shown"),)),
    Endpoint("accounts:sessions", "GET", PAGE, lambda c: reverse("accounts:sessions"),
             allowed=Expect("ahtu_n24p", 200, contains=("{session_id}",)),
             denied=(Expect("outsider", 200, absent=("{session_id}",), why="only one's own sessions"),
                     Expect("ahtu_kish", 200, absent=("{session_id}",)))),
    Endpoint("accounts:revoke_session", "POST", PAGE,
             lambda c: reverse("accounts:revoke_session", args=[c.session_id]), data=lambda c: {},
             allowed=Expect("ahtu_n24p", 302, location="/accounts/sessions/"),
             denied=(Expect("ahtu_kish", 404, why="somebody else's session is not found"),
                     Expect("outsider", 404))),
    # ---- cases (pages)
    Endpoint("cases:list", "GET", PAGE, lambda c: reverse("cases:list"),
             allowed=Expect("ahtu_n24p", 200, contains=("{case_ref}",)),
             denied=(Expect("ahtu_kish", 200, why="the list is filtered to scope"),
                     Expect("ngo_n24p", 200), Expect("researcher", 200), Expect("outsider", 200))),
    Endpoint("cases:create", "GET", PAGE, lambda c: reverse("cases:create"),
             allowed=Expect("ahtu_n24p", 200, contains=('name="title"',)),
             denied=(Expect("ngo_n24p", 404, why="no case.create"), Expect("researcher", 404),
                     Expect("outsider", 404))),
    Endpoint("cases:break_glass", "GET", PAGE, lambda c: reverse("cases:break_glass"),
             allowed=Expect("ahtu_kish", 200, contains=('name="reason"',)),
             denied=(Expect("ngo_n24p", 404, why="no access.break_glass"), Expect("researcher", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    Endpoint("cases:detail", "GET", PAGE, _case_url("cases:detail"),
             allowed=Expect("ahtu_n24p", 200, contains=("{case_ref}", "{victim_code}", "{note_body}"),
                            absent=("{victim_name}",)),
             denied=(*CASE_DENIED_404,
                     Expect("ngo_n24p", 404, why="NGO without a case-team or referral grant"),
                     Expect("researcher", 404), Expect("admin", 404), Expect("police_bongaon", 404),
                     Expect("ahtu_n24p" + UNVERIFIED, 302, location="/accounts/verify/",
                            why="second factor first"))),
    Endpoint("cases:edit", "GET", PAGE, _case_url("cases:edit"),
             allowed=Expect("ahtu_n24p", 200, contains=("{case_title}",)),
             denied=(*CASE_DENIED_404,
                     Expect("cwc_n24p", 403, why="visible to the CWC, but it may not edit"))),
    Endpoint("cases:status", "POST", PAGE, _case_url("cases:status"),
             data=lambda c: {"status": "investigating", "version": c.case.version},
             allowed=Expect("ahtu_n24p", 302, location="/cases/{case_id}/"),
             denied=(*CASE_DENIED_404, Expect("cwc_n24p", 403))),
    Endpoint("cases:add_party", "GET", PAGE, _case_url("cases:add_party"),
             allowed=Expect("ahtu_n24p", 200, contains=('name="name_native"',)),
             denied=(*CASE_DENIED_404, Expect("cwc_n24p", 403))),
    Endpoint("cases:add_note", "POST", PAGE, _case_url("cases:add_note"), data=lambda c: {"body": NEW_NOTE},
             allowed=Expect("ahtu_n24p", 302, location="/cases/{case_id}/"),
             denied=(*CASE_DENIED_404, Expect("cwc_n24p", 403, why="CWC has no case.add_note"))),
    Endpoint("cases:add_team_member", "POST", PAGE, _case_url("cases:add_team_member"),
             data=lambda c: {"username": "ngo.n24p"},
             allowed=Expect("head_n24p", 302, location="/cases/{case_id}/"),
             denied=(*CASE_DENIED_404, Expect("ahtu_n24p", 403, why="only the AHTU head manages the team"))),
    # ---- people
    Endpoint("people:detail", "GET", PAGE, _person_url("people:detail"),
             allowed=Expect("ahtu_n24p", 200, contains=("{victim_code}",), absent=("{victim_name}",)),
             denied=(*CASE_DENIED_404, Expect("researcher", 404), Expect("ngo_n24p", 404))),
    Endpoint("people:identity", "POST", PAGE, _person_url("people:identity"),
             data=lambda c: {"purpose": "endpoint table"},
             allowed=Expect("ahtu_n24p", 200, contains=("{victim_name}", "{victim_native}")),
             denied=(*CASE_DENIED_404, Expect("researcher", 404), Expect("admin", 404),
                     Expect("ngo_n24p", 404))),
    Endpoint("people:photo", "GET", PAGE, _person_url("people:photo"),
             setup=lambda c: c.add_photo(),
             allowed=Expect("ahtu_n24p", 200, contains=("endpoint-table-photo",)),
             denied=(*CASE_DENIED_404, Expect("researcher", 404))),
    Endpoint("people:erase", "POST", PAGE, _person_url("people:erase"),
             data=lambda c: {"reason": "survivor_request", "confirm": "on"},
             allowed=Expect("head_n24p", 302, location="/people/{victim_id}/"),
             denied=(*CASE_DENIED_404, Expect("ahtu_n24p", 403, why="sees identity, may not erase it"))),
    # ---- audit, stats
    Endpoint("audit:list", "GET", PAGE, lambda c: reverse("audit:list"),
             allowed=Expect("head_n24p", 200, contains=("case.open",)),
             denied=(Expect("ahtu_n24p", 404, why="no audit capability"), Expect("ahtu_kish", 404),
                     Expect("researcher", 404), Expect("outsider", 404))),
    Endpoint("stats:home", "GET", PAGE, lambda c: reverse("stats:home"),
             allowed=Expect("researcher", 200, contains=("&lt;5",)),
             denied=(Expect("police_bongaon", 404, why="no stats.view"), Expect("ngo_n24p", 404),
                     Expect("admin", 404), Expect("outsider", 404))),
    # ---- framework
    Endpoint("set_language", "POST", PUBLIC, lambda c: reverse("set_language"),
             data=lambda c: {"language": "hi", "next": "/cases/"},
             allowed=Expect(None, 302, location="/cases/"),
             denied=(Expect(None, 302, location="/$", why="an off-site next is refused (no open redirect)"),),
             extra={"denied_data": {"language": "hi", "next": "https://evil.example/"}}),
    Endpoint("schema", "GET", PUBLIC, lambda c: reverse("schema"),
             allowed=Expect(None, 200, contains=("/api/v1/cases/",)),
             denied=(Expect(None, 405, why="read-only"),), extra={"denied_method": "POST"}),
    Endpoint("api-docs", "GET", PUBLIC, lambda c: reverse("api-docs"),
             allowed=Expect(None, 200, contains=("swagger",)),
             denied=(Expect(None, 405, why="read-only"),), extra={"denied_method": "POST"}),
    # ---- admin (index and the four change lists; other admin views are in ALLOWLIST)
    _admin("admin:index", ("Users, agencies and places",)),
    _admin("admin:agencies_agency_changelist", ("AHTU-N24P",)),
    _admin("admin:accounts_user_changelist", ("ahtu.n24p",)),
    _admin("admin:agencies_membership_changelist", ("ahtu.n24p",)),
    _admin("admin:agencies_jurisdiction_changelist", ("IN-WB-N24P",), query="?q=N24P"),
    _admin("admin:tips_routingrule_changelist", ("Routing rules",)),
    _admin("admin:prosecution_lawsection_changelist", ("BNS-143",)),
    # ---- API (every check runs with a session client and with a token)
    Endpoint("api:cases", "GET", API, lambda c: reverse("api:cases"),
             allowed=Expect("ahtu_n24p", 200, contains=("{case_id}",)),
             denied=(Expect("ahtu_kish", 200, absent=("{case_id}",), why="list filtered to scope"),
                     Expect("researcher", 200, contains=('"count":0',)),
                     Expect("outsider", 200, contains=('"count":0',)))),
    Endpoint("api:cases", "POST", API, lambda c: reverse("api:cases"),
             data=lambda c: {"title": "Opened by the endpoint table", "kind": "other", "jurisdiction": "IN-WB-N24P",
                            "opened_on": c.case.opened_on.isoformat()},
             allowed=Expect("ahtu_n24p", 201, contains=("AHTU-N24P-",)),
             denied=(Expect("researcher", 403, why="no case.create (not a record, so 403)"),
                     Expect("ngo_n24p", 403), Expect("outsider", 403),
                     Expect("ahtu_kish", 400, why="place outside the own jurisdiction"))),
    Endpoint("api:case", "GET", API, _case_url("api:case"),
             allowed=Expect("ahtu_n24p", 200, contains=("{case_ref}", "{victim_code}"),
                            absent=("{victim_name}", "{victim_native}")),
             denied=(*CASE_DENIED_404, Expect("ngo_n24p", 404), Expect("researcher", 404),
                     Expect("admin", 404))),
    Endpoint("api:case", "PATCH", API, _case_url("api:case"),
             data=lambda c: {"version": c.case.version, "title": "Renamed by the endpoint table"},
             allowed=Expect("ahtu_n24p", 200, contains=("Renamed by the endpoint table",)),
             denied=(*CASE_DENIED_404, Expect("cwc_n24p", 403, why="visible, not editable"))),
    Endpoint("api:case_notes", "GET", API, _case_url("api:case_notes"),
             allowed=Expect("ahtu_n24p", 200, contains=("{note_body}",)),
             denied=(*CASE_DENIED_404, Expect("ngo_n24p", 404), Expect("researcher", 404))),
    Endpoint("api:case_notes", "POST", API, _case_url("api:case_notes"), data=lambda c: {"body": NEW_NOTE},
             allowed=Expect("ahtu_n24p", 201, contains=(NEW_NOTE,)),
             denied=(*CASE_DENIED_404, Expect("cwc_n24p", 403))),
    Endpoint("api:case_parties", "POST", API, _case_url("api:case_parties"),
             data=lambda c: {"role": "witness", "sex": "male", "name_latin": "Endpoint Witness"},
             allowed=Expect("ahtu_n24p", 201, contains=("WB-N24P-",), absent=("Endpoint Witness",)),
             denied=(*CASE_DENIED_404, Expect("cwc_n24p", 403))),
    Endpoint("api:person", "GET", API, _person_url("api:person"),
             allowed=Expect("ahtu_n24p", 200, contains=("{victim_code}",), absent=("{victim_name}",)),
             denied=(*CASE_DENIED_404, Expect("researcher", 404), Expect("ngo_n24p", 404))),
    Endpoint("api:stats", "GET", API, lambda c: reverse("api:stats"),
             allowed=Expect("researcher", 200, contains=('"total_cases"', "<5")),
             denied=(Expect("police_bongaon", 404, why="no stats.view"), Expect("outsider", 404))),
]

# Rows for the tips and intake apps live beside this file (same classes, same contract).
from .endpoints_care import ENDPOINTS as _CARE  # noqa: E402
from .endpoints_intake import ENDPOINTS as _INTAKE  # noqa: E402
from .endpoints_matching import ENDPOINTS as _MATCHING  # noqa: E402
from .endpoints_programmes import ENDPOINTS as _PROGRAMMES  # noqa: E402
from .endpoints_prosecution import ENDPOINTS as _PROSECUTION  # noqa: E402
from .endpoints_research import ENDPOINTS as _RESEARCH  # noqa: E402
from .endpoints_stats import ENDPOINTS as _STATS  # noqa: E402
from .endpoints_tips import ENDPOINTS as _TIPS  # noqa: E402
from .endpoints_tourism import ENDPOINTS as _TOURISM  # noqa: E402
from .endpoints_training import ENDPOINTS as _TRAINING  # noqa: E402

ENDPOINTS += (_TIPS + _INTAKE + _PROSECUTION + _CARE + _MATCHING + _PROGRAMMES + _STATS + _TRAINING + _TOURISM
              + _RESEARCH)

# Named URLs deliberately not in the table, each with the reason.
_ADMIN_MODEL_VIEW = "admin internals of a registered model; entry is gated by the same has_permission as the changelist"
ALLOWLIST: dict[str, str] = {
    "admin:login": "custom: anonymous -> accounts:login, signed in -> 404; no admin login form exists",
    "admin:logout": "admin internal; sign-out is accounts:logout",
    "admin:password_change": "admin internal, gated by has_permission like admin:index",
    "admin:password_change_done": "admin internal, gated by has_permission like admin:index",
    "admin:autocomplete": "admin internal (autocomplete of users/agencies/jurisdictions), gated by has_permission",
    "admin:jsi18n": "admin internal: the admin's JavaScript translation catalogue, no data",
    "admin:view_on_site": "admin internal: redirect to a registered object's get_absolute_url",
    "admin:app_list": "admin internal: per-app index, same content as admin:index",
    "admin:auth_user_password_change": "admin internal: UserAdmin's set-password form, gated by users.manage",
    **{f"admin:{model}_{view}": _ADMIN_MODEL_VIEW
       for model in ("accounts_user", "agencies_agency", "agencies_membership", "agencies_jurisdiction",
                     "tips_routingrule", "prosecution_lawsection")
       for view in ("add", "change", "delete", "history")},
}
# Unnamed patterns are allowed only inside the admin (its catch-all and object redirects).
UNNAMED_ALLOWED_NAMESPACES = {"admin"}


# --------------------------------------------------------------------------- running a row


def _border_tip():
    """An immediate tip from the Petrapole border sector (routed to AHTU N24P and BSF Petrapole)."""
    from safetynet.tips.services import TipInput, submit_tip

    tip, receipt, _created = submit_tip(actor=None, channel="web", data=TipInput(
        category="border", jurisdiction_code="IN-WB-N24P-PTRP", happening_now=True,
        description="Two girls in a white Bolero WB 26 K 4321, driver on +91 98300 55555.",
        reporter={"name": "Tea stall owner", "phone": "+91 98300 44444", "may_contact": True}))
    return tip, receipt


class Ctx:
    """The records a row's URL and expectations refer to."""

    def __init__(self, case, users):
        self.case = case
        self.victim = case.victim
        self.users = users
        self._session_id = None
        self.values = {
            "case_ref": case.reference, "case_id": str(case.public_id), "case_title": case.title,
            "victim_id": str(self.victim.public_id), "victim_code": self.victim.code,
            "victim_name": "Rahima Khatun", "victim_native": "রহিমা খাতুন",
            "note_body": "Victim statement recorded at Bongaon.",
            "survivor_name": SURVIVOR_NAME, "clinical_note": CLINICAL_NOTE,
        }
        self.tip, self.tip_receipt = _border_tip()
        self.values.update({"tip_ref": self.tip.reference, "tip_id": str(self.tip.public_id),
                            "tip_text": "Two girls in a white Bolero", "reporter_phone": "+91 98300 44444"})

    def add_tip_photo(self):
        import io

        from PIL import Image

        from safetynet.people import vault
        from safetynet.tips.models import TipPhoto

        out = io.BytesIO()
        Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="JPEG")
        photo = TipPhoto(tip=self.tip, content_type="image/jpeg", width=40, height=30, size=len(out.getvalue()))
        photo.content_enc = vault.encrypt(out.getvalue(), photo.context())
        photo.save()

    def tip_rescue(self):
        from safetynet.tips.services import convert_to_rescue

        if not hasattr(self, "_rescue"):
            self._rescue = convert_to_rescue(actor=self.users["ahtu_n24p"], tip=self.tip,
                                             expected_version=self.tip.version, reason="Verified by the BSF post.")
            self.tip.refresh_from_db()
        return self._rescue

    def legal(self):
        """The case's legal file: an FIR 120 days ago; A1 arrested 100 days ago with no charge sheet
        (overdue), A2 charge-sheeted and in court, one hearing. Made once per row."""
        if not hasattr(self, "_legal"):
            import datetime

            from django.utils import timezone

            from safetynet.agencies.models import Agency
            from safetynet.cases.models import CaseParty
            from safetynet.prosecution import services as legal

            officer, today = self.users["ahtu_n24p"], timezone.localdate()
            ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
            legal.record_fir(actor=officer, case=self.case, police_station=Agency.objects.get(short_code="PS-BONG"),
                             number="112/2026", registered_on=ago(120), section_codes=["BNS-143", "ITPA-5"])
            suspect = CaseParty.objects.get(case=self.case, role="suspect")
            a1 = legal.add_accused(actor=officer, case=self.case, party=suspect)
            a1 = legal.record_arrest(actor=officer, accused=a1, expected_version=a1.version, arrested_on=ago(100),
                                     custody="judicial")
            a2 = legal.add_accused(actor=officer, case=self.case)
            a2 = legal.record_arrest(actor=officer, accused=a2, expected_version=a2.version, arrested_on=ago(100),
                                     custody="bail")
            a2 = legal.file_police_report(actor=officer, accused=a2, expected_version=a2.version,
                                          report="charge_sheet", report_on=ago(20))
            court = legal.open_court_case(actor=officer, case=self.case, court="Special Court, Barasat",
                                          number="SC 45/2026", filed_on=ago(15))
            hearing = legal.record_hearing(actor=officer, court_case=court, held_on=ago(10), outcome="adjourned",
                                           adjourned_because="witness_absent", next_date=ago(3))
            a3 = legal.add_accused(actor=officer, case=self.case)  # named in the FIR, not yet arrested
            self._legal = {"a1": a1, "a2": a2, "a3": a3, "court": court, "hearing": hearing}
        return self._legal

    def suspect_vehicle(self):
        from safetynet.prosecution.services import add_to_suspect_record

        add_to_suspect_record(actor=self.users["ahtu_n24p"], party=self.legal()["a1"].party,
                              vehicles=["WB 74 AB 1234"], bank_accounts=[])

    def compensation(self):
        if not hasattr(self, "_compensation"):
            import datetime

            from django.utils import timezone

            from safetynet.prosecution.services import record_compensation

            self._compensation = record_compensation(
                actor=self.users["ahtu_n24p"], case=self.case, party=self.case.parties.get(role="victim"),
                applied_on=timezone.localdate() - datetime.timedelta(days=5))
        return self._compensation

    def protection_measure(self):
        if not hasattr(self, "_measure"):
            from django.utils import timezone

            from safetynet.prosecution.services import add_measure

            self._measure = add_measure(actor=self.users["ahtu_n24p"], case=self.case,
                                        party=self.case.parties.get(role="victim"), kind="escort",
                                        starts_on=timezone.localdate())
        return self._measure

    def prosecutor_on_team(self):
        from safetynet.cases.services import add_team_member

        add_team_member(actor=self.users["head_n24p"], case=self.case, user=self.users["prosecutor"])
        self.legal()

    def rescue_member(self):
        from safetynet.rescues.services import add_team_member

        return add_team_member(actor=self.users["ahtu_n24p"], rescue=self.tip_rescue(), kind="police",
                               woman=True, label="SI Rina Das")

    def child_production(self):
        """A child to produce before the CWC (made directly: only the production is under test)."""
        import datetime

        from django.utils import timezone

        from safetynet.rescues.models import ChildProduction

        rescued = timezone.now() - datetime.timedelta(hours=3)
        return ChildProduction.objects.create(rescue=self.tip_rescue(), person=self.victim, rescued_at=rescued,
                                              due_at=rescued + datetime.timedelta(hours=24))

    def tip_missing(self):
        from safetynet.tips.services import convert_to_missing

        if not hasattr(self, "_missing"):
            self._missing = convert_to_missing(actor=self.users["ahtu_n24p"], tip=self.tip,
                                               expected_version=self.tip.version)
            self.tip.refresh_from_db()
        return self._missing

    def other_tip(self):
        """A second open tip the border tip can be merged into."""
        from safetynet.tips.services import TipInput, submit_tip

        tip, _receipt, _created = submit_tip(actor=None, channel="web", data=TipInput(
            category="border", jurisdiction_code="IN-WB-N24P-PTRP", description="The same Bolero seen again."))
        return tip

    # ---- matching (endpoints_matching.py)

    def match_candidate(self):
        """A family's report (Rohima Khatoon, father Abdul Karim) and the case's victim, as a run
        would store the pair (made directly: only the review endpoints are under test)."""
        if not hasattr(self, "_candidate"):
            from safetynet.agencies.models import Jurisdiction
            from safetynet.matching.models import MatchCandidate
            from safetynet.missing.services import record_missing

            report = record_missing(actor=self.users["ahtu_n24p"], jurisdiction=Jurisdiction.objects.get(
                code="IN-WB-N24P"), source="family", name="Rohima Khatoon", sex="female", age=14,
                family={"father": "Abdul Karim"}, description="Left for work in Kolkata.")
            self._candidate = MatchCandidate.objects.create(
                report=report, person=self.victim, basis="investigation", match_weight=14.2, probability=0.99,
                fields={"name": 9.1, "father": 0.0, "sex": 0.7, "district": 2.3})
            self.values.update({"candidate_id": str(self._candidate.public_id),
                                "candidate_report": report.reference})
        return self._candidate

    # ---- survivor care (endpoints_care.py): every record made through care/services.py

    def registered(self):
        """A care record of NGO-N24P: a Bangladeshi girl (12-17) who came forward in North 24 Parganas
        three hours ago, registered by ngo_n24p. A child, so the district's CWC sees her and her 24-hour
        production clock runs. Not placed anywhere yet (``survivor()`` places her)."""
        if not hasattr(self, "_survivor"):
            import datetime

            from django.utils import timezone

            from safetynet.agencies.models import Jurisdiction
            from safetynet.care import services as care

            self._survivor = care.register_survivor(
                actor=self.users["ngo_n24p"], came_via="came_forward",
                jurisdiction=Jurisdiction.objects.get(code="IN-WB-N24P"), language="bn",
                profile=care.Profile(), sex="female", age_band="12-17", nationality="BD",
                identity={"name_latin": SURVIVOR_NAME}, now=timezone.now() - datetime.timedelta(hours=3))
            self.values.update({"survivor_id": str(self._survivor.public_id),
                                "survivor_code": self._survivor.person.code})
        return self._survivor

    def survivor(self):
        """``registered()``, placed by ngo_n24p in the Kolkata shelter SH-KOLK ten days ago, so the
        shelter's staff (shelter) and counsellor (counsellor) see the record too."""
        survivor = self.registered()
        if not hasattr(self, "_placement"):
            import datetime

            from django.utils import timezone

            from safetynet.care import services as care
            from safetynet.care.models import ShelterHome

            self._placement = care.place(
                actor=self.users["ngo_n24p"], survivor=survivor,
                shelter=ShelterHome.objects.get(agency__short_code="SH-KOLK"),
                started_on=timezone.localdate() - datetime.timedelta(days=10), reason="No safe place to stay.")
        return survivor

    def placement(self):
        self.survivor()
        return self._placement

    def care_consent(self, purpose: str = "services", agency=None):
        """Consent given by her guardian (she is a child), signed, yesterday."""
        import datetime

        from django.utils import timezone

        from safetynet.care import services as care

        return care.record_consent(actor=self.users["ngo_n24p"], survivor=self.survivor(), purpose=purpose,
                                   method="signed", language="bn", given_by="guardian", agency=agency,
                                   taken_on=timezone.localdate() - datetime.timedelta(days=1))

    def care_share(self):
        """The record shared, with consent, with the Barasat shelter SH-N24P."""
        if not hasattr(self, "_share"):
            from safetynet.agencies.models import Agency
            from safetynet.care import services as care

            barasat = Agency.objects.get(short_code="SH-N24P")
            self.care_consent("sharing", barasat)
            self._share = care.share_record(actor=self.users["ngo_n24p"], survivor=self.survivor(), agency=barasat)
        return self._share

    def care_plan(self):
        if not hasattr(self, "_plan"):
            from safetynet.care import services as care

            self._plan = care.create_plan(actor=self.users["ngo_n24p"], survivor=self.survivor(),
                                          review_every_days=90, goals=[("education", "Back to school", None)])
        return self._plan

    def repatriation_step(self):
        """The first step (nationality verified) of her repatriation to Bangladesh."""
        if not hasattr(self, "_step"):
            from safetynet.care import services as care

            rep = care.start_repatriation(actor=self.users["ngo_n24p"], survivor=self.survivor(), country="BD",
                                          border_post="Petrapole-Benapole")
            self._step = rep.steps.get(kind=1)
        return self._step

    def follow_up(self):
        if not hasattr(self, "_follow_up"):
            from django.utils import timezone

            from safetynet.care import services as care

            self._follow_up = care.add_follow_up(actor=self.users["ngo_n24p"], survivor=self.survivor(),
                                                 due_on=timezone.localdate())
        return self._follow_up

    def counsellor_assigned(self):
        """The shelter's counsellor (counsellor) assigned to her by the caseworker."""
        if not hasattr(self, "_counsellor"):
            from safetynet.care import services as care

            self._counsellor = care.assign(actor=self.users["ngo_n24p"], survivor=self.survivor(),
                                           user=self.users["counsellor"], kind="counsellor")
        return self._counsellor

    def clinical_note(self):
        """A counselling note by her assigned counsellor (``{clinical_note}``)."""
        if not hasattr(self, "_clinical_note"):
            from django.utils import timezone

            from safetynet.care import services as care

            self.counsellor_assigned()
            self._clinical_note = care.write_clinical_note(actor=self.users["counsellor"], survivor=self.survivor(),
                                                           body=CLINICAL_NOTE, written_on=timezone.localdate())
        return self._clinical_note

    @property
    def session_id(self):
        """A second signed-in session of ahtu.n24p (the one a revoke would end)."""
        if self._session_id is None:
            from safetynet.accounts.models import UserSession
            from safetynet.conftest import signed_in

            other = signed_in(self.users["ahtu_n24p"])
            self._session_id = str(UserSession.objects.get(session_key=other.session.session_key).public_id)
            self.values["session_id"] = self._session_id
        return self._session_id

    def fmt(self, text: str) -> str:
        if "{session_id}" in text:
            self.session_id  # noqa: B018 -- creates it
        return text.format(**self.values)

    def add_photo(self):
        from safetynet.people.models import PersonIdentity

        identity = PersonIdentity.objects.get(person=self.victim)
        identity.set_photo(PHOTO, "image/png")
        identity.save()


def _secrets(ctx: Ctx, exp: Expect) -> list[str]:
    """Nothing of the record may appear in a refusal. A counselling note is in no refused answer
    at all; the survivor's name is in none that refuses outright (some "denied" rows are a 200
    page that shows the record but must leave something out)."""
    secrets = [ctx.values[k] for k in ("case_ref", "case_title", "victim_name", "victim_native",
                                       "note_body", "tip_text", "reporter_phone", "clinical_note")]
    if exp.status != 200:
        # A 200 "denied" row shows a record the persona may see, less what it must not: the
        # CWC sees the victim's code on a match candidate, not who is in the report.
        secrets += [ctx.values["survivor_name"], ctx.values["victim_code"]]
    return [*secrets, "WB 74 AB 1234"]


def _client(persona: str | None, auth: str, users, client_for) -> Client:
    from rest_framework.authtoken.models import Token

    if persona is None:
        return Client()
    if persona.endswith(UNVERIFIED):
        client = Client()
        client.force_login(users[persona.removesuffix(UNVERIFIED)])
        return client
    if auth == "token":
        token, _ = Token.objects.get_or_create(user=users[persona])
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client_for(persona)


def _send(client: Client, kind: str, method: str, url: str, data, headers=None, content_type=None):
    """``headers`` and ``content_type`` (a raw body) come from a row's ``extra`` (machine endpoints)."""
    method, headers = method.lower(), headers or {}
    if kind == API and method != "get":
        return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json",
                                       headers=headers)
    if content_type and method != "get":
        return getattr(client, method)(url, data=data, content_type=content_type, headers=headers)
    if method == "get":
        return client.get(url, headers=headers)
    return getattr(client, method)(url, data=data or {}, headers=headers)


def _anonymous(ep: Endpoint) -> Expect | None:
    if ep.kind == PAGE:
        return Expect(None, 302, location="/accounts/login/", why="pages send anonymous visitors to sign in")
    if ep.kind == ADMIN:
        return Expect(None, 302, location="/admin/login/", absent=("ahtu.n24p", "AHTU-N24P"))
    if ep.kind == API:
        return Expect(None, 401, contains=("Authentication credentials were not provided",))
    return None


def _params():
    out = []
    for ep in ENDPOINTS:
        checks = [("allowed", ep.allowed), *[("denied", d) for d in ep.denied]]
        anonymous = _anonymous(ep)
        if anonymous:
            checks.append(("denied", anonymous))
        for label, exp in checks:
            auths = ["session"]
            if ep.kind == API and exp.persona is not None and not exp.persona.endswith(UNVERIFIED):
                auths.append("token")
            for auth in auths:
                who = exp.persona or "anonymous"
                out.append(pytest.param(ep, label, exp, auth, id=f"{ep.name}-{ep.method}-{label}-{who}-{auth}"))
    return out


@pytest.mark.parametrize(("ep", "label", "exp", "auth"), _params())
def test_endpoint(ep, label, exp, auth, n24p_case, users, client_for):
    ctx = Ctx(n24p_case, users)
    if ep.setup:
        ep.setup(ctx)
    url = ep.url(ctx)
    method, data = ep.method, (ep.data(ctx) if ep.data else None)
    headers = ep.extra.get("headers")
    if label == "denied":
        method = ep.extra.get("denied_method", method)
        data = ep.extra.get("denied_data", data)
        headers = ep.extra.get("denied_headers", headers)
    headers = headers(ctx) if callable(headers) else headers
    # Format before the request: some values (a second session) are records made for the row.
    target = ctx.fmt(exp.location)
    contains, absent = [ctx.fmt(t) for t in exp.contains], [ctx.fmt(t) for t in exp.absent]
    client = _client(exp.persona, auth, users, client_for)
    response = _send(client, ep.kind, method, url, data, headers, ep.extra.get("content_type"))
    body = response.content.decode(errors="replace")
    where = f"{method} {url} as {exp.persona or 'anonymous'} ({auth})"
    assert response.status_code == exp.status, f"{where}: {response.status_code} {body[:400]}"
    if target:
        actual = response["Location"]
        ok = actual == target[:-1] if target.endswith("$") else actual.startswith(target)
        assert ok, f"{where}: redirected to {actual}, expected {target}"
    for text in contains:
        assert text in body, f"{where}: {text!r} missing"
    for text in absent:
        assert text not in body, f"{where}: {text!r} shown"
    if label == "denied":
        leaked = [s for s in _secrets(ctx, exp) if s in body]
        assert not leaked, f"{where}: refusal shows {leaked}"


# --------------------------------------------------------------------------- the table is complete


def _walk(resolver, namespace=""):
    """(full name or None, namespace, pattern) for every URL pattern."""
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else None), namespace.rstrip(":"), p


def _url_names() -> set[str]:
    return {name for name, _ns, _p in _walk(get_resolver()) if name}


def test_every_url_name_is_in_the_table():
    covered = {ep.name for ep in ENDPOINTS}
    missing = sorted(_url_names() - covered - set(ALLOWLIST))
    assert not missing, (
        f"URL names without an allowed/denied row in {__name__}.ENDPOINTS (or a reasoned ALLOWLIST entry): "
        f"{missing}")


def test_table_and_allowlist_name_only_existing_urls():
    names = _url_names()
    stale = sorted(({ep.name for ep in ENDPOINTS} | set(ALLOWLIST)) - names)
    assert not stale, f"rows for URL names that no longer exist: {stale}"
    assert not {ep.name for ep in ENDPOINTS} & set(ALLOWLIST), "a name is both tested and allowlisted"
    assert all(reason.strip() for reason in ALLOWLIST.values())


def test_no_unnamed_url_outside_the_admin():
    unnamed = [str(p.pattern) for name, ns, p in _walk(get_resolver())
               if name is None and ns.split(":")[0] not in UNNAMED_ALLOWED_NAMESPACES]
    assert not unnamed, f"unnamed URL patterns cannot be checked by name: {unnamed}"


def test_every_row_refuses_somebody_and_pages_refuse_the_outsider():
    for ep in ENDPOINTS:
        assert ep.denied, f"{ep.name} {ep.method} has no denied assertion"
        personas = {d.persona for d in ep.denied}
        if ep.kind in (PAGE, API, ADMIN) and ep.name != "accounts:setup":  # setup: the outsider is allowed
            assert "outsider" in personas, f"{ep.name} {ep.method}: no check for a signed-in user without membership"


def test_every_api_method_is_in_the_table():
    """Each HTTP method an API view implements has its own row (GET and POST on /cases/ are two rows)."""
    rows = {(ep.name, ep.method) for ep in ENDPOINTS if ep.kind == API}
    for name, _ns, pattern in _walk(get_resolver()):
        if not (name or "").startswith("api:"):
            continue
        view = pattern.callback.view_class
        implemented = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
        missing = {(name, m) for m in implemented} - rows
        assert not missing, f"API methods without a row: {sorted(missing)}"


# --------------------------------------------------------------------------- API details


def test_anonymous_api_gets_401_with_token_challenge(n24p_case):
    """DRF answers 401 (not 403) because TokenAuthentication, first in the list, sends a challenge."""
    for url in (reverse("api:cases"), reverse("api:case", args=[n24p_case.public_id]), reverse("api:stats")):
        response = Client().get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


def test_bad_or_unknown_token_is_401(n24p_case):
    for header in ("Token not-a-real-token", "Token ", "Bearer abc"):
        response = Client(HTTP_AUTHORIZATION=header).get(reverse("api:case", args=[n24p_case.public_id]))
        assert response.status_code == 401, header
        assert n24p_case.reference not in response.content.decode()


def test_session_without_second_factor_is_401_on_the_api(n24p_case, users):
    client = Client()
    client.force_login(users["ahtu_n24p"])
    response = client.get(reverse("api:case", args=[n24p_case.public_id]))
    assert response.status_code == 401
    assert n24p_case.reference not in response.content.decode()


def test_token_of_inactive_user_is_refused(n24p_case, users):
    from rest_framework.authtoken.models import Token

    from safetynet.accounts.models import User

    token = Token.objects.create(user=users["ahtu_n24p"])
    User.objects.filter(pk=users["ahtu_n24p"].pk).update(is_active=False)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(reverse("api:case", args=[n24p_case.public_id]))
    assert response.status_code == 401


def test_care_export_is_a_download_never_cached(n24p_case, users, client_for):
    """The survivor's copy of her record (care:export) is an attachment and is not kept by a browser cache."""
    ctx = Ctx(n24p_case, users)
    survivor = ctx.survivor()
    response = client_for("ngo_n24p").post(reverse("care:export", args=[survivor.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"] == f'attachment; filename="record-{survivor.person.code}.html"'
    assert "no-store" in response["Cache-Control"]
    assert SURVIVOR_NAME in response.content.decode()


def test_kishanganj_case_is_refused_the_other_way_round(kish_case, client_for, users):
    """The table uses a North 24 Parganas case; the mirror image holds too."""
    for persona in ("ahtu_n24p", "head_n24p", "ngo_n24p", "cwc_n24p"):
        assert client_for(persona).get(reverse("cases:detail", args=[kish_case.public_id])).status_code == 404
        assert client_for(persona).get(reverse("api:case", args=[kish_case.public_id])).status_code == 404
    assert client_for("ahtu_kish").get(reverse("cases:detail", args=[kish_case.public_id])).status_code == 200
