"""Synthetic people written twice, with known truth, for testing and measuring the matcher.

The same people appear on two sides, the way a missing-person report and a rescued person's
registration describe one girl years apart:

- left ("reports"): names in Latin script, as a police station or a family writes them, often
  with an honorific (Kumari, Smt., Mst., Md.) and sometimes a pet name as another name;
- right ("registrations"): for ``script_share`` of the people the name is written in Devanagari
  (or, for ``bengali_share``, in Bengali script), otherwise in Latin with another spelling
  (Khatoon/Khatun, Aarti/Arati) and small spelling slips; honorifics in that script;
- ages taken in different years: the registration is 0-4 years after the report and the age
  given then is the age at the report plus the years elapsed, off by a year or two
  (``age_year`` says when each age was taken);
- places: the district is written differently (code, case, " District"), missing, or another
  district of the same state;
- the father's (or, for some women, the husband's) name, with "Late"/"स्वर्गीय" now and then;
- hard negatives: siblings with the same father, family name and district and close ages;
  people who appear on one side only.

Given names come from the CMU Indian Names Corpus (Latin ↔ Devanagari pairs; CC BY 3.0, see
docs/data-credits.md) read from ../shared/data/names/, or from the subset shipped in
safetynet/people/data/ when the shared copy is not beside the repository. Family names and the
Bengali pool are written by hand (safetynet/people/demo_names.py). Everything is deterministic
given ``seed``.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from safetynet.people.demo_names import BENGALI_FAMILY_F, BENGALI_FAMILY_M, BENGALI_GIVEN_F, BENGALI_GIVEN_M

ROOT = Path(__file__).resolve().parents[2]
CMU_SHARED = ROOT.parent / "shared" / "data" / "names" / "cmu_indian_names_en_hi.tsv"
CMU_SUBSET = ROOT / "safetynet" / "people" / "data" / "names_hi.tsv"
JURISDICTIONS = ROOT / "safetynet" / "agencies" / "data" / "jurisdictions.csv"

# (Devanagari, Latin spellings seen for it)
FAMILY = [
    ("यादव", ["Yadav", "Jadav", "Yadava"]), ("मंडल", ["Mandal", "Mondal"]), ("साह", ["Sah", "Shah", "Saha"]),
    ("पासवान", ["Paswan", "Paswaan"]), ("आलम", ["Alam", "Aalam"]), ("थापा", ["Thapa"]), ("तमांग", ["Tamang"]),
    ("सिंह", ["Singh", "Sing"]), ("शर्मा", ["Sharma", "Sarma"]), ("दास", ["Das", "Dash"]), ("राय", ["Rai", "Ray", "Roy"]),
    ("शेख", ["Sheikh", "Shaikh", "Shekh"]), ("गुप्ता", ["Gupta"]), ("मिश्रा", ["Mishra", "Misra"]),
    ("चौधरी", ["Chaudhary", "Choudhury", "Chowdhury"]), ("प्रसाद", ["Prasad", "Prashad"]), ("अंसारी", ["Ansari"]),
    ("खान", ["Khan"]), ("मुर्मू", ["Murmu"]), ("हांसदा", ["Hansda", "Hansdah"]), ("टुडू", ["Tudu"]),
    ("महतो", ["Mahato", "Mahto"]), ("रविदास", ["Ravidas", "Ruidas", "Rabidas"]), ("गुरुंग", ["Gurung"]),
    ("लामा", ["Lama"]), ("बिस्वास", ["Biswas", "Bishwas"]), ("कामत", ["Kamat", "Kamath"]), ("मांझी", ["Manjhi", "Majhi"]),
    ("पाल", ["Pal", "Paul"]), ("सरकार", ["Sarkar", "Sircar"]), ("घोष", ["Ghosh", "Ghose"]), ("बेग", ["Beg", "Baig"]),
]
# Names some women go by instead of the family's name (left side only writes the family's).
WOMEN_FAMILY = [("खातून", ["Khatoon", "Khatun"]), ("देवी", ["Devi", "Debi"]), ("बेगम", ["Begum", "Begam"])]
PET_NAMES = ["Munni", "Guddi", "Pinky", "Sonu", "Chhotu", "Babli", "Rani", "Bittu", "Golu", "Tuntun"]
HONORIFIC_LATIN_F = ["Kumari", "Smt.", "Mst.", "Ms."]
HONORIFIC_LATIN_M = ["Md.", "Sri", "Mohd.", "Mr."]
HONORIFIC_DEVA_F = ["कुमारी", "श्रीमती", "सुश्री"]
HONORIFIC_DEVA_M = ["श्री", "मोहम्मद"]
LATE = {"latin": "Late", "devanagari": "स्वर्गीय", "bengali": "স্বর্গীয়"}
# Respellings clerks make (applied once, to a Latin name, now and then).
SLIPS = [("aa", "a"), ("ee", "i"), ("oo", "u"), ("sh", "s"), ("v", "w"), ("w", "v"), ("ph", "f"), ("th", "t"),
         ("i", "ee"), ("u", "oo"), ("a", "aa"), ("ks", "x"), ("z", "j"), ("y", "i")]


@lru_cache(maxsize=2)
def given_names(path: Path | None = None) -> list[tuple[str, list[str]]]:
    """(Devanagari, [Latin spellings]) from the CMU corpus, grouped by the Devanagari form."""
    path = path or (CMU_SHARED if CMU_SHARED.exists() else CMU_SUBSET)
    groups: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line or line.startswith("english\t"):
            continue
        latin, deva = (part.strip() for part in line.split("\t", 1))
        if latin and deva and latin.isalpha() and latin not in groups[deva]:
            groups[deva].append(latin)
    return sorted(groups.items())


@lru_cache(maxsize=1)
def districts() -> list[tuple[str, str, str]]:
    """(code, name, state code) of every district in the jurisdiction tree."""
    with JURISDICTIONS.open(newline="", encoding="utf-8") as fh:
        return [(r["code"], r["name"], r["parent_code"]) for r in csv.DictReader(fh) if r["level"] == "district"]


@dataclass
class Person:
    key: int
    sex: str
    script: str  # how the right side writes the name: latin, devanagari or bengali
    given: tuple[str, list[str]]
    family: tuple[str, list[str]]
    father_given: tuple[str, list[str]]
    birth_year: int
    district: tuple[str, str, str]
    alias: str | None = None
    women_family: tuple[str, list[str]] | None = None  # written on the right side only (a clerk's choice)
    own_family: tuple[str, list[str]] | None = None  # her own surname (Khatun, Begum, Bibi), on both sides


@dataclass
class Synthetic:
    left: list[dict] = field(default_factory=list)
    right: list[dict] = field(default_factory=list)
    truth: set[tuple[str, str]] = field(default_factory=set)  # (left id, right id) of the same person


def _slip(rng: random.Random, word: str) -> str:
    options = [(a, b) for a, b in SLIPS if a in word.lower()]
    if not options:
        return word
    a, b = rng.choice(options)
    lower = word.lower()
    at = lower.find(a)
    out = lower[:at] + b + lower[at + len(a):]
    return out.capitalize()


def _latin(rng: random.Random, spellings: list[str], avoid: str | None = None, slip: float = 0.0) -> str:
    choices = [s for s in spellings if s != avoid] or spellings
    word = rng.choice(choices)
    if rng.random() < slip:
        word = _slip(rng, word)
    return word


def _district_text(rng: random.Random, district: tuple[str, str, str]) -> str:
    code, name, _state = district
    return rng.choice([name, name, name.lower(), name.upper(), f"{name} District", code])


def _people(rng: random.Random, n: int, script_share: float, bengali_share: float, base_year: int) -> list[Person]:
    pool = given_names()
    places = districts()
    people: list[Person] = []
    while len(people) < n:
        bengali = rng.random() < bengali_share
        if bengali:  # the household's name (Sheikh, Mondal...); the father is from the Bengali pool
            family = rng.choice(BENGALI_FAMILY_M)
            family = (family[0], [s for s in family[1] if s != "Sk."] or family[1])
            father_given = rng.choice(BENGALI_GIVEN_M)
        else:
            family = rng.choice(FAMILY)
            father_given = rng.choice(pool)
        district = rng.choice(places)
        birth = base_year - rng.randint(6, 30)
        taken: set[str] = set()
        # one child, or siblings: same father, family and district, close ages, other given names
        for sibling in range(rng.choice([1, 1, 1, 2, 2, 3])):
            if len(people) >= n:
                break
            sex = "f" if rng.random() < 0.7 else "m"
            own_family = None
            if bengali:
                choices = [g for g in (BENGALI_GIVEN_F if sex == "f" else BENGALI_GIVEN_M) if g[0] not in taken]
                if not choices:
                    break
                given = rng.choice(choices)
                script = "bengali" if rng.random() < script_share else "latin"
                if sex == "f" and rng.random() < 0.5:  # Khatun, Begum, Bibi: her surname on every paper
                    own = rng.choice([f for f in BENGALI_FAMILY_F if f[0] in ("খাতুন", "বেগম", "বিবি")])
                    own_family = (own[0], own[1])
            else:
                given = rng.choice([g for g in pool if g[0] not in taken])
                script = "devanagari" if rng.random() < script_share else "latin"
            taken.add(given[0])
            women_family = rng.choice(WOMEN_FAMILY) if sex == "f" and not bengali and rng.random() < 0.1 else None
            alias = rng.choice(PET_NAMES) if rng.random() < 0.2 else None
            people.append(Person(key=len(people), sex=sex, script=script, given=given, family=family,
                                 father_given=father_given, birth_year=birth - 2 * sibling, district=district,
                                 alias=alias, women_family=women_family, own_family=own_family))
    return people


def _left(rng: random.Random, p: Person, report_year: int) -> dict:
    honorifics = HONORIFIC_LATIN_F if p.sex == "f" else HONORIFIC_LATIN_M
    given = _latin(rng, p.given[1], slip=0.1)
    family = _latin(rng, (p.own_family or p.family)[1])
    name = f"{given} {family}"
    if rng.random() < 0.3:
        name = f"{rng.choice(honorifics)} {name}"
    father = f"{_latin(rng, p.father_given[1])} {_latin(rng, p.family[1])}"
    if rng.random() < 0.08:
        father = f"{LATE['latin']} {father}"
    row = {"name": name, "sex": rng.choice(["F", "female", "f"]) if p.sex == "f" else rng.choice(["M", "male", "m"]),
           "age": report_year - p.birth_year, "age_year": report_year, "district": _district_text(rng, p.district),
           "father_name": father, "other_names": p.alias or ""}
    if rng.random() < 0.05:
        row["age"] = ""
    if rng.random() < 0.05:
        row["father_name"] = ""
    return row


def _right(rng: random.Random, p: Person, report_year: int) -> dict:
    year = report_year + rng.randint(0, 4)
    noise = rng.choices([0, 1, -1, 2, -2], weights=[60, 15, 15, 5, 5])[0]
    family = p.women_family or p.own_family or p.family
    if p.script == "latin":
        given = _latin(rng, p.given[1], slip=0.3)
        name = f"{given} {_latin(rng, family[1], slip=0.1)}"
        honorific = rng.choice(HONORIFIC_LATIN_F if p.sex == "f" else HONORIFIC_LATIN_M)
        father = f"{_latin(rng, p.father_given[1], slip=0.2)} {_latin(rng, p.family[1])}"
        late = LATE["latin"]
    else:
        name = f"{p.given[0]} {family[0]}"
        honorific = rng.choice(HONORIFIC_DEVA_F if p.sex == "f" else HONORIFIC_DEVA_M)
        father = f"{p.father_given[0]} {p.family[0]}"
        late = LATE[p.script]
        if p.script == "bengali":
            honorific = ""
    if honorific and rng.random() < 0.3:
        name = f"{honorific} {name}"
    if rng.random() < 0.08:
        father = f"{late} {father}"
    place = rng.random()
    if place < 0.65:
        district = _district_text(rng, p.district)
    elif place < 0.8:
        district = ""
    else:  # another district of the same state
        same_state = [d for d in districts() if d[2] == p.district[2] and d != p.district]
        district = _district_text(rng, rng.choice(same_state)) if same_state else ""
    row = {"name": name, "sex": p.sex.upper() if rng.random() < 0.95 else "",
           "age": max(0, year - p.birth_year + noise), "age_year": year, "district": district,
           "father_name": father if rng.random() < 0.9 else "",
           "other_names": (p.alias or "") if rng.random() < 0.3 else ""}
    return row


def _documents(rng: random.Random, p: Person) -> tuple[str, str]:
    """A person's date of birth (ISO) and a 12-digit document number (as Aadhaar's)."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return f"{p.birth_year:04d}-{month:02d}-{day:02d}", "".join(str(rng.randint(0, 9)) for _ in range(12))


