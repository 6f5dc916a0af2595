"""TOTP devices (django-otp). Kept in one place so views and seed_demo agree."""

from __future__ import annotations

import hashlib

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_key_for(username: str) -> str:
    """Deterministic secret for demo accounts, so tests and demos can compute codes."""
    return hashlib.sha1(f"safetynet-demo:{username}".encode(), usedforsecurity=False).hexdigest()
