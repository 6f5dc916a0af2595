from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from safetynet.accounts.models import User
from safetynet.audit.services import record


class Command(BaseCommand):
    help = ("Create (or with --rotate replace) the API token of an integration account. The token acts "
            "with that account's memberships, through the same access rules as the web pages.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true")

    def handle(self, *args, username, rotate=False, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError("no active user with that username")
        with transaction.atomic():
            if rotate:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
            if created:
                record(actor=None, action="api_token.create", object_type="authtoken", object_id=username)
        self.stdout.write(token.key)
