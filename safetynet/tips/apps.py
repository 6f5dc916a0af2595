from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "safetynet.tips"
    label = "tips"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from safetynet.agencies.models import Agency, Jurisdiction

        from . import routing
        from .models import RoutingRule

        def forget_routes(**kwargs):
            # A changed rule, agency or place applies at once in this process (others within a minute).
            routing.clear_cache()

        for model in (RoutingRule, Agency, Jurisdiction):
            uid = f"tips-routes-{model.__name__}"
            post_save.connect(forget_routes, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(forget_routes, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
