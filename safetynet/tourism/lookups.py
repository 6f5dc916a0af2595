"""Reads of one register record: 404 for a record that does not exist and for one the user
may not see (another agency's register), never 403."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from safetynet.access import policy

from .models import FocalPoint, Signatory


def get_signatory_for(user, public_id, *, with_standing: bool = False) -> Signatory:
    qs = Signatory.objects.visible_to(user, policy.Cap.TOURISM_MANAGE).select_related("jurisdiction",
                                                                                       "owning_agency")
    if with_standing:
        qs = qs.with_standing()
    signatory = qs.filter(public_id=public_id).first()
    if signatory is None:
        raise Http404(_("No such signatory."))
    return signatory


def get_focal_point_for(user, public_id) -> FocalPoint:
    visible = Signatory.objects.visible_to(user, policy.Cap.TOURISM_MANAGE)
    point = FocalPoint.objects.select_related("signatory").filter(public_id=public_id,
                                                                   signatory__in=visible).first()
    if point is None:
        raise Http404(_("No such focal point."))
    return point
