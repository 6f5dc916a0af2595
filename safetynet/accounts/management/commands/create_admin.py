"""The first system administrator of a new installation.

A fresh production database has no users, and the administration pages need an
administrator to create the rest. This makes one: a user with the system-administrator
membership of the platform agency (created if missing). The password is read from the
terminal (or SAFETYNET_ADMIN_PASSWORD for scripted installs), never from the command line
where it would land in shell history and process lists. The administrator enrols an
authenticator at first sign-in; the role never sees identities.
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from safetynet.access.policy import Role
from safetynet.accounts.models import User
from safetynet.accounts.services import save_user
from safetynet.agencies.models import Agency, Jurisdiction, Membership
from safetynet.agencies.services import save_agency, save_membership

PLATFORM_CODE = "PLAT"


class Command(BaseCommand):
    help = "Create the first system administrator (and the platform agency) of a new installation."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--country", default="IN", help="jurisdiction code the platform agency sits in")

    def handle(self, *args, username, email="", country="IN", **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user called {username!r} already exists; nothing was changed")
        place = Jurisdiction.objects.filter(code=country).first()
        if place is None:
            raise CommandError(f"no place with code {country!r}: run `manage.py load_geography` first")
        password = os.environ.get("SAFETYNET_ADMIN_PASSWORD") or self._ask_password()
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("password refused: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            agency = Agency.objects.filter(short_code=PLATFORM_CODE).first() or save_agency(
                actor=None, agency=Agency(name="SafetyNet platform administration", short_code=PLATFORM_CODE,
                                          agency_type=Agency.Type.PLATFORM, jurisdiction=place))
            save_user(actor=None, user=user, password=password)
            save_membership(actor=None, membership=Membership(user=user, agency=agency, role=Role.SYSADMIN))
        self.stdout.write(f"System administrator {username!r} created in {agency.name}. Sign in at /accounts/login/; "
                          "you will be asked to set up an authenticator app first.")

    def _ask_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the two passwords differ; nothing was changed")
        return first
