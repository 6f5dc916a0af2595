from django.contrib import admin

from safetynet.access import policy
from safetynet.core.admin_site import CapabilityAdmin, site

from . import services
from .models import Agency, Jurisdiction, Membership


class JurisdictionAdmin(CapabilityAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "name_local", "level", "parent", "short_code", "census_code"]

    def save_model(self, request, obj, form, change):
        services.save_jurisdiction(actor=request.user, jurisdiction=obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "is_active"]
    autocomplete_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return False  # added under Memberships, where the audited service saves them

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class AgencyAdmin(CapabilityAdmin):
    list_display = ["name", "agency_type", "jurisdiction", "short_code", "is_active"]
    list_filter = ["agency_type", "is_active"]
    search_fields = ["name", "short_code"]
    autocomplete_fields = ["jurisdiction"]
    fields = ["name", "agency_type", "jurisdiction", "short_code", "is_active"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        services.save_agency(actor=request.user, agency=obj)


class MembershipAdmin(CapabilityAdmin):
    capability = policy.Cap.USERS_MANAGE
    list_display = ["user", "agency", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    fields = ["user", "agency", "role", "is_active"]

    def save_model(self, request, obj, form, change):
        services.save_membership(actor=request.user, membership=obj)


site.register(Jurisdiction, JurisdictionAdmin)
site.register(Agency, AgencyAdmin)
site.register(Membership, MembershipAdmin)
