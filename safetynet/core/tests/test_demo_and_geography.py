"""Demo data is deterministic and idempotent; the geography is the one the issue names."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from safetynet.agencies.models import Agency, Jurisdiction
from safetynet.people.models import Person, PersonIdentity

pytestmark = pytest.mark.django_db

COUNTED_APPS = ("accounts", "agencies", "access", "audit", "people", "cases", "tips", "notifications")


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in COUNTED_APPS}


def test_seed_demo_twice_changes_nothing(world):
    out = StringIO()
    call_command("seed_demo", "--cases-per-agency", "2", stdout=out)
    assert "ahtu.n24p" in out.getvalue() and "safetynet-demo-2026" in out.getvalue()
    first = _counts()
    assert first["cases.Case"] == 2 * Agency.objects.filter(agency_type="ahtu").count()
    call_command("seed_demo", "--cases-per-agency", "2", stdout=StringIO())
    assert _counts() == first


def test_seed_demo_is_refused_in_production(world, settings):
    from django.core.management.base import CommandError

    settings.IS_PRODUCTION = True
    before = _counts()
    with pytest.raises(CommandError, match="refused in production"):
        call_command("seed_demo", stdout=StringIO())
    assert _counts() == before


def test_create_admin_bootstraps_a_new_installation(world, monkeypatch, client):
    from django.core.management.base import CommandError

    from safetynet.access.policy import Role
    from safetynet.accounts.models import User
    from safetynet.audit.models import AuditEvent

    monkeypatch.setenv("SAFETYNET_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="password refused"):
        call_command("create_admin", "root", stdout=StringIO())
    assert not User.objects.filter(username="root").exists()

    monkeypatch.setenv("SAFETYNET_ADMIN_PASSWORD", "a long passphrase for the first admin")
    out = StringIO()
    call_command("create_admin", "root", "--email", "ops@example.org", stdout=out)
    assert "authenticator" in out.getvalue()
    root = User.objects.get(username="root")
    assert root.memberships.get().role == Role.SYSADMIN and root.memberships.get().agency.agency_type == "platform"
    assert AuditEvent.objects.filter(action="user.save", object_id="root").exists()
    # Signing in leads to authenticator set-up first, then to the administration.
    r = client.post("/accounts/login/", {"username": "root", "password": "a long passphrase for the first admin"})
    assert r.status_code == 302
    assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_admin", "root", stdout=StringIO())


def test_demo_names_cover_scripts_and_spellings(world):
    call_command("seed_demo", "--cases-per-agency", "3", stdout=StringIO())
    names = [i.get_field("name_native") + " | " + i.get_field("name_latin")
             for i in PersonIdentity.objects.select_related("person")]
    text = "\n".join(names)
    assert re.search(r"[\u0980-\u09FF]", text), "no Bengali script"
    assert re.search(r"[\u0900-\u097F]", text), "no Devanagari"
    assert re.search(r"\b(Md\.|Mohammad|Mohd\.|Mst\.|Mosammat|Khatun|Khatoon|Begum|Kumari)", text)


def test_person_codes_are_pseudonymous_and_shaped(n24p_case):
    code = n24p_case.victim.code
    assert re.fullmatch(r"WB-N24P-\d{4}-\d{6}", code), code
    fields = {f.name for f in Person._meta.get_fields()}
    assert not fields & {"name", "first_name", "last_name", "phone", "address"}


def test_geography_covers_the_named_states_and_borders(world):
    def districts(state_code):
        return Jurisdiction.objects.filter(level="district", parent__code=state_code).count()

    assert districts("IN-WB") == 23 and districts("IN-BR") == 38 and districts("IN-JH") == 24
    for state in ("IN-AP", "IN-MH", "IN-GA", "IN-DL"):
        assert districts(state) > 0
    n24p = Jurisdiction.objects.get(code="IN-WB-N24P")
    assert n24p.name == "North 24 Parganas" and n24p.census_code == "337"
    assert Jurisdiction.objects.filter(parent__parent__code="BD", level="district").count() >= 16
    assert Jurisdiction.objects.filter(code="NP-P1-JHAP").exists()
    assert Jurisdiction.objects.filter(level="border_sector", parent=n24p).exists()
    assert Jurisdiction.objects.filter(level="station", parent=n24p).exists()
    # The path makes "everything under North 24 Parganas" one prefix query.
    bongaon = Jurisdiction.objects.get(code="IN-WB-N24P-BONG")
    assert bongaon.path.startswith(n24p.path)


def test_all_agency_types_exist_in_demo(world):
    present = set(Agency.objects.values_list("agency_type", flat=True))
    required = {"ahtu", "police_station", "border_bsf", "border_ssb", "ngo", "shelter", "cwc", "prosecution", "court",
                "health", "labour", "training", "tourism", "programme"}
    assert required <= present


def test_load_geography_is_idempotent(world):
    before = Jurisdiction.objects.count()
    out = StringIO()
    call_command("load_geography", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert Jurisdiction.objects.count() == before
