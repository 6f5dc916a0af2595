"""Signals other apps listen to without people/ or cases/ depending on them: the legal file
re-indexes a suspect's phones and names when they change (prosecution/apps.py)."""

from django.dispatch import Signal

# Sent inside the transaction of the change, with ``person`` and ``actor``.
identity_changed = Signal()
# Sent by cases.services.add_party inside its transaction, with ``party`` and ``actor``.
party_added = Signal()
