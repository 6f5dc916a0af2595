"""Test settings: the real settings with the test environment switched on."""

import os

os.environ.setdefault("SAFETYNET_ENV", "test")
os.environ.setdefault("SAFETYNET_VAULT_KEYS", "k1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")

from .settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SAFETYNET_INTAKE_SECRETS = "gateway:test-shared-secret-0123456789"
# Tests change records and read the figures again at once; tests/test_dashboard_cache.py turns it on.
SAFETYNET_DASHBOARD_CACHE_SECONDS = 0
