"""Scope: which records a user's memberships and grants reach, per action.

Every list, search, export and API queryset of a sensitive model starts from
``Model.objects.visible_to(user, action)``, which lands here. The rules are in
``policy.py``; this module only turns them into one SQL filter per model.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from . import policy


def active_memberships(user) -> list:
    """The user's active memberships (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_safetynet_memberships", None)
    if cached is None:
        from safetynet.agencies.models import Membership

        cached = list(
            Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
            .select_related("agency", "agency__jurisdiction")
        )
        user._safetynet_memberships = cached
    return cached


def memberships_with(user, capability: str) -> list:
    return [m for m in active_memberships(user) if policy.role_has(m.role, capability)]


def capabilities(user) -> set[str]:
    caps: set[str] = set()
    for m in active_memberships(user):
        caps |= policy.MATRIX.get(m.role, frozenset())
    return caps


def has_capability(user, capability: str) -> bool:
    return capability in capabilities(user)


def _case_q(user, memberships: list) -> Q:
    q = Q(pk__in=[])
    grantable = False
    for m in memberships:
        scope = policy.SCOPE.get(m.role, "none")
        if scope == "jurisdiction":
            q |= Q(jurisdiction__path__startswith=m.agency.jurisdiction.path)
        elif scope == "agency":
            q |= Q(owning_agency_id=m.agency_id)
        grantable = grantable or m.role in policy.GRANTABLE_ROLES
    if grantable:
        from .models import AccessGrant

        q |= Q(pk__in=AccessGrant.objects.active().filter(user=user).values("case_id"))
    return q


def cases_visible_to(qs: QuerySet, user, action: str = "case.view") -> QuerySet:
    memberships = memberships_with(user, action)
    if not memberships:
        return qs.none()
    return qs.filter(_case_q(user, memberships))


def persons_visible_to(qs: QuerySet, user, action: str = "person.view") -> QuerySet:
    """A person is reached through a case the user may see, or through the agency or
    jurisdiction that registered them — with the memberships that hold ``action``."""
    memberships = memberships_with(user, action)
    if not memberships:
        return qs.none()
    from safetynet.cases.models import Case, CaseParty

    limited_action = action in policy.IDENTITY_CAPS
    q = Q(pk__in=[])
    for m in memberships:
        scope = policy.SCOPE.get(m.role, "none")
        if scope == "jurisdiction":
            direct = Q(jurisdiction__path__startswith=m.agency.jurisdiction.path)
        elif scope == "agency":
            direct = Q(registering_agency_id=m.agency_id)
        else:
            continue
        allowed = policy.IDENTITY_PARTY_ROLES.get(m.role) if limited_action else None
        if allowed is not None:
            # The same limit as through cases: a care role registered in the area does not
            # thereby learn who the suspects and witnesses are.
            direct &= ~Q(Exists(CaseParty.objects.filter(person_id=OuterRef("pk")).exclude(role__in=allowed)))
        q |= direct & _age_limit(m.role, limited_action)
    # Through cases: identity actions may be limited to some party roles (policy.IDENTITY_PARTY_ROLES).
    groups: dict[tuple, list] = {}
    for m in memberships:
        allowed = policy.IDENTITY_PARTY_ROLES.get(m.role) if limited_action else None
        ages = policy.IDENTITY_AGE_BANDS.get(m.role) if limited_action else None
        groups.setdefault((allowed, ages), []).append(m)
    for (allowed, ages), group in groups.items():
        parties = CaseParty.objects.filter(case__in=Case.objects.filter(_case_q(user, group)))
        if allowed is not None:
            parties = parties.filter(role__in=allowed)
        if ages is not None:
            parties = parties.filter(person__age_band__in=ages)
        # EXISTS, not IN: on PostgreSQL a large "pk IN (subquery)" OR-ed with another condition
        # becomes a per-row subplan once it no longer fits work_mem (a million persons took
        # minutes); a correlated EXISTS probes the (person_id) index per row instead.
        q |= Q(Exists(parties.filter(person_id=OuterRef("pk"))))
    # Through care: a shelter or a sharing agency learns who the survivors it serves are.
    carers = [m for m in memberships if policy.role_has(m.role, policy.Cap.CARE_VIEW)]
    if carers:
        from safetynet.care.models import Survivor

        for m in carers:  # one at a time: each role keeps its own age limit (the CWC: children)
            survivors = Survivor.objects.filter(_survivor_q(user, [m], action), person_id=OuterRef("pk"))
            q |= Q(Exists(survivors)) & _age_limit(m.role, limited_action)
    return qs.filter(q)


CHILD_OR_UNKNOWN = ("0-11", "12-17", "unknown")


# Sharing a care record lets the other agency see it, not change it.
SHARE_ACTIONS = frozenset({policy.Cap.CARE_VIEW, policy.Cap.PERSON_VIEW, policy.Cap.IDENTITY_VIEW})


