from django.core.management.base import BaseCommand

from safetynet.people import vault
from safetynet.people.rotation import remaining_under_old_keys, rotate


class Command(BaseCommand):
    help = ("Re-encrypt every identity field and case note under the active vault key (the first key "
            "configured). --new-key prints a fresh key line to put first in SAFETYNET_VAULT_KEYS; "
            "--add-dev-key puts one first in var/vault.keys (development only).")

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="print a new key line and exit")
        parser.add_argument("--add-dev-key", action="store_true",
                            help="development: prepend a new key to var/vault.keys")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, new_key=False, add_dev_key=False, batch=1000, **options):
        from django.conf import settings
        from django.core.management.base import CommandError

        if new_key:
            self.stdout.write(vault.new_key_line())
            return
        if add_dev_key:
            if settings.IS_PRODUCTION or settings.VAULT_KEYS or settings.VAULT_KEY_FILE:
                raise CommandError("--add-dev-key only works with the development key file var/vault.keys")
            path = vault.dev_key_file()
            vault.keyring()  # make sure the file exists
            path.write_text(vault.new_key_line() + "\n" + path.read_text())
            vault.reload_keys()
            self.stdout.write(f"new active key {vault.keyring().active_id} added to {path}")

        def progress(kind, done, total):
            self.stdout.write(f"  {kind}: {done:,}/{total:,}")

        counts = rotate(batch=batch, progress=progress)
        left = remaining_under_old_keys()
        self.stdout.write(self.style.SUCCESS(
            f"re-encrypted {counts['identities']:,} identities, {counts['notes']:,} notes and "
            f"{sum(counts[k] for k in ('tips', 'tip_reporters', 'tip_events', 'dead_letters', 'tip_photos')):,} "
            f"tip records under key "
            f"{vault.keyring().active_id}; {counts['skipped']} skipped (edited meanwhile); "
            f"{left} values still under old keys"))
        if left == 0:
            self.stdout.write("Old keys can now be removed from the configuration.")