def _write_documents(rng: random.Random, row: dict, dob: str, number: str, side: str) -> None:
    """Put a date of birth and a document number on a row, written as clerks write them: other
    layouts, day and month swapped, a digit off, spaces in the number, or left out."""
    year, month, day = dob.split("-")
    draw = rng.random()
    if side == "left" or draw < 0.55:
        row["date_of_birth"] = dob
    elif draw < 0.75:
        row["date_of_birth"] = f"{day}/{month}/{year}"
    elif draw < 0.83 and day != month and int(day) <= 12:
        row["date_of_birth"] = f"{year}-{day}-{month}"  # day and month swapped
    elif draw < 0.93:
        row["date_of_birth"] = f"{year}-{month}-{(int(day) % 28) + 1:02d}"  # the day off
    if rng.random() < 0.75:
        if side == "left":
            number = f"{number[:4]} {number[4:8]} {number[8:]}"
        elif rng.random() < 0.1:
            at = rng.randrange(len(number))
            number = number[:at] + str((int(number[at]) + 1) % 10) + number[at + 1:]  # a digit mistyped
        row["id_number"] = number


def generate(n_people: int = 300, *, seed: int = 0, overlap: float = 0.7, script_share: float = 0.6,
             bengali_share: float = 0.0, base_year: int = 2020, documents: float = 0.0) -> Synthetic:
    """``n_people`` people; ``overlap`` of them are on both sides, the rest on one side only.

    Returns the two sides as rows for ``linkage.prepare`` (keys id, name, other_names, sex, age,
    age_year, district, father_name; with ``documents`` > 0, that share of people also has
    date_of_birth and id_number, each side written differently) and the true pairs as (left id,
    right id). Documents are drawn from a random generator of their own: the rest of the data is
    the same with or without them.
    """
    rng = random.Random(seed)
    people = _people(rng, n_people, script_share, bengali_share, base_year)
    doc_rng = random.Random(f"documents-{seed}")
    documents_of = {p.key: _documents(doc_rng, p) for p in people if documents and doc_rng.random() < documents}
    out = Synthetic()
    left_of: dict[int, str] = {}
    right_rows: list[tuple[dict, int]] = []
    one_side = (1 - overlap) / 2
    for p in people:
        report_year = base_year + rng.randint(0, 3)
        draw = rng.random()
        if draw < overlap + one_side:  # both sides, or the left only
            row = _left(rng, p, report_year)
            if p.key in documents_of:
                _write_documents(doc_rng, row, *documents_of[p.key], "left")
            row["id"] = left_of[p.key] = f"L{len(out.left) + 1:05d}"
            out.left.append(row)
        if draw < overlap or draw >= overlap + one_side:  # both sides, or the right only
            right = _right(rng, p, report_year)
            if p.key in documents_of:
                _write_documents(doc_rng, right, *documents_of[p.key], "right")
            right_rows.append((right, p.key))
    rng.shuffle(right_rows)
    for n, (row, key) in enumerate(right_rows, start=1):
        row["id"] = f"R{n:05d}"
        out.right.append(row)
        if key in left_of:
            out.truth.add((left_of[key], row["id"]))
    return out


def write_csv(rows: list[dict], path: Path) -> Path:
    """The rows as a CSV file with link_csv's columns."""
    columns = ["id", "name", "other_names", "sex", "age", "age_year", "district", "father_name"]
    columns += [c for c in ("date_of_birth", "id_number") if any(c in row for row in rows)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
