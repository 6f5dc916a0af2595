from django.apps import AppConfig


class TourismConfig(AppConfig):
    name = "safetynet.tourism"
    label = "tourism"
    default_auto_field = "django.db.models.BigAutoField"
