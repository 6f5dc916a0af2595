"""Shared test fixtures: the world (geography, demo agencies, one persona per role) and
clients signed in as a persona with the second factor passed.

The world is created once per test database (django_db_setup) and re-created after a
transactional test (browser tests run last and flush the database).
"""

from __future__ import annotations

import os

import pytest
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# Persona -> demo username. The personas plus one per role.
PERSONAS = {
    "ahtu_n24p": "ahtu.n24p",
    "head_n24p": "head.n24p",
    "ahtu_kish": "ahtu.kish",
    "police_bongaon": "police.bongaon",
    "bsf_petrapole": "bsf.petrapole",
    "ngo_n24p": "ngo.n24p",
    "ngo_kish": "ngo.kish",
    "shelter": "shelter.kolk",
    "counsellor": "counsellor.kolk",
    "cwc_n24p": "cwc.n24p",
    "prosecutor": "prosecutor.n24p",
    "me_officer": "me.officer",
    "researcher": "researcher",
    "admin": "admin",
    "reporter": "reporter.kish",
}


def ensure_world():
    from safetynet.agencies.geography import load_geography
    from safetynet.agencies.models import Agency
    from safetynet.core.demo import SeedResult, seed_agencies, seed_users
    from safetynet.prosecution.reference import load_law_sections

    if Agency.objects.filter(short_code="AHTU-N24P").exists():
        return
    from django.db import transaction

    load_geography()
    load_law_sections()  # reference data a flushed (transactional) test database lost
    result = SeedResult()
    with transaction.atomic():
        agencies = seed_agencies(result)
        seed_users(agencies, result)
        _outsider()


def _outsider():
    """A signed-in user with no membership at all."""
    from safetynet.accounts.models import User

    user, created = User.objects.get_or_create(username="outsider", defaults={"first_name": "Out"})
    if created:
        user.set_password("outsider-password-1")
        user.save()
    return user


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none spent."""
    from django.core.cache import cache

    from safetynet.tips import forms, routing

    cache.clear()
    routing.clear_cache()  # rows made by an earlier test were rolled back
    forms._place_choices_cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_world()
    yield
    # The live server's thread can still hold a PostgreSQL session at the end; end it so the
    # test database can be dropped instead of being left behind with a warning.
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def world(db):
    ensure_world()


@pytest.fixture
def users(world):
    from safetynet.accounts.models import User

    found = {u.username: u for u in User.objects.filter(username__in=[*PERSONAS.values(), "outsider"])}
    out = {key: found[name] for key, name in PERSONAS.items()}
    out["outsider"] = found["outsider"]
    return out


def signed_in(user) -> Client:
    """A test client signed in as ``user`` with the second factor already passed."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(users):
    cache: dict[str, Client] = {}

    def make(persona: str) -> Client:
        if persona not in cache:
            cache[persona] = signed_in(users[persona])
        return cache[persona]

    return make


@pytest.fixture
def jurisdictions(world):
    from safetynet.agencies.models import Jurisdiction

    return {j.code: j for j in Jurisdiction.objects.all()}


@pytest.fixture
def n24p_case(users, jurisdictions):
    """A North 24 Parganas case with a victim (Bengali + Latin name), a suspect, a witness and a note."""
    from safetynet.cases import services

    officer = users["ahtu_n24p"]
    case = services.open_case(actor=officer, title="Girls moved through Petrapole", kind="sexual_exploitation",
                              jurisdiction=jurisdictions["IN-WB-N24P-BONG"], summary="Three girls, one a minor.")
    victim = services.add_party(actor=officer, case=case, role="victim", sex="female", age_band="12-17",
                                nationality="BD", identity={"name_native": "রহিমা খাতুন",
                                                            "name_latin": "Rahima Khatun",
                                                            "aliases": ["Rohima Khatoon"],
                                                            "phones": ["+880 1711000000"]})
    services.add_party(actor=officer, case=case, role="suspect", sex="male", age_band="26-40",
                       identity={"name_native": "রফিক শেখ", "name_latin": "Md. Rafiq Sheikh"})
    services.add_party(actor=officer, case=case, role="witness", sex="female", age_band="41+",
                       identity={"name_latin": "Minati Mondal"})
    services.add_note(actor=officer, case=case, body="Victim statement recorded at Bongaon.")
    case.refresh_from_db()
    case.victim = victim.person
    return case


@pytest.fixture
def kish_case(users, jurisdictions):
    from safetynet.cases import services

    officer = users["ahtu_kish"]
    case = services.open_case(actor=officer, title="Boys taken to an embroidery unit", kind="child_labour",
                              jurisdiction=jurisdictions["IN-BR-KISH"])
    services.add_party(actor=officer, case=case, role="victim", sex="male", age_band="12-17",
                       identity={"name_native": "अमित कुमार", "name_latin": "Amit Kumar"})
    return case


def pytest_collection_modifyitems(config, items):
    """Browser tests flush the database (live server): run them after everything else."""
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)


# --------------------------------------------------------------------------- browser tests (Playwright)


@pytest.fixture
def base(transactional_db, live_server):
    """The live server's URL, with the world (places, demo agencies, personas) in its database."""
    ensure_world()
    return live_server.url


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (core/tests/browser.py), closed after the test."""
    from playwright.sync_api import sync_playwright

    from safetynet.core.tests.browser import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
