"""THE capability matrix: who may do what. One table, reviewed as one table.

A change here changes what every page, API endpoint and export lets people do, so it is
reviewed by the security lead (see SECURITY.md). Three things decide access to a record:

1. the **capability**: may this role ever do this action? (``MATRIX`` below)
2. the **scope**: which records? (``SCOPE`` below, applied in ``access/querysets.py``)
   - ``jurisdiction``: records of the agency's jurisdiction and everything under it
   - ``agency``: records the agency owns
   - ``none``: no individual records at all (aggregates only, or administration only)
3. **explicit grants** on one case (``access.models.AccessGrant``): case team, accepted
   referral, and break-glass with a written reason that expires.

Django's ``is_superuser`` grants nothing here: a system administrator manages users and
agencies but holds no capability that reads a victim's identity.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNITY_REPORTER = "community_reporter", _("Community reporter / vigilance member")
    AHTU_OFFICER = "ahtu_officer", _("AHTU officer")
    AHTU_HEAD = "ahtu_head", _("AHTU head")
    POLICE_OFFICER = "police_officer", _("Police station officer")
    BORDER_OFFICER = "border_officer", _("Border-force officer")
    NGO_CASEWORKER = "ngo_caseworker", _("NGO caseworker")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    COUNSELLOR = "counsellor", _("Counsellor")
    CWC_MEMBER = "cwc_member", _("CWC member")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    ME_OFFICER = "me_officer", _("Programme M&E officer")
    RESEARCHER = "researcher", _("Researcher")
    SYSADMIN = "sysadmin", _("System administrator")


class Cap(models.TextChoices):
    CASE_VIEW = "case.view", _("See cases")
    CASE_CREATE = "case.create", _("Open cases")
    CASE_EDIT = "case.edit", _("Edit cases and their status")
    CASE_ADD_PARTY = "case.add_party", _("Add victims, suspects and witnesses")
    CASE_ADD_NOTE = "case.add_note", _("Write case notes")
    CASE_MANAGE_TEAM = "case.manage_team", _("Manage the case team")
    PERSON_VIEW = "person.view", _("See pseudonymous person records")
    IDENTITY_VIEW = "identity.view", _("See names, phones, addresses, ID numbers, photos")
    IDENTITY_EDIT = "identity.edit", _("Record identity details")
    IDENTITY_ERASE = "identity.erase", _("Erase an identity on request")
    BREAK_GLASS = "access.break_glass", _("Emergency access to a case outside scope (audited)")
    STATS_VIEW = "stats.view", _("See aggregate counts")
    AUDIT_VIEW_AGENCY = "audit.view_agency", _("See the audit trail of own agency")
    AUDIT_VIEW_ALL = "audit.view_all", _("See the whole audit trail")
    USERS_MANAGE = "users.manage", _("Manage users and memberships")
    AGENCIES_MANAGE = "agencies.manage", _("Manage agencies and jurisdictions")
    RESCUE_VIEW = "rescue.view", _("See rescue operations")
    RESCUE_REQUEST = "rescue.request", _("Request a rescue operation")
    RESCUE_PLAN = "rescue.plan", _("Plan rescue operations, their team and outcome (on the team)")
    MISSING_VIEW = "missing.view", _("See missing-person reports")
    MISSING_CREATE = "missing.create", _("Record missing-person reports")
    TIP_SUBMIT = "tip.submit", _("Submit community reports")
    TIP_TRIAGE = "tip.triage", _("Triage community reports routed to the agency")
    TIP_VIEW_REPORTER = "tip.view_reporter", _("See who reported a tip and how to reach them")
    INTAKE_MANAGE = "intake.manage", _("Manage intake channels and refused submissions")
    LEGAL_VIEW = "legal.view", _("See FIRs, the accused, charge sheets and court hearings")
    LEGAL_EDIT = "legal.edit", _("Record FIRs, arrests and police reports")
    COURT_EDIT = "court.edit", _("Record court cases, hearings, witness attendance and verdicts")
    PROTECTION_EDIT = "protection.edit", _("Assess risk to victims and witnesses and record their protection")
    CARE_VIEW = "care.view", _("See survivors' care records (not counselling notes)")
    CARE_EDIT = "care.edit", _("Register survivors; record consent, care plans, home studies, repatriation, follow-ups")
    CARE_SERVICE = "care.service", _("Record services delivered to a survivor")
    SHELTER_MANAGE = "shelter.manage", _("Place survivors in shelters, transfer them and record their exit")
    CLINICAL_NOTES = "care.clinical", _("Write and read counselling notes of the survivors one counsels")
    CWC_DECIDE = "cwc.decide", _("Record CWC productions and orders for children")
    LINK_FILES = "matching.link_files", _("Link or de-duplicate one's own spreadsheets of people (names stay "
                                          "with their uploader)")
    PROGRAMME_RECORD = "programme.record", _("Record prevention and training programme data (counts, no names)")
    TRAINING_MANAGE = "training.manage", _("Record trainees by name, their attendance and certificates; publish "
                                           "knowledge products")
    TOURISM_MANAGE = "tourism.manage", _("Keep the tourism Code of Conduct register: signatories, focal points, "
                                         "reviews")
    RESEARCH_DATA = "research.data", _("Download de-identified research data and reference datasets")


C = Cap
_INVESTIGATOR = {
    C.CASE_VIEW, C.CASE_CREATE, C.CASE_EDIT, C.CASE_ADD_PARTY, C.CASE_ADD_NOTE,
    C.PERSON_VIEW, C.IDENTITY_VIEW, C.IDENTITY_EDIT, C.STATS_VIEW,
    C.RESCUE_VIEW, C.RESCUE_REQUEST, C.RESCUE_PLAN, C.MISSING_VIEW, C.MISSING_CREATE,
}

# The legal file: police investigate (FIR, arrest, charge sheet); the prosecutor and the AHTU
# keep the court record. Care roles serve survivors, not investigations: they see none of it.
_LEGAL_POLICE = {C.LEGAL_VIEW, C.LEGAL_EDIT, C.PROTECTION_EDIT}
_LEGAL_COURT = {C.LEGAL_VIEW, C.COURT_EDIT, C.PROTECTION_EDIT}

# Tips: the agencies a tip is routed to triage it; the reporter's contact is identity data.
_TRIAGE = {C.TIP_TRIAGE, C.TIP_VIEW_REPORTER}

# Survivor care: the NGO caseworker runs the record; the shelter places and serves; the
# counsellor alone writes (and reads) counselling notes; the CWC decides for children.
_CARE_CASEWORKER = {C.CARE_VIEW, C.CARE_EDIT, C.CARE_SERVICE, C.SHELTER_MANAGE, C.IDENTITY_EDIT, C.IDENTITY_ERASE}

# role -> capabilities. Read across a row: everything that role can ever do.
MATRIX: dict[str, frozenset[str]] = {
    Role.COMMUNITY_REPORTER: frozenset({C.TIP_SUBMIT}),
    Role.AHTU_OFFICER: frozenset(_INVESTIGATOR | _TRIAGE | _LEGAL_POLICE | _LEGAL_COURT | {C.BREAK_GLASS}),
    Role.AHTU_HEAD: frozenset(
        _INVESTIGATOR | _TRIAGE | _LEGAL_POLICE | _LEGAL_COURT
        | {C.BREAK_GLASS, C.CASE_MANAGE_TEAM, C.AUDIT_VIEW_AGENCY, C.IDENTITY_ERASE}
    ),
    Role.POLICE_OFFICER: frozenset((_INVESTIGATOR - {C.STATS_VIEW}) | _TRIAGE | _LEGAL_POLICE),
    Role.BORDER_OFFICER: frozenset(
        {C.CASE_VIEW, C.CASE_CREATE, C.CASE_ADD_PARTY, C.CASE_ADD_NOTE, C.PERSON_VIEW, C.IDENTITY_VIEW,
         C.IDENTITY_EDIT, C.RESCUE_VIEW, C.MISSING_VIEW} | _TRIAGE
    ),
    Role.NGO_CASEWORKER: frozenset(
        {C.CASE_VIEW, C.CASE_ADD_NOTE, C.PERSON_VIEW, C.IDENTITY_VIEW, C.LINK_FILES, C.PROGRAMME_RECORD,
         C.TRAINING_MANAGE, C.TOURISM_MANAGE}
        | _CARE_CASEWORKER),
    Role.SHELTER_STAFF: frozenset({C.PERSON_VIEW, C.IDENTITY_VIEW, C.CARE_VIEW, C.CARE_SERVICE, C.SHELTER_MANAGE}),
    Role.COUNSELLOR: frozenset({C.PERSON_VIEW, C.IDENTITY_VIEW, C.CARE_VIEW, C.CARE_SERVICE, C.CLINICAL_NOTES}),
    Role.CWC_MEMBER: frozenset({C.CASE_VIEW, C.PERSON_VIEW, C.IDENTITY_VIEW, C.CARE_VIEW, C.CWC_DECIDE}),
    Role.PROSECUTOR: frozenset({C.CASE_VIEW, C.CASE_ADD_NOTE, C.PERSON_VIEW, C.IDENTITY_VIEW} | _LEGAL_COURT),
    # Linking files reads no record of the platform: the uploader's own spreadsheets only, the
    # result downloadable by the uploader alone (matching/linkfiles.py). Researchers get no
    # names at all, so not this either.
    # Programme records are counts (committees, events, people reached, trained): no person in them.
    # Trainees (police, teachers, hotel staff) and tourism focal points are named professionals,
    # not victims: their names are kept by the programme, never in the vault of identities.
    Role.ME_OFFICER: frozenset({C.STATS_VIEW, C.LINK_FILES, C.PROGRAMME_RECORD, C.TRAINING_MANAGE,
                                C.TOURISM_MANAGE}),
    # Researchers see aggregates and de-identified, k-anonymous data only: nothing else.
    Role.RESEARCHER: frozenset({C.STATS_VIEW, C.RESEARCH_DATA}),
    Role.SYSADMIN: frozenset({C.USERS_MANAGE, C.AGENCIES_MANAGE, C.AUDIT_VIEW_ALL, C.INTAKE_MANAGE}),
}

# role -> which individual records its capabilities reach (before explicit grants).
SCOPE: dict[str, str] = {
    Role.COMMUNITY_REPORTER: "none",
    Role.AHTU_OFFICER: "jurisdiction",
    Role.AHTU_HEAD: "jurisdiction",
    Role.POLICE_OFFICER: "agency",
    Role.BORDER_OFFICER: "agency",
    Role.NGO_CASEWORKER: "agency",
    Role.SHELTER_STAFF: "agency",
    Role.COUNSELLOR: "agency",
    Role.CWC_MEMBER: "jurisdiction",
    Role.PROSECUTOR: "agency",
    Role.ME_OFFICER: "none",
    Role.RESEARCHER: "none",
    Role.SYSADMIN: "none",
}

# Through a case, some roles may learn who only some of its people are: care workers serve
# survivors, not investigations, so a case-team NGO caseworker sees the victim's name but
# not the suspect's or the witness's. Roles not listed reach every party of a visible case.
IDENTITY_PARTY_ROLES: dict[str, frozenset[str]] = {
    Role.NGO_CASEWORKER: frozenset({"victim"}),
    Role.SHELTER_STAFF: frozenset({"victim"}),
    Role.COUNSELLOR: frozenset({"victim"}),
    Role.CWC_MEMBER: frozenset({"victim"}),
}

# Some roles serve only children: a Child Welfare Committee decides on children in need of
# care and protection (JJ Act 2015), so its members may learn who a person is only when the
# person is (or may be: age not yet determined, which is the CWC's own task) a child.
IDENTITY_AGE_BANDS: dict[str, frozenset[str]] = {
    Role.CWC_MEMBER: frozenset({"0-11", "12-17", "unknown"}),
}

# Capabilities that reveal identity data: every role holding one must sign in with 2FA.
IDENTITY_CAPS = frozenset({C.IDENTITY_VIEW, C.IDENTITY_EDIT, C.IDENTITY_ERASE, C.TIP_VIEW_REPORTER})
# Roles whose scope is "none" never receive record access through a grant either.
GRANTABLE_ROLES = frozenset(r for r, s in SCOPE.items() if s != "none")


def role_has(role: str, capability: str) -> bool:
    return capability in MATRIX.get(role, frozenset())


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(r for r, caps in MATRIX.items() if capability in caps)


def requires_two_factor(roles: set[str]) -> bool:
    """Every role that can see identities, and every administrator, must use TOTP."""
    return any(MATRIX.get(r, frozenset()) & (IDENTITY_CAPS | {C.USERS_MANAGE}) for r in roles)
