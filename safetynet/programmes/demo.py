"""The Kishanganj prevention programme and the 2006–2009 law-enforcement training, as the
records a programme officer would have entered (DOMAIN.md, "Figures the seed reports").

One deterministic generator feeds both the seed-figures test (every record through the
services, audited) and the demo data (``core.demo.seed_programmes``, bulk-inserted). The
records are spread over many villages, dates and sizes; only their sums are fixed:

- Kishanganj: 102 active vigilance committees (and 6 that lapsed), 55 active self-help
  groups (and 3 that lapsed), 233 fake marriages, 108 child marriages and 222 child labourers
  prevented (and some unsafe migrations), 209 survivors counselled, 15 sent home, 65,000
  people reached by awareness events;
- training: 13,490 trained in 390 programmes across 5 states, 8 Nodal Training Centres.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KISHANGANJ = {
    "committees": 102, "committees_lapsed": 6, "self_help_groups": 55, "self_help_groups_lapsed": 3,
    "fake_marriages": 233, "child_marriages": 108, "child_labour": 222, "unsafe_migration": 64,
    "counselled": 209, "sent_home": 15, "reached": 65_000,
}
TRAINING = {"trained": 13_490, "training_programmes": 390, "training_states": 5, "training_centres": 8}

DISTRICT, TOWN, BORDER = "IN-BR-KISH", "IN-BR-KISH-KSGJ", "IN-BR-KISH-GLGL"
VILLAGES = ["Belwa", "Chakla", "Dalla", "Gachhpara", "Jhala", "Kanakpur", "Khagra", "Lohagara", "Mahinganw",
            "Naya Tola", "Patharghatti", "Sontha", "Tappu", "Tulsia", "Bahadurganj", "Dighalbank", "Kochadhaman",
            "Pothia", "Terhagachh", "Thakurganj", "Galgalia", "Bishanpur", "Chhattarpur", "Sukhani"]
CENTRES = [  # name, state
    ("Nodal Training Centre, West Bengal Police Training College, Barrackpore", "IN-WB"),
    ("Nodal Training Centre, Swami Vivekananda State Police Academy, Barrackpore", "IN-WB"),
    ("Nodal Training Centre, Bihar Police Academy, Rajgir", "IN-BR"),
    ("Nodal Training Centre, APPA Hyderabad", "IN-AP"),
    ("Nodal Training Centre, Police Training College, Ananthapur", "IN-AP"),
    ("Nodal Training Centre, Maharashtra Police Academy, Nashik", "IN-MH"),
    ("Nodal Training Centre, Police Training School, Khandala", "IN-MH"),
    ("Nodal Training Centre, Goa Police Training School, Valpoi", "IN-GA"),
]
STATE_PROGRAMMES = {"IN-WB": 110, "IN-AP": 95, "IN-MH": 85, "IN-BR": 70, "IN-GA": 30}
LANGUAGES = {"IN-WB": "Bengali", "IN-BR": "Hindi", "IN-AP": "Telugu", "IN-MH": "Marathi", "IN-GA": "English"}
TITLES = ["Investigating trafficking crimes", "Victim-centred rescue and post-rescue care",
          "Prosecuting trafficking under ITPA and the BNS", "Sensitisation of station house officers",
          "Training of trainers: anti-human trafficking", "Joint training for police and NGOs"]
CURRICULUM = ("UNODC/GoI protocol on trafficking; victim identification; rescue SOP; "
              "evidence and charge sheets; victim and witness protection; inter-agency referral.")


@dataclass
class Spec:
    """One record as entered: the service to call and its arguments (places as codes)."""

    kind: str
    fields: dict = field(default_factory=dict)


def split(total: int, rng: random.Random, lo: int, hi: int) -> list[int]:
    """``total`` in chunks of lo..hi (the last one may be smaller)."""
    parts = []
    while total > 0:
        n = min(total, rng.randint(lo, hi))
        parts.append(n)
        total -= n
    return parts


def spread(total: int, n: int, rng: random.Random, lo: int = 1) -> list[int]:
    """``total`` over exactly ``n`` parts, each at least ``lo``."""
    parts = [lo] * n
    for _ in range(total - lo * n):
        parts[rng.randrange(n)] += 1
    return parts


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def kishanganj_specs(seed: int = 2010) -> list[Spec]:
    rng = random.Random(seed)
    D = datetime.date
    specs: list[Spec] = []

    def place():
        return rng.choices([DISTRICT, TOWN, BORDER], weights=[7, 2, 1])[0]

    for i in range(KISHANGANJ["committees"] + KISHANGANJ["committees_lapsed"]):
        specs.append(Spec("committee", {
            "jurisdiction": place(), "village": f"{VILLAGES[i % len(VILLAGES)]} ward {i // len(VILLAGES) + 1}",
            "formed_on": _day(rng, D(2007, 1, 1), D(2007, 12, 31)), "members_female": rng.randint(4, 9),
            "members_male": rng.randint(3, 7), "active": i < KISHANGANJ["committees"]}))
    for i in range(KISHANGANJ["self_help_groups"] + KISHANGANJ["self_help_groups_lapsed"]):
        specs.append(Spec("self_help_group", {
            "jurisdiction": place(), "village": VILLAGES[rng.randrange(len(VILLAGES))],
            "formed_on": _day(rng, D(2007, 3, 1), D(2009, 6, 30)), "members_female": rng.randint(10, 15),
            "members_male": 0, "active": i < KISHANGANJ["self_help_groups"]}))
    for kind, key, hi in (("fake_marriage", "fake_marriages", 3), ("child_marriage", "child_marriages", 2),
                          ("child_labour", "child_labour", 6), ("unsafe_migration", "unsafe_migration", 4)):
        for n in split(KISHANGANJ[key], rng, 1, hi):
            # Most outcomes came through a committee (an index into the active ones); some did not.
            committee = rng.randrange(KISHANGANJ["committees"]) if rng.random() < 0.8 else None
            specs.append(Spec("outcome", {"jurisdiction": place(), "kind": kind, "persons": n,
                                          "prevented_on": _day(rng, D(2008, 1, 1), D(2010, 6, 30)),
                                          "committee": committee}))
    for n in split(KISHANGANJ["counselled"], rng, 1, 6):
        specs.append(Spec("counselling", {"jurisdiction": place(), "survivors": n,
                                          "held_on": _day(rng, D(2008, 1, 1), D(2010, 6, 30))}))
    for n in split(KISHANGANJ["sent_home"], rng, 1, 3):
        specs.append(Spec("sent_home", {"jurisdiction": DISTRICT, "persons": n,
                                        "sent_on": _day(rng, D(2008, 6, 1), D(2010, 6, 30)),
                                        "from_place": rng.choice(["Delhi", "Mumbai", "Siliguri", "Kolkata",
                                                                  "Haryana (brick kiln)"]),
                                        "to_place": rng.choice(VILLAGES[:14]) + ", Kishanganj"}))
    # Street theatre reached most of the 65,000; the other kinds share the rest.
    for kind, total, lo, hi in (("street_theatre", 48_000, 150, 450), ("school_session", 6_000, 40, 120),
                                ("meeting", 2_500, 15, 60), ("village_assembly", 5_500, 80, 300),
                                ("film", 3_000, 100, 400)):
        for n in split(total, rng, lo, hi):
            female = round(n * rng.uniform(0.42, 0.58))
            children = round(n * rng.uniform(0.15, 0.40))
            specs.append(Spec("awareness_event", {
                "jurisdiction": place(), "kind": kind, "held_on": _day(rng, D(2007, 6, 1), D(2010, 6, 30)),
                "place": rng.choice(VILLAGES) + (" school" if kind == "school_session" else " haat"),
                "reached_female": female, "reached_male": n - female,
                "reached_children": children, "reached_adults": n - children}))
    return specs


def training_specs(seed: int = 2009) -> list[Spec]:
    rng = random.Random(seed)
    specs = [Spec("training_centre", {"name": name, "jurisdiction": state}) for name, state in CENTRES]
    total_programmes = sum(STATE_PROGRAMMES.values())
    sizes = spread(TRAINING["trained"], total_programmes, rng, lo=18)
    states = [s for s, n in STATE_PROGRAMMES.items() for _ in range(n)]
    rng.shuffle(states)
    for state, size in zip(states, sizes, strict=True):
        starts = _day(rng, datetime.date(2006, 4, 1), datetime.date(2009, 12, 20))
        centres = [i for i, (_n, s) in enumerate(CENTRES) if s == state]
        centre = rng.choice(centres) if rng.random() < 0.85 else None
        # The seed counts "police officers and prosecutors": mostly police, prosecutors in most programmes.
        categories = ["police", "prosecutors"] if rng.random() < 0.7 else ["police"]
        weights = [rng.uniform(4, 8), 1.0][:len(categories)]
        parts = [1] * len(categories)
        for _ in range(size - len(categories)):
            parts[rng.choices(range(len(categories)), weights=weights)[0]] += 1
        specs.append(Spec("training", {
            "jurisdiction": state, "title": rng.choice(TITLES), "centre": centre, "starts_on": starts,
            "ends_on": starts + datetime.timedelta(days=rng.randint(0, 4)),
            "venue": CENTRES[centre][0].split(", ", 1)[1] if centre is not None else "District Police Lines",
            "language": LANGUAGES[state], "curriculum": CURRICULUM,
            "participants": dict(zip(categories, parts, strict=True))}))
    return specs


def _resolve(spec: Spec, places: dict, committees: list, centres: list) -> dict:
    fields = dict(spec.fields)
    fields["jurisdiction"] = places[fields["jurisdiction"]]
    if spec.kind == "outcome":
        index = fields["committee"]
        fields["committee"] = committees[index] if index is not None else None
    if spec.kind == "training":
        index = fields["centre"]
        fields["centre"] = centres[index] if index is not None else None
    return fields


def _places(specs: list[Spec]) -> dict:
    from safetynet.agencies.models import Jurisdiction

    codes = {s.fields["jurisdiction"] for s in specs}
    return {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}


def enter(specs: list[Spec], actor) -> int:
    """Every record through its service (validated, audited), as a programme officer would."""
    from . import services

    calls: dict[str, Callable[..., Any]] = {
        "committee": services.record_committee, "self_help_group": services.record_self_help_group,
        "outcome": services.record_outcome, "counselling": services.record_counselling,
        "sent_home": services.record_sent_home, "awareness_event": services.record_awareness_event,
        "training_centre": services.record_training_centre, "training": services.record_training}
    places = _places(specs)
    committees: list = []
    centres: list = []
    for spec in specs:
        obj = calls[spec.kind](actor=actor, **_resolve(spec, places, committees, centres))
        if spec.kind == "committee" and spec.fields["active"]:
            committees.append(obj)
        elif spec.kind == "training_centre":
            centres.append(obj)
    return len(specs)


def bulk_enter(specs: list[Spec], agency) -> int:
    """The same records in a few INSERTs, for demo data (no per-record audit event: the caller
    writes one per batch and says so). Builds the same rows the services would."""
    from .models import (
        AwarenessEvent,
        CounsellingSession,
        PreventionOutcome,
        SelfHelpGroup,
        SentHome,
        TrainingCentre,
        TrainingParticipation,
        TrainingProgramme,
        VigilanceCommittee,
    )

    models: dict[str, Any] = {
        "committee": VigilanceCommittee, "self_help_group": SelfHelpGroup, "outcome": PreventionOutcome,
        "counselling": CounsellingSession, "sent_home": SentHome, "awareness_event": AwarenessEvent,
        "training_centre": TrainingCentre}
    places = _places(specs)
    committees = VigilanceCommittee.objects.bulk_create(
        VigilanceCommittee(owning_agency=agency, **_resolve(s, places, [], []))
        for s in specs if s.kind == "committee")
    active = [c for c in committees if c.active]
    centres = TrainingCentre.objects.bulk_create(
        TrainingCentre(owning_agency=agency, **_resolve(s, places, [], []))
        for s in specs if s.kind == "training_centre")
    rows: dict[str, list] = {}
    programmes, participants = [], []
    for spec in specs:
        if spec.kind in ("committee", "training_centre"):
            continue
        fields = _resolve(spec, places, active, centres)
        if spec.kind == "training":
            participants.append(fields.pop("participants"))
            programmes.append(TrainingProgramme(owning_agency=agency, **fields))
            continue
        if spec.kind == "awareness_event":
            fields["reached"] = fields["reached_female"] + fields["reached_male"]
        rows.setdefault(spec.kind, []).append(models[spec.kind](owning_agency=agency, **fields))
    for kind, objs in rows.items():
        models[kind].objects.bulk_create(objs, batch_size=500)
    TrainingProgramme.objects.bulk_create(programmes, batch_size=500)
    TrainingParticipation.objects.bulk_create(
        (TrainingParticipation(owning_agency=agency, jurisdiction=p.jurisdiction, programme=p, category=c, attended=n)
         for p, counts in zip(programmes, participants, strict=True) for c, n in counts.items()), batch_size=500)
    return len(specs)
