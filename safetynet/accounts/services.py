"""Writes to accounts: creating users, deactivating them, sessions and 2FA devices."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction

from safetynet.access import policy
from safetynet.audit.services import diff, record
from safetynet.core.services import require, snapshot

from .models import User, UserSession

USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "preferred_language"]


def save_user(*, actor, user: User, password: str | None = None) -> User:
    if actor is not None:
        require(actor, policy.Cap.USERS_MANAGE)
    before = snapshot(User.objects.get(pk=user.pk), USER_FIELDS) if user.pk else {}
    with transaction.atomic():
        if password:
            user.set_password(password)
        user.save()
        changes = diff(before, snapshot(user, USER_FIELDS))
        if password:
            changes["password"] = "changed"
        record(actor=actor, action="user.save", obj=user, object_id=user.username, changes=changes)
    return user


def record_password_reset(*, actor, user: User) -> None:
    """An administrator set a new password (Django's admin form saved it)."""
    require(actor, policy.Cap.USERS_MANAGE)
    with transaction.atomic():
        record(actor=actor, action="user.password_reset", obj=user, object_id=user.username,
               changes={"password": "reset by administrator"})


def live_sessions(user: User):
    """The user's tracked sessions that can still be used; rows of sessions that expired or
    were cleared (idle timeout, `clearsessions`) are dropped so the list tells the truth."""
    from django.utils import timezone

    live_keys = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=live_keys).delete()
    return UserSession.objects.filter(user=user)


def revoke_session(*, actor, tracked: UserSession) -> None:
    """End one of the actor's own sessions (e.g. a phone that was lost)."""
    if tracked.user_id != actor.pk:
        raise PermissionError("a user may only end their own sessions")
    with transaction.atomic():
        Session.objects.filter(session_key=tracked.session_key).delete()
        record(actor=actor, action="session.revoke", object_type="session", object_id=str(tracked.public_id))
        tracked.delete()
