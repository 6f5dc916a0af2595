"""Machine intake channels: SMS / hotline webhook and ODK / KoboToolbox (OpenRosa), and the
dead-letter page where an administrator retries or discards what they could not take.

The two OpenRosa paths have no trailing slash: ODK clients append ``/formList`` and
``/submission`` to the server URL they are given (``https://<host>/intake/openrosa``).
"""

from django.urls import path

from . import intake, intake_sms, openrosa

app_name = "intake"
urlpatterns = [
    path("sms/", intake_sms.sms_webhook, name="sms"),
    path("openrosa/formList", openrosa.form_list, name="openrosa-formlist"),
    path("openrosa/submission", openrosa.submission, name="openrosa-submission"),
    path("dead-letters/", intake.dead_letter_list, name="dead-letters"),
    path("dead-letters/<uuid:public_id>/retry/", intake.dead_letter_retry, name="dead-letter-retry"),
    path("dead-letters/<uuid:public_id>/discard/", intake.dead_letter_discard, name="dead-letter-discard"),
]
