from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "safetynet.tips"
    label = "tips"
    default_auto_field = "django.db.models.BigAutoField"
