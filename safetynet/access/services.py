"""Writes to access grants outside case teams: break-glass and accepted referrals."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.audit.services import record
from safetynet.core.services import acting_membership

from . import policy
from .models import AccessGrant

MIN_REASON = 20


def break_glass(*, actor, case_reference: str, reason: str) -> AccessGrant:
    """Emergency access to a case outside the actor's scope, for a few hours.

    The written reason goes into the audit trail of the case's owning agency, where its
    AHTU head reviews it; the grant expires on its own.
    """
    from safetynet.cases.models import Case

    membership = acting_membership(actor, policy.Cap.BREAK_GLASS)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(_("Write why you need this case now (at least %(n)s characters).") % {"n": MIN_REASON})
    # Deliberately not visible_to(): break-glass exists to reach a case outside scope.
    case = Case.objects.filter(reference=(case_reference or "").strip().upper()).first()
    if case is None:
        raise ValidationError(_("No case has that reference."))
    expires_at = timezone.now() + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS)
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            user=actor, case=case, kind=AccessGrant.Kind.BREAK_GLASS, reason=reason, granted_by=actor,
            expires_at=expires_at,
        )
        record(actor=actor, action="access.break_glass", obj=case, agency=case.owning_agency,
               changes={"reason": reason, "from_agency": membership.agency.short_code,
                        "expires_at": expires_at.isoformat()})
    return grant


def grant_referral(*, actor, case, user) -> AccessGrant:
    """An accepted referral lets the receiving agency's user work on the case."""
    from django.core.exceptions import PermissionDenied

    from safetynet.cases.models import Case

    acting_membership(actor, policy.Cap.CASE_EDIT)
    if not Case.objects.visible_to(actor, policy.Cap.CASE_EDIT).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Your role does not allow this on this case."))
    with transaction.atomic():
        grant = AccessGrant.objects.create(user=user, case=case, kind=AccessGrant.Kind.REFERRAL, granted_by=actor)
        record(actor=actor, action="access.referral", obj=case, agency=case.owning_agency,
               changes={"user": user.get_username()})
    return grant
