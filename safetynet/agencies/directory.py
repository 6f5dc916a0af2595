"""Who to tell: the agencies whose area covers a place, and their members who act on something.

Rescues (the CWC hears at once that the 24 hours have started) and survivor care (the CWC and
the AHTU hear of a child registered in their district) both ask this; one answer for both.
"""

from __future__ import annotations

from safetynet.access import policy

from .models import Agency, Membership


def agencies_covering(jurisdiction, agency_type: str) -> list[int]:
    """Active agencies of a type whose area contains ``jurisdiction`` (the district's CWC, its AHTU)."""
    path = jurisdiction.path
    return [a.pk for a in Agency.objects.filter(agency_type=agency_type, is_active=True)
            .select_related("jurisdiction") if path.startswith(a.jurisdiction.path)]


def members_holding(agency_ids, capability: str) -> list:
    """Active users with an active membership in one of the agencies, in a role that holds ``capability``."""
    from safetynet.accounts.models import User

    roles = policy.roles_with(capability)
    return list(User.objects.filter(is_active=True, pk__in=Membership.objects.filter(
        agency_id__in=agency_ids, role__in=roles, is_active=True).values("user_id")))
