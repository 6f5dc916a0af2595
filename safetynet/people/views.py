from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.lookups import can_view_identity, get_identity_for, get_person_for, get_photo_for
from safetynet.cases.models import Case

from . import services
from .forms import EraseForm


def _context(request, person, **extra):
    cases = Case.objects.visible_to(request.user).filter(parties__person=person).distinct()
    roles = {p.case_id: p.get_role_display() for p in person.case_parties.filter(case__in=cases)}
    context = {
        "person": person,
        "cases": [(c, roles.get(c.pk, "")) for c in cases],
        "can_view_identity": can_view_identity(request.user, person),
        "can_erase": _person_allows(request.user, person, policy.Cap.IDENTITY_ERASE),
        "erase_form": EraseForm(),
    }
    context.update(extra)
    return context


def _person_allows(user, person, capability) -> bool:
    from .models import Person

    return Person.objects.visible_to(user, capability).filter(pk=person.pk).exists()


@login_required
def person_detail(request, public_id):
    person = get_person_for(request.user, public_id)
    return render(request, "people/person_detail.html", _context(request, person))


@login_required
@require_POST
def reveal_identity(request, public_id):
    """Showing identity is a deliberate act (a POST), logged as an AccessEvent."""
    person = get_person_for(request.user, public_id)
    if not can_view_identity(request.user, person):
        raise Http404(_("Not found."))
    purpose = (request.POST.get("purpose") or "case work").strip()[:200]
    identity = get_identity_for(request.user, person, purpose=purpose)
    template = "people/partials/_identity.html" if request.htmx else "people/person_detail.html"
    return render(request, template, _context(request, person, identity=identity, revealed=True))


@login_required
def person_photo(request, public_id):
    person = get_person_for(request.user, public_id)
    photo = get_photo_for(request.user, person)
    if photo is None:
        raise Http404(_("No photo."))
    data, content_type = photo
    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def erase_identity(request, public_id):
    person = get_person_for(request.user, public_id)
    if not can_view_identity(request.user, person):
        raise Http404(_("Not found."))
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            services.erase_identity(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The identity of %(code)s was erased. A tombstone records that it existed.")
                             % {"code": person.code})
            return redirect("people:detail", public_id=person.public_id)
    return render(request, "people/person_detail.html", _context(request, person, erase_form=form), status=400)
