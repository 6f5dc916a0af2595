from django.core.management.base import BaseCommand, CommandError

from safetynet.audit.services import verify_all


class Command(BaseCommand):
    help = "Verify the audit and identity-access hash chains; exits non-zero if any row was edited or deleted."

    def handle(self, *args, **options):
        failed = False
        for report in verify_all():
            if report.ok:
                self.stdout.write(self.style.SUCCESS(f"{report.chain}: {report.checked} events, chain intact"))
            else:
                failed = True
                where = "at the end" if report.broken_at == -1 else f"at event #{report.broken_at}"
                self.stderr.write(f"{report.chain}: BROKEN {where} after {report.checked} good events: {report.reason}")
        if failed:
            raise CommandError("audit chain verification failed")
