from safetynet.access import policy
from safetynet.core.admin_site import CapabilityAdmin, site

from . import services
from .models import RoutingRule


class RoutingRuleAdmin(CapabilityAdmin):
    """Where tips from a place go, when the default (the district's AHTU) is not right."""

    capability = policy.Cap.AGENCIES_MANAGE
    list_display = ["jurisdiction", "agency", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["jurisdiction__name", "jurisdiction__code", "agency__name", "agency__short_code"]
    autocomplete_fields = ["jurisdiction", "agency"]
    fields = ["jurisdiction", "agency", "is_active"]

    def save_model(self, request, obj, form, change):
        services.save_routing_rule(actor=request.user, rule=obj)


site.register(RoutingRule, RoutingRuleAdmin)
