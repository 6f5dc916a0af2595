from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "safetynet.missing"
    label = "missing"
    default_auto_field = "django.db.models.BigAutoField"
