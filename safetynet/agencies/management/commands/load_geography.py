from django.core.management.base import BaseCommand

from safetynet.agencies.geography import load_geography


class Command(BaseCommand):
    help = "Load or update the jurisdiction tree (India, Bangladesh, Nepal) shipped with SafetyNet."

    def handle(self, *args, **options):
        created, updated = load_geography()
        self.stdout.write(f"jurisdictions: {created} created, {updated} updated")
