from django.apps import AppConfig


class ProsecutionConfig(AppConfig):
    name = "safetynet.prosecution"
    label = "prosecution"
    default_auto_field = "django.db.models.BigAutoField"
