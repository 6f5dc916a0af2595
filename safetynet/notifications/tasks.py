"""Delivery by email and SMS, outside the request. Arguments are ids only, never text
about people (task arguments are stored by the database backend)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from . import sms
from .models import Notification


@task()
def deliver(notification_id: int) -> None:
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None or not note.urgent:
        return
    user, now = note.user, timezone.now()
    link = f"{settings.SAFETYNET_BASE_URL}{note.link}" if note.link else ""
    if user.email and note.emailed_at is None:
        send_mail(subject=f"SafetyNet: {note.message[:60]}", message=f"{note.message}\n\n{link}".strip(),
                  from_email=None, recipient_list=[user.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=now)
    if user.mobile and note.texted_at is None:
        sms.backend().send(user.mobile, f"SafetyNet: {note.message}"[:320])
        Notification.objects.filter(pk=note.pk).update(texted_at=now)
