from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safetynet.core.demo import DEMO_PASSWORD, USERS, bulk_persons, seed_demo


class Command(BaseCommand):
    help = "Load the deterministic demo dataset (idempotent). --persons N adds N persons for load tests."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=0, help="add this many persons (load tests)")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--cases-per-agency", type=int, default=30, help="demo cases for each AHTU")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, persons=0, batch=5000, quiet_logins=False, cases_per_agency=30, **options):
        if settings.IS_PRODUCTION:
            # Demo accounts share a published password: in production they would be open doors.
            raise CommandError("seed_demo is refused in production (SAFETYNET_ENV=production): demo accounts "
                               "share a published password. Use `manage.py create_admin` to start a real installation.")
        result = seed_demo(cases_per_agency=cases_per_agency)
        self.stdout.write(f"demo data: {result.agencies} agencies, {result.users} users, {result.cases} cases, "
                          f"{result.tips} tips, {result.legal_files} legal files, "
                          f"{result.survivors} care records, {result.missing_reports} missing-person reports "
                          f"({result.match_candidates} possible matches), {result.programme_records} programme "
                          f"records, {result.tourism_signatories} tourism Code signatories added "
                          f"(0 means it was already there)")
        if persons:
            def progress(done, seconds):
                self.stdout.write(f"  persons: {done:,}/{persons:,} ({seconds}s)")

            bulk_persons(persons, batch=batch, progress=progress)
        if not quiet_logins:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
            for username, _first, role, agency in USERS:
                self.stdout.write(f"  {username:18} {role.label} · {agency}")
            self.stdout.write("Accounts that can see identities also need a code from an authenticator app: "
                              "in demo mode (SAFETYNET_DEMO=1) it is shown on the second-factor page.")
