"""The table of offences is reference data an administrator keeps up to date (a new Act, a
retired section); everything else in the legal file is written through services.py only."""

from safetynet.access import policy
from safetynet.core.admin_site import CapabilityAdmin, site

from . import services
from .models import LawSection


class LawSectionAdmin(CapabilityAdmin):
    capability = policy.Cap.AGENCIES_MANAGE
    list_display = ["code", "act", "section", "title", "max_punishment", "charge_sheet_days", "is_active"]
    list_filter = ["country", "is_active"]
    search_fields = ["code", "title", "act"]
    fields = ["code", "country", "act", "section", "title", "max_punishment", "charge_sheet_days", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # FIRs keep the sections they were registered with: retire a section instead

    def save_model(self, request, obj, form, change):
        services.save_law_section(actor=request.user, section=obj)


site.register(LawSection, LawSectionAdmin)
