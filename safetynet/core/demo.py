"""Deterministic demo data: agencies, one user per role, a few hundred cases.

Running it twice changes nothing: agencies and users are keyed by code and username, and
cases are generated only for demo agencies that have none. ``bulk_persons`` adds N
persons (with encrypted identities) and cases for load tests; it writes one audit event
per batch rather than one per row, and says so in the event.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import reset_queries, transaction
from django.utils import timezone

from safetynet.access.policy import Role
from safetynet.accounts.models import User
from safetynet.accounts.totp import demo_key_for
from safetynet.agencies.geography import load_geography
from safetynet.agencies.models import Agency, Jurisdiction, Membership
from safetynet.audit.services import record
from safetynet.cases import services as case_services
from safetynet.cases.models import Case, CaseParty
from safetynet.core.models import next_serial
from safetynet.people import demo_names
from safetynet.people.models import Person, PersonIdentity
from safetynet.people.services import format_code, person_code_prefix

DEMO_PASSWORD = "safetynet-demo-2026"
SEED = 20261128

# (short code, name, type, jurisdiction code)
AGENCIES = [
    ("PLAT", "SafetyNet platform administration", Agency.Type.PLATFORM, "IN"),
    ("UNODC", "UNODC programme office, New Delhi", Agency.Type.PROGRAMME, "IN-DL"),
    ("RSRCH", "Counter-trafficking research unit", Agency.Type.PROGRAMME, "IN"),
    ("AHTU-N24P", "AHTU North 24 Parganas (Barasat)", Agency.Type.AHTU, "IN-WB-N24P"),
    ("AHTU-S24P", "AHTU South 24 Parganas", Agency.Type.AHTU, "IN-WB-S24P"),
    ("AHTU-MURS", "AHTU Murshidabad", Agency.Type.AHTU, "IN-WB-MURS"),
    ("AHTU-KOLK", "AHTU Kolkata", Agency.Type.AHTU, "IN-WB-KOLK"),
    ("AHTU-DARJ", "AHTU Darjeeling", Agency.Type.AHTU, "IN-WB-DARJ"),
    ("AHTU-KISH", "AHTU Kishanganj", Agency.Type.AHTU, "IN-BR-KISH"),
    ("AHTU-ECHA", "AHTU East Champaran (Motihari)", Agency.Type.AHTU, "IN-BR-ECHA"),
    ("AHTU-PUNE", "AHTU Pune", Agency.Type.AHTU, "IN-MH-PUNE"),
    ("AHTU-MUMB", "AHTU Mumbai", Agency.Type.AHTU, "IN-MH-MUMB"),
    ("AHTU-RANC", "AHTU Ranchi", Agency.Type.AHTU, "IN-JH-RANC"),
    ("PS-BONG", "Bongaon Police Station", Agency.Type.POLICE_STATION, "IN-WB-N24P-BONG"),
    ("PS-KSGJ", "Kishanganj Town Police Station", Agency.Type.POLICE_STATION, "IN-BR-KISH-KSGJ"),
    ("BSF-PTRP", "BSF Border Outpost Petrapole", Agency.Type.BORDER_BSF, "IN-WB-N24P-PTRP"),
    ("SSB-GLGL", "SSB Border Outpost Galgalia", Agency.Type.BORDER_SSB, "IN-BR-KISH-GLGL"),
    ("NGO-N24P", "Nari Suraksha Samiti, Barasat", Agency.Type.NGO, "IN-WB-N24P"),
    ("NGO-KISH", "Seemanchal Jan Vikas Kendra, Kishanganj", Agency.Type.NGO, "IN-BR-KISH"),
    ("SH-KOLK", "Ujjawala Shelter Home, Kolkata", Agency.Type.SHELTER, "IN-WB-KOLK"),
    ("SH-N24P", "Snehalaya Shelter Home, Barasat", Agency.Type.SHELTER, "IN-WB-N24P"),
    ("CWC-N24P", "Child Welfare Committee, North 24 Parganas", Agency.Type.CWC, "IN-WB-N24P"),
    ("PP-N24P", "Public Prosecutor, Barasat", Agency.Type.PROSECUTION, "IN-WB-N24P"),
    ("CT-N24P", "Special Court (ITPA), Barasat", Agency.Type.COURT, "IN-WB-N24P"),
    ("HLTH-N24P", "District Hospital, Barasat", Agency.Type.HEALTH, "IN-WB-N24P"),
    ("LAB-JH", "Labour Department, Jharkhand", Agency.Type.LABOUR, "IN-JH"),
    ("NTC-WB", "Nodal Training Centre, West Bengal Police", Agency.Type.TRAINING, "IN-WB"),
    ("TOUR-GA", "Goa Tourism Code of Conduct cell", Agency.Type.TOURISM, "IN-GA"),
    ("BGB-JASH", "BGB Benapole (Jashore)", Agency.Type.BORDER_COUNTERPART, "BD-KHL-JASH"),
    ("NP-JHAP", "Nepal Police, Jhapa", Agency.Type.BORDER_COUNTERPART, "NP-P1-JHAP"),
]

# shelter -> beds, who it serves (care.ShelterHome)
SHELTER_BEDS = {"SH-KOLK": (40, "women_children"), "SH-N24P": (12, "girls")}

# username, first name, role, agency code
USERS = [
    ("reporter.kish", "Anjali", Role.COMMUNITY_REPORTER, "NGO-KISH"),
    ("ahtu.n24p", "Sourav", Role.AHTU_OFFICER, "AHTU-N24P"),
    ("head.n24p", "Madhumita", Role.AHTU_HEAD, "AHTU-N24P"),
    ("ahtu.kish", "Ravi", Role.AHTU_OFFICER, "AHTU-KISH"),
    ("police.bongaon", "Tapas", Role.POLICE_OFFICER, "PS-BONG"),
    ("bsf.petrapole", "Harjit", Role.BORDER_OFFICER, "BSF-PTRP"),
    ("ngo.n24p", "Shampa", Role.NGO_CASEWORKER, "NGO-N24P"),
    ("ngo.kish", "Nazia", Role.NGO_CASEWORKER, "NGO-KISH"),
    ("shelter.kolk", "Rupa", Role.SHELTER_STAFF, "SH-KOLK"),
    ("counsellor.kolk", "Debjani", Role.COUNSELLOR, "SH-KOLK"),
    ("cwc.n24p", "Arindam", Role.CWC_MEMBER, "CWC-N24P"),
    ("prosecutor.n24p", "Sanjoy", Role.PROSECUTOR, "PP-N24P"),
    ("me.officer", "Priya", Role.ME_OFFICER, "UNODC"),
    ("researcher", "Kabir", Role.RESEARCHER, "RSRCH"),
    ("admin", "Platform", Role.SYSADMIN, "PLAT"),
]

CASE_TITLES = [
    "Girls moved through {place} on a job promise",
    "Fake marriage offer, bride taken to {place}",
    "Boys held at a brick kiln near {place}",
    "Domestic workers confined in {place}",
    "Minor found at a hotel in {place}",
    "Women held near the border at {place}",
    "Child labour at an embroidery unit, {place}",
]
NOTE_TEXTS = [
    "Informant confirmed the vehicle number seen at the bus stand.",
    "Victim statement recorded before the magistrate.",
    "Medical examination done at the district hospital.",
    "CWC informed; production scheduled within 24 hours.",
    "Suspect's phone records requested from the provider.",
    "Family traced; home study requested from the NGO.",
]


@dataclass
class SeedResult:
    agencies: int = 0
    users: int = 0
    cases: int = 0
    persons: int = 0
    tips: int = 0
    legal_files: int = 0
    survivors: int = 0
    missing_reports: int = 0
    match_candidates: int = 0
    programme_records: int = 0
    tourism_signatories: int = 0


def seed_agencies(result: SeedResult) -> dict[str, Agency]:
    places = {j.code: j for j in Jurisdiction.objects.all()}
    agencies = {}
    for code, name, kind, place in AGENCIES:
        agency = Agency.objects.filter(short_code=code).first()
        if agency is None:
            agency = Agency.objects.create(short_code=code, name=name, agency_type=kind, jurisdiction=places[place])
            record(actor=None, action="agency.save", obj=agency, agency=agency, changes={"seed": "demo"})
            result.agencies += 1
        agencies[code] = agency
    from safetynet.care.models import ShelterHome

    for code, (beds, serves) in SHELTER_BEDS.items():
        ShelterHome.objects.get_or_create(agency=agencies[code], defaults={"capacity": beds, "serves": serves})
    return agencies


def seed_users(agencies: dict[str, Agency], result: SeedResult) -> dict[str, User]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = {}
    for username, first, role, agency_code in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name="(demo)", is_demo=True)
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.create(user=user, agency=agencies[agency_code], role=role)
            TOTPDevice.objects.create(user=user, name="demo", key=demo_key_for(username), confirmed=True)
            record(actor=None, action="user.save", obj=user, object_id=username,
                   changes={"seed": "demo", "role": role, "agency": agency_code})
            result.users += 1
        users[username] = user
    return users


def _district_places(agency: Agency) -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(path__startswith=agency.jurisdiction.path))


def seed_cases(agencies: dict[str, Agency], users: dict[str, User], result: SeedResult, per_agency: int = 30):
    rng = random.Random(SEED)
    ahtus = [a for code, a in sorted(agencies.items()) if a.agency_type == Agency.Type.AHTU]
    if Case.objects.filter(owning_agency__in=ahtus).exists():
        return  # already seeded: never duplicate
    actor_for = {a.pk: users["ahtu.n24p"] if a.short_code == "AHTU-N24P" else None for a in ahtus}
    today = timezone.localdate()
    for agency in ahtus:
        officer = actor_for.get(agency.pk) or _agency_officer(agency, users)
        places = _district_places(agency)
        state_code = agency.jurisdiction.path.split("/")[1]
        for _i in range(per_agency):
            place = rng.choice(places)
            opened = today - datetime.timedelta(days=rng.randint(0, 900))
            with transaction.atomic():
                case = case_services.open_case(
                    actor=officer, agency=agency, jurisdiction=place, opened_on=opened,
                    title=rng.choice(CASE_TITLES).format(place=place.name), kind=rng.choice(Case.Kind.values[:6]),
                    summary="Demo case generated for training and testing.",
                )
                for role, count in (("victim", rng.randint(1, 3)), ("suspect", rng.randint(1, 2)),
                                    ("witness", rng.randint(0, 1))):
                    for _k in range(count):
                        sex = "female" if role == "victim" and rng.random() < 0.85 else rng.choice(["male", "female"])
                        age_band = rng.choice(["12-17", "18-25", "12-17", "26-40"]) if role == "victim" \
                            else rng.choice(["26-40", "41+", "18-25"])
                        nationality = "BD" if state_code == "WB" and rng.random() < 0.3 else \
                            ("NP" if state_code == "BR" and rng.random() < 0.3 else "IN")
                        ident = demo_names.name_for_place(rng, sex, state_code)
                        ident["phones"] = [demo_names.phone(rng, nationality)]
                        case_services.add_party(actor=officer, case=case, role=role, sex=sex, age_band=age_band,
                                                nationality=nationality, identity=ident)
                for _n in range(rng.randint(1, 3)):
                    case_services.add_note(actor=officer, case=case, body=rng.choice(NOTE_TEXTS))
                status_path = ["investigating", "charge_sheeted", "in_trial", "closed"][: rng.randint(0, 4)]
                for status in status_path:
                    case = case_services.change_status(actor=officer, case=case, expected_version=case.version,
                                                       status=status)
            result.cases += 1


def _agency_officer(agency: Agency, users: dict[str, User]) -> User:
    """A demo officer for AHTUs that have no named demo user (kept out of the README list)."""
    username = f"officer.{agency.short_code.lower()}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name="Officer", last_name="(demo)", is_demo=True, is_active=True)
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, agency=agency, role=Role.AHTU_OFFICER)
    return user


def seed_demo(cases_per_agency: int = 30) -> SeedResult:
    result = SeedResult()
    load_geography()
    with transaction.atomic():
        agencies = seed_agencies(result)
        users = seed_users(agencies, result)
    seed_cases(agencies, users, result, per_agency=cases_per_agency)
    seed_tips(result)
    seed_legal_files(users, result)
    seed_care(users, result)
    seed_matching(users, result)
    seed_programmes(users, result)
    from safetynet.tourism.demo import seed_tourism

    seed_tourism(result)
    return result


def seed_programmes(users: dict[str, User], result: SeedResult) -> None:
    """Kishanganj's prevention programme and the 2006–2009 law-enforcement training
    (programmes/demo.py, the generator the seed-figures test enters through the services), so
    /stats/ shows the seed's figures. Bulk-inserted for speed (about 1,200 records) with one
    audit event per programme saying so, as bulk_persons does. Skipped once any exists."""
    from safetynet.programmes import demo as programmes
    from safetynet.programmes.models import TrainingCentre, VigilanceCommittee

    if VigilanceCommittee.objects.exists() or TrainingCentre.objects.exists():
        return
    agencies = {a.short_code: a for a in Agency.objects.filter(short_code__in=["NGO-KISH", "UNODC"])}
    if len(agencies) < 2:
        return
    with transaction.atomic():
        for code, specs in (("NGO-KISH", programmes.kishanganj_specs()), ("UNODC", programmes.training_specs())):
            n = programmes.bulk_enter(specs, agencies[code])
            record(actor=None, action="programme.seed", object_type="programmes", object_id=code,
                   agency=agencies[code], changes={"seed": "demo", "bulk": n})
            result.programme_records += n


# Missing-person reports a reviewer meets on the first morning (seed_matching): Rohima's family at
# Murshidabad writes her name in Latin letters, a neighbour's tip in Bengali (the same girl twice:
# a duplicate to review), and two reports of other girls nobody has found.
DEMO_REPORTS = [
    # name, other names, sex, age, district code, father, source, description
    ("Mst. Rohima Khatun", ["Rohi"], "female", 15, "IN-WB-MURS", "Abdul Karim", "family",
     "Left for a job in Kolkata with a woman from the next village; green salwar, thin, a scar on the chin."),
    ("রহিমা খাতুন", [], "female", 15, "IN-WB-MURS", "আব্দুল করিম", "tip",
     "Neighbour says she was taken to Kolkata for work and has not called home."),
    ("Sabina Yasmin", ["Sabu"], "female", 13, "IN-WB-N24P", "Rafiq Sheikh", "family",
     "Missing since the fair at Bongaon; red frock."),
    ("पूजा कुमारी", [], "female", 16, "IN-BR-KISH", "रामू महतो", "family",
     "Went with a man who promised marriage; last seen at Kishanganj station."),
]


def seed_matching(users: dict[str, User], result: SeedResult) -> None:
    """Missing-person reports and a first matching run, so that /matching/ shows a candidate
    (Rohima's report and her care record, across scripts) and a duplicate pair of reports.
    Rohima's family tracing starts on her guardian's consent, the basis the matcher needs."""
    from safetynet.care import services as care
    from safetynet.care.models import Survivor
    from safetynet.matching import services as matching
    from safetynet.missing.models import MissingPersonReport
    from safetynet.missing.services import record_missing

    if MissingPersonReport.objects.exists():
        return  # already seeded
    ngo, officer = users.get("ngo.n24p"), users.get("ahtu.n24p")
    if ngo is None or officer is None:
        return
    rohima = next((s for s in Survivor.objects.filter(owning_agency__short_code="NGO-N24P", tracing_started_on=None)
                   .select_related("person__identity") if getattr(s.person, "identity", None) is not None
                   and s.person.identity.get_field("name_latin") == "Rohima Khatoon"), None)
    if rohima is not None:
        today = timezone.localdate()
        care.record_consent(actor=ngo, survivor=rohima, purpose="family_tracing", method="thumbprint",
                            given_by="guardian", language="bn", taken_on=today - datetime.timedelta(days=30))
        care.start_tracing(actor=ngo, survivor=rohima)
    places = {j.code: j for j in Jurisdiction.objects.filter(code__in={r[4] for r in DEMO_REPORTS})}
    for name, other, sex, age, place, father, source, description in DEMO_REPORTS:
        record_missing(actor=officer, jurisdiction=places[place], source=source, description=description, name=name,
                       sex=sex, other_names=other, age=age, family={"father": father})
        result.missing_reports += 1
    run = matching.run_matching()
    result.match_candidates = run.candidates


# What the family will also give when they report Rohima missing (seed_matching): her age as she
# told it and her father's name, which the matcher weighs against common names.
CARE_EXTRA_IDENTITY = {"Rohima Khatoon": {"father_name": "Abdul Karim", "age": "15"}}


def seed_care(users: dict[str, User], result: SeedResult) -> None:
    """Care records an NGO caseworker, shelter staff, a counsellor and the CWC meet on the
    first morning: a girl in shelter care with a plan and services, a child who came forward
    waiting for the CWC (the 24-hour clock running), a woman reintegrated after a home study
    with a follow-up due, a woman placed in a job (the seed's security-guard placements), and
    a Nepali survivor half-way through repatriation. Skipped when any care record exists."""
    from safetynet.care import services as care
    from safetynet.care.models import ShelterHome, Survivor

    if Survivor.objects.exists() or "ngo.n24p" not in users:
        return
    ngo, counsellor = users["ngo.n24p"], users.get("counsellor.kolk")
    places = {j.code: j for j in Jurisdiction.objects.filter(code__in=["IN-WB-N24P"])}
    kolkata = ShelterHome.objects.get(agency__short_code="SH-KOLK")
    barasat = ShelterHome.objects.get(agency__short_code="SH-N24P")
    today = timezone.localdate()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    people = [
        # name (Latin, own script), sex, age band, nationality, exploitation, recruited from
        ("Rohima Khatoon", "রহিমা খাতুন", "female", "12-17", "BD", ["SexualExploitation"], "IN-WB-MURS"),
        ("Sonali Mondal", "সোনালী মণ্ডল", "female", "12-17", "IN", ["ChildLabour"], "IN-WB-N24P-BONG"),
        ("Parveen Bibi", "পারভীন বিবি", "female", "18-25", "IN", ["ForcedMarriage"], "IN-WB-MURS"),
        ("Mamata Das", "মমতা দাস", "female", "26-40", "IN", ["ForcedLabour"], "IN-WB-N24P"),
        ("Sita Tamang", "सीता तामाङ", "female", "18-25", "NP", ["SexualExploitation"], "IN-WB-N24P"),
    ]
    made = []
    for latin, native, sex, age, nat, kinds, source in people:
        made.append(care.register_survivor(
            actor=ngo, came_via="came_forward" if latin != "Sita Tamang" else "referral",
            jurisdiction=places["IN-WB-N24P"], language="ne" if nat == "NP" else "bn", registered_on=ago(200),
            profile=care.Profile(trafficking_status="ActualVictimOfTrafficking", exploitation_types=kinds,
                                 recruitment_methods=["ThroughFriendsOrSocialEvents"],
                                 recruiter_relation="FriendAcquaintance", months_in_exploitation=5,
                                 recruited_from=Jurisdiction.objects.filter(code=source).first()),
            sex=sex, age_band=age, nationality=nat,
            identity={"name_latin": latin, "name_native": native, **CARE_EXTRA_IDENTITY.get(latin, {})}))
    rohima, sonali, parveen, mamata, sita = made
    # Sonali's clock keeps running (she "came forward" this morning); Rohima was produced in time.
    from safetynet.rescues.models import ChildProduction

    production = ChildProduction.objects.get(person=rohima.person)
    ChildProduction.objects.filter(pk=production.pk).update(
        rescued_at=timezone.now() - datetime.timedelta(days=200),
        due_at=timezone.now() - datetime.timedelta(days=199),
        produced_at=timezone.now() - datetime.timedelta(days=199, hours=6))
    ChildProduction.objects.filter(person=sonali.person).update(
        rescued_at=timezone.now() - datetime.timedelta(hours=18), due_at=timezone.now() + datetime.timedelta(hours=6))
    care.record_consent(actor=ngo, survivor=rohima, purpose="services", method="thumbprint", given_by="guardian",
                        language="bn", taken_on=ago(199))
    care.place(actor=ngo, survivor=rohima, shelter=kolkata, started_on=ago(199), reason="CWC order: safe custody")
    care.create_plan(actor=ngo, survivor=rohima, review_every_days=90, goals=[
        ("education", "Back to school (class 8)", ago(-120)), ("psychosocial", "Weekly counselling", None)])
    for kind, provider, days in (("psychosocial_assessment", "Ujjawala counsellor", 190),
                                 ("health", "District Hospital, Barasat", 185),
                                 ("education", "Bridge course, Ujjawala", 100)):
        care.add_service(actor=ngo, survivor=rohima, kind=kind, provider=provider, delivered_on=ago(days))
    if counsellor is not None:
        care.assign(actor=ngo, survivor=rohima, user=counsellor, kind="counsellor")
    for survivor in (parveen, mamata, sita):
        care.record_consent(actor=ngo, survivor=survivor, purpose="services", method="signed", language="bn",
                            taken_on=ago(199))
        care.place(actor=ngo, survivor=survivor, shelter=kolkata, started_on=ago(198),
                   reason="Rescued; no safe home yet")
    care.place(actor=ngo, survivor=sonali, shelter=barasat, started_on=today, reason="Safe custody until the CWC sits")
    care.add_service(actor=ngo, survivor=mamata, kind="livelihood_training",
                     provider="Security skills course, Kolkata", delivered_on=ago(150))
    care.add_service(actor=ngo, survivor=mamata, kind="job_placement", provider="Private security agency, Salt Lake",
                     delivered_on=ago(110), job_role="Security guard")
    care.add_service(actor=ngo, survivor=parveen, kind="job_placement", provider="Hotel, Kolkata",
                     delivered_on=ago(120), job_role="Housekeeping")
    care.record_home_study(actor=ngo, survivor=parveen, conducted_on=ago(110), place=places["IN-WB-N24P"],
                           address="Near the primary school", household=[{"name": "Amina Bibi", "relation": "mother"}],
                           risks="", family_involved="no", village_involved="no", recommendation="reintegrate")
    placement = parveen.placements.get(ended_on=None)
    care.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=ago(100),
                    exit_reason="reintegrated", warnings_read=True)
    placement = mamata.placements.get(ended_on=None)
    care.leave_care(actor=ngo, placement=placement, expected_version=placement.version, ended_on=ago(105),
                    exit_reason="independent")
    nepal = Agency.objects.filter(short_code="NP-JHAP").first()
    rep = care.start_repatriation(actor=ngo, survivor=sita, country="NP", counterpart=nepal,
                                  border_post="Panitanki–Kakarbhitta", started_on=ago(40))
    step = rep.steps.get(kind=1)
    care.complete_step(actor=ngo, step=step, expected_version=step.version, done_on=ago(20),
                       note="Verified by the Embassy of Nepal")
    result.survivors = len(made)


def seed_legal_files(users: dict[str, User], result: SeedResult) -> None:
    """Legal files for six North 24 Parganas demo cases, one of each state an officer meets:
    a charge sheet overdue, one due in ten days, a conviction after adjourned hearings, an
    acquittal after a witness turned hostile, a case closed with a final report, and a trial
    whose threatened victim needs protection at the hearing next week. The prosecutor is on
    the team of the three in court. Skipped when any FIR exists."""
    from safetynet.prosecution import services as legal
    from safetynet.prosecution.models import FirstInformationReport

    if FirstInformationReport.objects.exists() or "ahtu.n24p" not in users:
        return
    officer, head, prosecutor = users["ahtu.n24p"], users["head.n24p"], users.get("prosecutor.n24p")
    station = Agency.objects.filter(short_code="PS-BONG").first()
    cases = [c for c in Case.objects.filter(owning_agency__short_code="AHTU-N24P").order_by("id")
             if c.parties.filter(role="suspect").exists() and c.parties.filter(role="victim").exists()][:6]
    if station is None or len(cases) < 6:
        return
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    def accused_in(case, arrested: int, custody: str = "judicial"):
        a = legal.add_accused(actor=officer, case=case, party=case.parties.filter(role="suspect").first())
        return legal.record_arrest(actor=officer, accused=a, expected_version=a.version, arrested_on=ago(arrested),
                                   custody=custody)

    sections = [["BNS-143", "ITPA-5"], ["BNS-143", "POCSO-4"], ["BNS-143", "BNS-144"], ["ITPA-5", "ITPA-6"],
                ["JJ-79", "BLSA-16"], ["BNS-143", "POCSO-6"]]
    for n, (case, codes) in enumerate(zip(cases, sections, strict=True), 1):
        legal.record_fir(actor=officer, case=case, police_station=station, number=f"{100 + n}/{ago(400).year}",
                         registered_on=ago(400 - n), section_codes=codes)
    overdue, due_soon, convicted, acquitted, closed, in_trial = cases
    accused_in(overdue, 100)
    accused_in(due_soon, 80, "police")
    for case, verdict in ((convicted, "convicted"), (acquitted, "acquitted")):
        a = accused_in(case, 380)
        a = legal.file_police_report(actor=officer, accused=a, expected_version=a.version, report="charge_sheet",
                                     report_on=ago(310))
        if prosecutor is not None:
            case_services.add_team_member(actor=head, case=case, user=prosecutor)
        court = legal.open_court_case(actor=officer, case=case, court="Special Court, Barasat",
                                      number=f"SC {case.pk}/{ago(300).year}", filed_on=ago(300))
        victims = list(case.parties.filter(role__in=["victim", "witness"]))
        legal.record_hearing(actor=officer, court_case=court, held_on=ago(250), outcome="charges_framed")
        legal.record_hearing(actor=officer, court_case=court, held_on=ago(200), outcome="adjourned",
                             adjourned_because="witness_absent", next_date=ago(150),
                             attendance={p.pk: (False, False) for p in victims})
        legal.record_hearing(actor=officer, court_case=court, held_on=ago(150), outcome="evidence", next_date=ago(60),
                             attendance={p.pk: (True, verdict == "acquitted" and i == 0)
                                         for i, p in enumerate(victims)})
        legal.record_verdict(actor=officer, accused=a, expected_version=a.version, verdict=verdict,
                             verdict_on=ago(60), sentence="10 years' rigorous imprisonment and a fine"
                             if verdict == "convicted" else "")
    a = legal.add_accused(actor=officer, case=closed)
    legal.file_police_report(actor=officer, accused=a, expected_version=a.version, report="final_report",
                             report_on=ago(200))
    # In trial: the next hearing is in six days and the victim has been threatened.
    a = accused_in(in_trial, 200)
    legal.file_police_report(actor=officer, accused=a, expected_version=a.version, report="charge_sheet",
                             report_on=ago(130))
    if prosecutor is not None:
        case_services.add_team_member(actor=head, case=in_trial, user=prosecutor)
    court = legal.open_court_case(actor=officer, case=in_trial, court="Special Court (POCSO), Barasat",
                                  number=f"SC {in_trial.pk}/{ago(120).year}", filed_on=ago(120))
    victim = in_trial.parties.filter(role="victim").first()
    assert victim is not None  # chosen above for having one
    legal.record_hearing(actor=officer, court_case=court, held_on=ago(30), outcome="adjourned",
                         adjourned_because="witness_absent", next_date=today + datetime.timedelta(days=6),
                         attendance={victim.pk: (False, False)})
    legal.assess_risk(actor=officer, case=in_trial, party=victim, assessed_on=ago(25), level="high",
                      threats_received=True, pressure_to_withdraw=True, accused_influence="local",
                      notes="Stopped coming to court after visits to her family.")
    legal.record_incident(actor=officer, case=in_trial, party=victim, occurred_on=ago(35), kind="approached",
                          notes="Two men asked her mother where she stays.")
    legal.add_measure(actor=officer, case=in_trial, party=victim, kind="in_camera", starts_on=ago(25))
    legal.add_measure(actor=officer, case=in_trial, party=victim, kind="escort", starts_on=ago(25))
    result.legal_files = 6


# (place, category, happening now, hours ago, what was seen, vehicles, phones, reporter phone)
DEMO_TIPS = [
    ("IN-WB-N24P-PTRP", "border", True, 0.2, "Two girls crying in the back of a white Bolero heading to the "
     "Petrapole crossing, a man holding their phones.", "WB 26 K 4321", "", "+91 98300 44444"),
    ("IN-WB-N24P-PTRP", "border", False, 0.6, "Same white Bolero seen again near the truck parking, now with three "
     "girls.", "WB26K4321", "", ""),
    ("IN-WB-N24P-BONG", "recruitment", False, 30, "A man at the Bongaon bus stand promising girls jobs in Mumbai "
     "beauty parlours, paying their families in advance.", "", "+91 90070 12345", ""),
    ("IN-WB-N24P", "marriage", False, 6, "A 15-year-old girl from our village is to be married to a man from "
     "Haryana next week; nobody knows his family.", "", "", "+91 97480 55555"),
    ("IN-WB-N24P", "missing", False, 50, "Girl of 14 missing since the fair two days ago; last seen with a "
     "woman who offered her work.", "", "9007012345", ""),
    ("IN-WB-N24P-BONG", "child_labour", False, 100, "Boys of about 10 working at the brick kiln at night.", "", "",
     ""),
    ("IN-BR-KISH-GLGL", "border", True, 1.2, "A group of Nepali girls brought across at Galgalia in an auto, a "
     "man in a red shirt paying the driver.", "BR 37 P 2211", "", ""),
    ("IN-BR-KISH", "marriage", False, 20, "Fake marriage: an agent arranging three marriages this month to men "
     "from Rajasthan for money.", "", "+91 94310 66666", "+91 94310 77777"),
    ("IN-BR-KISH", "child_labour", False, 80, "Children from the village taken to Delhi to work in an embroidery "
     "unit.", "", "", ""),
]


def seed_tips(result: SeedResult) -> None:
    """A small, realistic triage queue for N24P and Kishanganj (idempotent: each demo tip
    has its own idempotency key, so a second run finds them and adds nothing)."""
    from safetynet.tips.models import Tip
    from safetynet.tips.services import TipInput, submit_tip

    now = timezone.now()
    for i, (place, category, happening, hours, text, vehicles, phones, reporter) in enumerate(DEMO_TIPS, 1):
        key = f"demo:{i}"
        if Tip.objects.filter(idempotency_key=key).exists():
            continue
        received = now - datetime.timedelta(hours=hours)
        submit_tip(actor=None, channel=Tip.Channel.WEB, idempotency_key=key, now=received, data=TipInput(
            category=category, jurisdiction_code=place, happening_now=happening, seen_at=received,
            description=text, vehicles=vehicles, phones=phones,
            reporter={"phone": reporter, "may_contact": True} if reporter else {}))
        result.tips += 1


def bulk_persons(total: int, batch: int = 5000, progress: Callable[[int, int], None] | None = None) -> int:
    """Add ``total`` persons with encrypted identities, a case per ~4 persons, for load tests."""
    from safetynet.people import vault

    rng = random.Random(SEED + total)
    ahtus = list(Agency.objects.filter(agency_type=Agency.Type.AHTU).select_related("jurisdiction"))
    if not ahtus:
        raise RuntimeError("run seed_demo first: load tests need the demo agencies")
    officer = User.objects.get(username="ahtu.n24p")
    places = {a.pk: _district_places(a) for a in ahtus}
    year = timezone.localdate().year
    done = 0
    started = time.monotonic()
    while done < total:
        n = min(batch, total - done)
        with transaction.atomic():
            agency = ahtus[(done // batch) % len(ahtus)]
            district = agency.jurisdiction
            state_code = district.path.split("/")[1]
            prefix = person_code_prefix(district, year)
            first = next_serial(prefix, n)
            persons = []
            for i in range(n):
                persons.append(Person(code=format_code(prefix, first + i), sex=rng.choice(["female", "female", "male"]),
                                      age_band=rng.choice(Person.AgeBand.values), nationality="IN",
                                      jurisdiction=rng.choice(places[agency.pk]), registering_agency=agency))
            Person.objects.bulk_create(persons, batch_size=1000)
            # sex too, so that a man gets a man's name.
            persons = list(Person.objects.filter(code__in=[p.code for p in persons])
                           .only("id", "public_id", "code", "sex"))
            identities = []
            for p in persons:
                ident = demo_names.name_for_place(rng, "male" if p.sex == "male" else "female", state_code)
                ctx = str(p.public_id)
                identities.append(PersonIdentity(
                    person_id=p.pk,
                    name_native_enc=vault.encrypt(ident["name_native"], f"{ctx}:name_native"),
                    name_latin_enc=vault.encrypt(ident["name_latin"], f"{ctx}:name_latin"),
                ))
            PersonIdentity.objects.bulk_create(identities, batch_size=1000)
            case_prefix = f"{agency.short_code}-{year}"
            n_cases = max(1, n // 4)
            first_case = next_serial(case_prefix, n_cases)
            cases = [Case(reference=f"{case_prefix}-{first_case + k:04d}", title="Load-test case", kind="other",
                          owning_agency=agency, jurisdiction=rng.choice(places[agency.pk]),
                          opened_on=timezone.localdate() - datetime.timedelta(days=rng.randint(0, 1500)),
                          status=rng.choice(Case.Status.values), created_by=officer) for k in range(n_cases)]
            Case.objects.bulk_create(cases, batch_size=1000)
            refs = [c.reference for c in cases]
            case_ids = list(Case.objects.filter(reference__in=refs).values_list("id", flat=True))
            parties = [CaseParty(case_id=case_ids[idx % len(case_ids)], person_id=p.pk,
                                 role="victim" if idx % 4 else "suspect", added_by=officer)
                       for idx, p in enumerate(persons)]
            CaseParty.objects.bulk_create(parties, batch_size=1000)
            record(actor=None, action="demo.bulk_persons", object_type="people.person", object_id=prefix,
                   changes={"persons": n, "cases": n_cases, "first_serial": first,
                            "note": "bulk load-test seed: one audit event per batch"})
        # With DEBUG (SAFETYNET_ENV=development, as in `make run`) Django keeps every query's SQL
        # in connection.queries_log and nothing clears it outside a request: drop it per batch,
        # or a million-person seed holds thousands of 1,000-row INSERT statements in memory.
        reset_queries()
        done += n
        if progress:
            progress(done, int(time.monotonic() - started))
    return done


__all__ = ["seed_demo", "bulk_persons", "DEMO_PASSWORD", "USERS"]
