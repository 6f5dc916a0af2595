"""The identity vault: encryption at rest, binding to the record, rotation, erasure."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from safetynet.access.lookups import get_identity_for
from safetynet.audit.models import AuditEvent
from safetynet.people import vault
from safetynet.people.models import IdentityTombstone, Person, PersonIdentity
from safetynet.people.services import erase_identity, update_identity

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
NAMES = ["রহিমা খাতুন", "Rahima Khatun", "Rohima Khatoon", "+880 1711000000", "Victim statement recorded"]


def _all_text_in_database() -> str:
    """Every text and JSON value of every SafetyNet table, as the database holds it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from introspection
            for row in cursor.fetchall():
                chunks.extend(str(v) for v in row if v is not None)
    return "\n".join(chunks)


def test_no_identity_or_note_text_in_clear_anywhere_in_the_database(n24p_case):
    dump = _all_text_in_database()
    for secret in NAMES:
        assert secret not in dump, f"{secret!r} is stored in clear"
    # ...yet the officer can read it back.
    ident = PersonIdentity.objects.get(person=n24p_case.victim)
    assert ident.get_field("name_native") == "রহিমা খাতুন"


def test_database_file_on_disk_holds_no_name(tmp_path):
    """A real SQLite file written by the app (WAL included) does not contain the name."""
    env = {**os.environ, "SAFETYNET_ENV": "development", "SAFETYNET_VAR_DIR": str(tmp_path),
           "SAFETYNET_VAULT_KEYS": os.environ["SAFETYNET_VAULT_KEYS"], "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='safetynet.settings';django.setup();"
        "from django.core.management import call_command;call_command('migrate',verbosity=0);"
        "from safetynet.core.demo import seed_demo;from safetynet.agencies.geography import load_geography;"
        "from safetynet.conftest import ensure_world;ensure_world();"
        "from safetynet.accounts.models import User;from safetynet.agencies.models import Jurisdiction;"
        "from safetynet.cases import services as s;u=User.objects.get(username='ahtu.n24p');"
        "c=s.open_case(actor=u,title='t',kind='other',jurisdiction=Jurisdiction.objects.get(code='IN-WB-N24P'));"
        "s.add_party(actor=u,case=c,role='victim',identity={'name_native':'রহিমা খাতুন','name_latin':'Rahima Khatun'})"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    files = list(tmp_path.glob("safetynet.sqlite3*"))
    assert files, "no database file was written"
    data = b"".join(f.read_bytes() for f in files)
    assert b"WB-N24P-" in data  # the pseudonymous code is there in clear, as designed
    for secret in ("রহিমা খাতুন", "Rahima Khatun"):
        assert secret.encode() not in data


def test_ciphertext_moved_to_another_person_does_not_decrypt(n24p_case, users):
    victim = PersonIdentity.objects.get(person=n24p_case.victim)
    other = PersonIdentity.objects.exclude(pk=victim.pk).filter(person__case_parties__case=n24p_case).first()
    PersonIdentity.objects.filter(pk=other.pk).update(name_latin_enc=victim.name_latin_enc)
    other.refresh_from_db()
    with pytest.raises(vault.VaultError):
        other.get_field("name_latin")


def test_rotation_reencrypts_everything_under_the_new_key(n24p_case, settings):
    from safetynet.tips.models import Tip, TipReporter
    from safetynet.tips.services import TipInput, submit_tip

    tip, _receipt, _created = submit_tip(actor=None, channel="web", data=TipInput(
        category="border", jurisdiction_code="IN-WB-N24P", description="Van at the crossing",
        reporter={"phone": "+91 98300 77777"}))
    old = settings.VAULT_KEYS
    new_line = vault.new_key_line("k2")
    settings.VAULT_KEYS = f"{new_line},{old}"
    vault.reload_keys()
    try:
        call_command("rotate_vault_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
        ident = PersonIdentity.objects.get(person=n24p_case.victim)
        assert vault.key_id_of(ident.name_native_enc) == "k2"
        # The old key can now go: values still decrypt with the new key alone.
        settings.VAULT_KEYS = new_line
        vault.reload_keys()
        assert ident.get_field("name_native") == "রহিমা খাতুন"
        assert n24p_case.notes.first().body == "Victim statement recorded at Bongaon."
        # Tips and their reporters' contacts too.
        tip = Tip.objects.get(pk=tip.pk)
        assert vault.key_id_of(tip.description_enc) == "k2" and tip.get_text("description") == "Van at the crossing"
        assert TipReporter.objects.get(tip=tip).get_field("phone") == "+91 98300 77777"
        assert AuditEvent.objects.filter(action="vault.rotate").exists()
    finally:
        settings.VAULT_KEYS = old
        vault.reload_keys()


def test_production_refuses_to_start_without_a_vault_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYNET_")}
    env.update({"SAFETYNET_ENV": "production", "SAFETYNET_SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE":
                "safetynet.settings"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "refuses to start in production without an identity vault key" in result.stderr
    env["SAFETYNET_VAULT_KEYS"] = vault.new_key_line()
    env["SAFETYNET_DEMO"] = "1"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "SAFETYNET_DEMO=1 is refused in production" in result.stderr


def test_erasure_keeps_a_tombstone_and_nothing_else(n24p_case, users):
    head = users["head_n24p"]
    victim = n24p_case.victim
    erase_identity(actor=head, person=victim, reason="survivor_request")
    victim.refresh_from_db()
    assert not PersonIdentity.objects.filter(person=victim).exists()
    tomb = IdentityTombstone.objects.get(person=victim)
    assert tomb.reason == "survivor_request" and "name_native" in tomb.fields_erased
    assert get_identity_for(head, victim, purpose="check") is None
    assert victim.case_parties.filter(case=n24p_case).exists()  # the case file stays whole
    with pytest.raises(ValidationError):
        erase_identity(actor=head, person=victim, reason="survivor_request")
    with pytest.raises(ValidationError):
        update_identity(actor=head, person=victim, expected_version=1, changes={"name_latin": "again"})
    for secret in ("রহিমা খাতুন", "Rahima"):
        assert secret not in _all_text_in_database()


def test_only_heads_may_erase(n24p_case, users):
    with pytest.raises(PermissionDenied):
        erase_identity(actor=users["ahtu_n24p"], person=n24p_case.victim, reason="survivor_request")
    assert PersonIdentity.objects.filter(person=n24p_case.victim).exists()


def test_erase_page_for_head(client_for, n24p_case):
    r = client_for("head_n24p").post(f"/people/{n24p_case.victim.public_id}/erase/",
                                     {"reason": "survivor_request", "confirm": "on"})
    assert r.status_code == 302
    assert Person.objects.get(pk=n24p_case.victim.pk).identity_erased_at is not None
    page = client_for("head_n24p").get(f"/people/{n24p_case.victim.public_id}/").content.decode()
    assert "Erase identity on request" not in page


def test_erase_without_confirmation_changes_nothing(client_for, n24p_case):
    r = client_for("head_n24p").post(f"/people/{n24p_case.victim.public_id}/erase/", {"reason": "survivor_request"})
    assert r.status_code == 400
    assert "Tick the box to confirm." in r.content.decode()
    assert PersonIdentity.objects.filter(person=n24p_case.victim).exists()
