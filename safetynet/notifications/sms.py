"""Pluggable SMS sending. ``SAFETYNET_SMS_BACKEND`` names a class with ``send(to, body)``.

The default, ``OutboxBackend``, records the text in ``SmsOutbox`` and sends nothing: a
gateway (an Indian DLT-registered provider, a Bangladeshi or Nepali aggregator) is added
as another class without touching the callers.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


class OutboxBackend:
    def send(self, to: str, body: str) -> None:
        from .models import SmsOutbox

        SmsOutbox.objects.create(to=to, body=body[:320], backend="outbox")


def backend():
    path = getattr(settings, "SAFETYNET_SMS_BACKEND", "safetynet.notifications.sms.OutboxBackend")
    return import_string(path)()
