from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from safetynet.access import policy
from safetynet.core.admin_site import CapabilityAdmin, site

from . import services
from .models import User


class UserAdmin(CapabilityAdmin, DjangoUserAdmin):
    capability = policy.Cap.USERS_MANAGE
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    # No is_superuser / groups / permissions: access comes from memberships only.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "preferred_language")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        # The password was already hashed by Django's form; the service saves and audits.
        services.save_user(actor=request.user, user=obj)

    def user_change_password(self, request, id, form_url=""):
        """Django's own view saves the new password; we add the audit event when it succeeds."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            services.record_password_reset(actor=request.user, user=user)
        return response


site.register(User, UserAdmin)