def _survivor_q(user, memberships: list, action: str) -> Q:
    import datetime

    from django.utils import timezone

    from safetynet.care.models import CareAssignment, CareShare, Consent, CWCOrder, Placement

    q = Q(pk__in=[])
    agency_ids = []
    for m in memberships:
        scope = policy.SCOPE.get(m.role, "none")
        if scope == "jurisdiction":
            # The district's CWC: the children (and those whose age is not yet determined) of
            # its area, and anyone it has made an order for.
            q |= Q(jurisdiction__path__startswith=m.agency.jurisdiction.path,
                   person__age_band__in=CHILD_OR_UNKNOWN)
            q |= Q(pk__in=CWCOrder.objects.filter(cwc_id=m.agency_id).values("survivor_id"))
        elif scope == "agency":
            agency_ids.append(m.agency_id)
    if agency_ids:
        q |= Q(owning_agency_id__in=agency_ids)
        q |= Q(pk__in=Placement.objects.filter(shelter__agency_id__in=agency_ids, ended_on=None)
               .values("survivor_id"))
        if action in SHARE_ACTIONS:
            # A share resting on consent lasts as long as a valid consent to share with that
            # agency does: it lapses on the consent's end date without anyone ending it.
            today: datetime.date = timezone.localdate()
            valid_consent = Consent.objects.filter(
                Q(expires_on=None) | Q(expires_on__gte=today), survivor_id=OuterRef("survivor_id"),
                agency_id=OuterRef("agency_id"), purpose="sharing", taken_on__lte=today, withdrawn_on=None)
            shares = CareShare.objects.filter(~Q(basis="consent") | Q(Exists(valid_consent)),
                                              agency_id__in=agency_ids, ended_on=None)
            q |= Q(pk__in=shares.values("survivor_id"))
        q |= Q(pk__in=CareAssignment.objects.filter(user_id=user.pk, active=True).values("survivor_id"))
    return q


def survivors_visible_to(qs: QuerySet, user, action: str = "care.view") -> QuerySet:
    """Care records: the NGO that runs the record, the shelter where the survivor lives now,
    agencies the survivor agreed to share with (or a CWC order or an audited override named),
    the users assigned to the survivor, and the district's CWC for children."""
    memberships = memberships_with(user, action)
    if not memberships:
        return qs.none()
    return qs.filter(_survivor_q(user, memberships, action))


def _age_limit(role: str, limited_action: bool) -> Q:
    ages = policy.IDENTITY_AGE_BANDS.get(role) if limited_action else None
    return Q(age_band__in=ages) if ages is not None else Q()


def agency_records_visible_to(qs: QuerySet, user, action: str) -> QuerySet:
    """Records with an owning agency and a place (rescue operations, missing-person reports):
    the owning agency's members, and jurisdiction roles for every record of their area."""
    memberships = memberships_with(user, action)
    if not memberships:
        return qs.none()
    q = Q(pk__in=[])
    for m in memberships:
        scope = policy.SCOPE.get(m.role, "none")
        if scope == "jurisdiction":
            q |= Q(jurisdiction__path__startswith=m.agency.jurisdiction.path)
        elif scope == "agency":
            q |= Q(owning_agency_id=m.agency_id)
    return qs.filter(q)


def tips_visible_to(qs: QuerySet, user, action: str = "tip.triage") -> QuerySet:
    """Triage: tips routed to the member's agency, and for jurisdiction roles (AHTU) every tip
    from their area. A reporter (``tip.submit``) sees the tips they sent, for their status."""
    if action == policy.Cap.TIP_SUBMIT:
        return qs.filter(submitted_by=user) if memberships_with(user, action) else qs.none()
    memberships = memberships_with(user, action)
    if not memberships:
        return qs.none()
    from safetynet.tips.models import TipRouting

    q = Q(pk__in=[])
    for m in memberships:
        q |= Q(pk__in=TipRouting.objects.filter(agency_id=m.agency_id).values("tip_id"))
        if policy.SCOPE.get(m.role) == "jurisdiction":
            q |= Q(jurisdiction__path__startswith=m.agency.jurisdiction.path)
    # A tip still in the intake queue has no reference or routing yet: triage starts once it is
    # filed (normally within a second; services.file_tips).
    return qs.filter(q, filed_at__isnull=False)


def legal_visible_to(qs: QuerySet, user, action: str = "legal.view", case_path: str = "case") -> QuerySet:
    """The legal file (FIRs, accused, court cases, hearings) is visible exactly as far as its
    case is, for the memberships holding ``action``."""
    from safetynet.cases.models import Case

    if not memberships_with(user, action):
        return qs.none()
    return qs.filter(**{f"{case_path}__in": cases_visible_to(Case.objects.all(), user, action).values("pk")})


def audit_visible_to(qs: QuerySet, user) -> QuerySet:
    if has_capability(user, policy.Cap.AUDIT_VIEW_ALL):
        return qs
    agency_ids = [m.agency_id for m in memberships_with(user, policy.Cap.AUDIT_VIEW_AGENCY)]
    return qs.filter(agency_id__in=agency_ids) if agency_ids else qs.none()


def aggregates_visible_to(qs: QuerySet, user) -> QuerySet:
    """Rows that may be *counted* (never listed) for someone with stats.view: every agency's.

    Only safetynet/stats/services.py uses this, and it returns counts, never rows: that is
    what lets a researcher see national figures while seeing no record at all.
    """
    return qs if has_capability(user, policy.Cap.STATS_VIEW) else qs.none()
