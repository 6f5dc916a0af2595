"""The administration site: users, agencies, memberships, jurisdictions — and nothing
that holds identity data. Entry is by capability (users.manage / agencies.manage) with a
verified second factor, not by Django's is_staff/is_superuser flags."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from safetynet.access import policy
from safetynet.access.querysets import has_capability


class SafetyNetAdminSite(admin.AdminSite):
    site_header = _("SafetyNet administration")
    site_title = _("SafetyNet administration")
    index_title = _("Users, agencies and places")

    def has_permission(self, request):
        user = request.user
        return bool(
            user.is_active and user.is_authenticated and user.is_verified()
            and (has_capability(user, policy.Cap.USERS_MANAGE) or has_capability(user, policy.Cap.AGENCIES_MANAGE))
        )


    def login(self, request, extra_context=None):
        """One sign-in for everything: ours, with the second factor, never the admin's own form."""
        from urllib.parse import urlencode

        from django.http import HttpResponseRedirect
        from django.urls import reverse

        if request.user.is_authenticated:
            from django.http import Http404

            raise Http404(_("Not found."))
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': reverse('admin:index')})}")


site = SafetyNetAdminSite(name="admin")


class CapabilityAdmin(admin.ModelAdmin):
    """Model permissions come from one capability, not from Django's permission table.
Each subclass overrides save_model to call its app's audited service."""

    capability: str = policy.Cap.AGENCIES_MANAGE

    def _allowed(self, request) -> bool:
        return has_capability(request.user, self.capability)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: records point at these rows
