from django.apps import AppConfig


class RescuesConfig(AppConfig):
    name = "safetynet.rescues"
    label = "rescues"
    default_auto_field = "django.db.models.BigAutoField"
