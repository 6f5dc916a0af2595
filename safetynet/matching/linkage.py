"""The linkage engine: who in one list is probably who in another, with the reasons.

Splink (Fellegi–Sunter) scores pairs of records. The same code runs on DuckDB, in process, by
default, and on Spark for national scale; only the database API object differs
(``DuckDBAPI()`` or ``SparkAPI(spark_session=...)``). Nothing is trained on labels: u is
estimated from random pairs (all pairs when there are few), m by expectation maximisation
over several blocking rules, and the prior from deterministic rules.

    rows, skipped = prepare(records)                 # normalised rows for Splink + Skipped(id, reason)
    result = link(left_records, right_records)        # or dedupe(records); backend="spark", spark=session
    result.pairs[0].fields                            # {"name": 6.1, "birth_year": 2.3, ...} log2 weights

Records it cannot use (empty name, a script the normaliser does not read, an impossible age)
are skipped and reported, never a crash. An age is turned into a birth year with the year it
was taken (``age_year``), so ages given years apart compare with the years elapsed.

Each pair keeps every field's match weight (log2 of its Bayes factor: positive for evidence
of the same person, negative against, 0 when a side is missing) and the agreement level,
so a reviewer sees why two records were put side by side. The fields (``FIELDS``):

- ``given``: the given name: same spelling, same sound, Jaro-Winkler ≥ 0.9, the whole name
  the same sound in another word order, another name (alias, pet name) that sounds like the
  other side's name, a name of one word that sounds like a word of the other's name (given or
  family name, not known which: "Rundle" and "Georgia Rundle"), Jaro-Winkler ≥ 0.8. (No
  separate whole-name field: with given and family it counted the same name evidence three
  times.);
- ``family``: the family name and the father's (or husband's) name *together*, because
  siblings share both: scored separately, their agreement was counted twice and siblings came
  out as matches. Levels: same family name and father; same father, another family name (a
  woman written Khatun/Begum/Devi); same family name with the father not known, similar, or
  different; similar family name; and, first, same family name and father with another
  given name (a sibling), which weighs nothing;
- ``sex``; ``birth_year``: the date of birth when both sides have one (same, day and month
  swapped, 1 character off, same year), else the year (same, ±1, ±3 years, more);
  ``district`` (same district, same state when ``district_relation="state"``, the default in
  link/dedupe, different); ``id_number`` (same, 1-2 characters off, different); ``address``.

The phonetic keys are ``safetynet.matching.normalise``'s; m and u are bounded away from 0
after training (``_bound``) so no field vetoes or guarantees a match on its own.
"""

from __future__ import annotations

import copy
import csv
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from safetynet.matching.normalise import normalise_name, phonetic_key, transliterate

if TYPE_CHECKING:  # pragma: no cover
    from splink import Linker, SettingsCreator

logger = logging.getLogger(__name__)

BACKENDS = ("duckdb", "spark")
LinkType = Literal["link_only", "dedupe_only"]
JURISDICTIONS = Path(__file__).resolve().parents[1] / "agencies" / "data" / "jurisdictions.csv"
MAX_AGE = 120
# normalise_name's problems, as the skipped list says them
PROBLEMS = {"empty": "empty name", "unsupported_script": "name in an unsupported script",
            "no_letters": "name has no letters"}
# Pairs for estimating u: every pair when there are at most this many, else a seeded sample.
U_MAX_PAIRS = 5e6
# EM sessions are capped at this many blocked pairs (Splink samples deterministically above it).
EM_MAX_PAIRS = 2e6
SEED = 6
M_FLOOR = 0.01  # see _bound
# m of two levels fixed by hand (settings): how often the same person's two records show them.
M_ANOTHER_FATHER = 0.05  # the same family name and another father's given name
M_YEARS_APART = 0.03  # birth years more than 3 years apart
# Below this many possible pairs EM is not run: a few dozen records hold too few matches to
# learn m from (it learnt "same family name" as evidence against in a list of 13). m is then
# taken from SMALL_LIST_M: how often one person's two records agree so, by field and level,
# judged for names as South Asian records write them (u is still measured on the data).
SMALL_PAIRS = 1_000
SMALL_LIST_M = {
    "given": {"same spelling": 0.55, "same sound": 0.25, "similar spelling (0.9)": 0.05,
              "whole name the same sound, another word order": 0.02, "another name sounds the same": 0.03,
              "one name only, one of the other's names": 0.02, "similar spelling (0.8)": 0.04, "different": 0.04},
    "family": {"same family name and father, another given name (a sibling?)": 0.05,
               "same family name and father": 0.45, "same father, another family name": 0.05,
               "same family name, father not known": 0.3, "same family name, similar father": 0.04,
               "similar spelling (0.88)": 0.03, "different": 0.05},
    "sex": {"same": 0.98},
    "birth_year": {"same date of birth": 0.3, "date of birth with day and month swapped": 0.01,
                   "date of birth 1 character off": 0.03, "same year of birth, another day": 0.01,
                   "same year": 0.3, "within 1 year": 0.2, "within 3 years": 0.12},
    "district": {"same district": 0.6, "same state": 0.2, "different": 0.2},
    "id_number": {"same number": 0.85, "1 or 2 characters off": 0.05, "different": 0.1},
    "address": {"same address": 0.5, "similar spelling (0.9)": 0.2, "different": 0.3},
}
U_FLOOR = 1e-5
# The same address pairs two records for comparison only when at most this many records of the
# same list give it: a shelter, a home or a police station written as the address would
# otherwise pair every person registered there with every other (it is still compared and scored).
ADDRESS_BLOCK_MAX = 20
# u of the fields a list may carry on only a few records, used with SMALL_LIST_M when too few
# pairs have them (_sparse_fields_m): how often two different people agree so by chance.
# Rescued and missing persons are mostly 10–30 years old, so a year of birth is shared by about
# one pair in twenty; the last level ("more than 3 years apart", "different") takes the rest.
SPARSE_U = {
    "birth_year": {"same date of birth": 2e-4, "date of birth with day and month swapped": 1e-5,
                   "date of birth 1 character off": 2e-4, "same year of birth, another day": 0.02,
                   "same year": 0.05, "within 1 year": 0.1, "within 3 years": 0.18},
    "id_number": {"same number": 1e-5, "1 or 2 characters off": 1e-4},
    "address": {"same address": 1e-3, "similar spelling (0.9)": 0.01},
}

# The columns of a prepared row, in order, with their Arrow types (see _to_arrow).
STRING_COLUMNS = ("unique_id", "source_dataset", "name_latin", "name_key", "given", "family", "name_phonetic",
                  "given_phonetic", "family_phonetic", "father_latin", "father_phonetic", "father_given",
                  "father_given_phonetic", "single_phonetic", "sex", "district", "state", "date_of_birth",
                  "id_number", "address", "address_block")
LIST_COLUMNS = ("name_phonetics", "other_phonetics", "name_words", "block_keys")
INT_COLUMNS = ("birth_year",)
# One side's other names (aliases, pet names) sound like the other side's name or given name.
ANOTHER_NAME = ("size(array_intersect(name_phonetics_l, other_phonetics_r)) > 0"
                " or size(array_intersect(other_phonetics_l, name_phonetics_r)) > 0")
# One side has a name of one word, and it sounds like a word of the other side's longer name:
# "Rundle" and "Georgia Rundle". The one word may be the given name or the family name (a
# record with the other missing). Own columns (single_phonetic, name_words), not given_phonetic
# or family_phonetic: EM does not estimate a comparison in a session blocked on a column it reads.
ONE_NAME_IN_OTHER = ("(single_phonetic_l is not null and array_contains(name_words_r, single_phonetic_l))"
                     " or (single_phonetic_r is not null and array_contains(name_words_l, single_phonetic_r))")
# The whole name is not a field of its own: given and family already weigh it (counted twice, it
# made namesakes certain); a name written in another word order is a level of ``given``.
FIELDS = ("given", "family", "sex", "birth_year", "district", "id_number", "address")
# The columns a record may have (docs/matching.md, "Input columns"); only name is required.
INPUT_COLUMNS = ("id", "name", "other_names", "sex", "age", "birth_year", "date_of_birth", "age_year", "district",
                 "father_name", "id_number", "address")


@dataclass(frozen=True)
class Skipped:
    id: str
    reason: str  # "empty name", "name in an unsupported script", "impossible age (130)"...
    side: str = ""  # "left" or "right" when two lists are linked
    # True: the record was used and only the value the reason names was not ("date of birth not
    # read (14 yrs); used without it"): a typo in one field must not drop a missing child.
    kept: bool = False


@dataclass
class Pair:
    left_id: str
    right_id: str
    match_weight: float  # log2 of the Bayes factor, prior included
    match_probability: float
    fields: dict[str, float] = field(default_factory=dict)  # FIELDS -> log2 weight (term-frequency adjusted)
    levels: dict[str, str] = field(default_factory=dict)  # FIELDS -> agreement level, e.g. "within 1 year"


@dataclass
class LinkResult:
    pairs: list[Pair]
    skipped: list[Skipped]
    comparisons: int  # pairs scored after blocking


# --------------------------------------------------------------------------------------------
# Preparing records


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _ascii_digits(text: str) -> str:
    """Bengali and Devanagari digits (১৪, १४) as 14."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def _number(value: Any) -> float | None:
    """14, "14", "about 14", "14 years", "१४" -> 14.0; "" or "unknown" -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    found = re.search(r"-?\d+(?:\.\d+)?", _ascii_digits(_text(value)))
    return float(found.group()) if found else None


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        items = [_text(v) for v in value]
    else:
        items = re.split(r"[;|\n]", _text(value))
    return [item.strip() for item in items if item and item.strip()]


SEX = {"f": "f", "female": "f", "girl": "f", "woman": "f", "w": "f", "মহিলা": "f", "महिला": "f",
       "m": "m", "male": "m", "boy": "m", "man": "m", "পুরুষ": "m", "पुरुष": "m",
       "t": "t", "transgender": "t", "third gender": "t", "o": "t", "other": "t"}


def _sex(value: Any) -> str | None:
    return SEX.get(_text(value).lower())


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", text)


DISTRICT_WORDS = {"district", "dist", "distt", "dt", "zila", "zilla", "jila", "jilla", "jela"}


@lru_cache(maxsize=1)
def _district_index() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str] | None]]:
    """Names and codes of the jurisdiction tree's districts -> (code, state code); and the
    consonant skeleton of each name -> (code, state) when only one district has it."""
    exact: dict[str, tuple[str, str]] = {}
    skeleton: dict[str, tuple[str, str] | None] = {}
    ambiguous: set[str] = set()
    if not JURISDICTIONS.exists():  # pragma: no cover - the file ships with the repository
        return exact, skeleton
    with JURISDICTIONS.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["level"] != "district":
                continue
            value = (row["code"], row["parent_code"])
            exact[row["code"].lower()] = value
            for text in (row["name"], row["name_local"]):
                key = " ".join(w for w in _words(text) if w not in DISTRICT_WORDS)
                if not key:
                    continue
                if key in exact and exact[key] != value:
                    ambiguous.add(key)
                exact[key] = value
                sk = _skeleton(key)
                skeleton[sk] = None if sk in skeleton and skeleton[sk] != value else value
    for key in ambiguous:  # Aurangabad (Bihar) and Aurangabad (Maharashtra): not resolved by name
        exact.pop(key, None)
    return exact, skeleton


@lru_cache(maxsize=20_000)
def district(text: str) -> tuple[str | None, str | None]:
    """A district as written -> (key, state code). The key is the jurisdiction code when the
    name, the code or its spelling's skeleton names one district ("North 24 Parganas",
    "north 24 parganas district", "IN-WB-N24P" -> "IN-WB-N24P", "IN-WB"); otherwise the
    normalised text, and no state."""
    words = [w for w in _words(transliterate(text)[0] if text else "") if w not in DISTRICT_WORDS]
    if not words:
        return None, None
    key = " ".join(words)
    exact, skeleton = _district_index()
    found = exact.get(key) or exact.get(_text(text).lower()) or skeleton.get(_skeleton(key))
    if found:
        return found
    return key, None


@lru_cache(maxsize=200_000)
def _normalise(text: str):
    return normalise_name(text)


def _phonetic_key(nn) -> str:
    """Order-free phonetic key: "Khatun Rahima" and "Rahima Khatoon" meet."""
    return " ".join(sorted((nn.phonetic or "").split()))


def _skeleton(text: str) -> str:
    """Words' phonetic keys, sorted: "Khatoon Rahima" and "rahima khatun" -> "ktn rhm"."""
    return " ".join(sorted(k for k in map(phonetic_key, text.split()) if k))


def _word_phonetic(text: str) -> str | None:
    return _skeleton(text) or None if text else None


def prepare(rows: Iterable[dict], *, reference_year: int | None = None,
            source_dataset: str | None = None) -> tuple[list[dict], list[Skipped]]:
    """Rows as they come (keys id, name, other_names, sex, age or birth_year, age_year,
    district, father_name; any may be missing) -> rows for Splink, and the records skipped.

    ``id`` defaults to the row's number (1, 2, ...). ``reference_year`` is the year an age
    without ``age_year`` was taken (this year by default). ``source_dataset`` names the side
    when two lists are linked.
    """
    year = reference_year or date.today().year
    out: list[dict] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        uid = _text(row.get("id")) or str(number)
        try:
            prepared, reason = _prepare_one(row, uid, year)
        except Exception as exc:  # a record must never stop a run: report it and go on
            # The type only: the message or traceback could quote the record's name.
            logger.warning("record %s not usable: %s", uid, type(exc).__name__)
            prepared, reason = None, f"not readable ({type(exc).__name__})"
        if prepared is not None and uid in seen:
            prepared, reason = None, "duplicate id"
        if prepared is None:
            skipped.append(Skipped(uid, reason or "not usable"))
            continue
        if reason:  # used, without the value the reason names
            skipped.append(Skipped(uid, reason, kept=True))
        seen.add(uid)
        if source_dataset is not None:
            prepared["source_dataset"] = source_dataset
        out.append(prepared)
    addresses = Counter(row["address"] for row in out if row["address"])
    for row in out:  # for blocking: an address few records of this list share (ADDRESS_BLOCK_MAX)
        row["address_block"] = row["address"] if addresses[row["address"]] <= ADDRESS_BLOCK_MAX else None
    return out, skipped


def _prepare_one(row: dict, uid: str, year: int) -> tuple[dict | None, str | None]:
    raw_name = _text(row.get("name"))
    if not raw_name:
        return None, "empty name"
    nn = _normalise(raw_name)
    if not nn.usable:
        return None, PROBLEMS.get(nn.problem, nn.problem or "name not usable")

    birth_year, problem = _birth_year(row, year)
    if problem:
        return None, problem
    dob, born, note, usable = _date_of_birth(row.get("date_of_birth"), _record_year(row, year))
    if not usable:
        return None, note
    if born is not None:  # a date of birth gives the birth year (before age or birth_year)
        birth_year = born

    name_key = _phonetic_key(nn)
    words = sorted(set((nn.phonetic or "").split()))
    given_phonetic = _word_phonetic(nn.given)
    family_phonetic = _word_phonetic(nn.family)
    aliases: list[str] = []
    for other in _names(row.get("other_names")):
        on = _normalise(other)
        if not on.usable or not on.phonetic:
            continue
        aliases.append(on.phonetic)
        if len(on.tokens) == 1 and family_phonetic:  # a pet name with the family's name: "Munni" Khatun
            aliases.append(" ".join(sorted([*on.phonetic.split(), *family_phonetic.split()])))

    father_latin = father_phonetic = father_given = father_given_phonetic = None
    father = _text(row.get("father_name"))
    if father:
        fn = _normalise(father)
        if fn.usable:
            father_latin = fn.latin or None
            father_phonetic = _phonetic_key(fn) or None
            father_given = fn.given or None
            father_given_phonetic = _word_phonetic(fn.given)

    district_key, state = district(_text(row.get("district")))
    return {
        "unique_id": uid,
        "name_latin": nn.latin or None,
        "name_key": name_key or None,
        "given": nn.given or None,
        "family": nn.family or None,
        "name_phonetic": nn.phonetic or None,
        "given_phonetic": given_phonetic,
        "family_phonetic": family_phonetic,
        "name_phonetics": sorted({k for k in (name_key, given_phonetic) if k}),
        "other_phonetics": sorted(set(aliases)),
        # a name of one word (given or family name, not known which), and the words of a longer name
        "single_phonetic": words[0] if len(nn.tokens) == 1 and words else None,
        "name_words": words if len(nn.tokens) > 1 else [],
        # for blocking: the whole name's key and every other name of two words or more
        "block_keys": sorted({name_key, *(a for a in aliases if " " in a)} - {""}),
        "father_latin": father_latin,
        "father_phonetic": father_phonetic,
        "father_given": father_given,
        "father_given_phonetic": father_given_phonetic,
        "sex": _sex(row.get("sex")),
        "birth_year": birth_year,
        "date_of_birth": dob,
        "district": district_key,
        "state": state,
        "id_number": _id_number(row.get("id_number")),
        "address": " ".join(_words(_text(row.get("address")))) or None,
    }, note


def _record_year(row: dict, year: int) -> int:
    """The year the record was made: its age_year when readable, else the reference year. A
    birth year is impossible relative to it, not to today (a 1900 birth in a 2008 record is fine)."""
    when = _number(_text(row.get("age_year")))
    return int(when) if when is not None and 1900 <= when <= year + 1 else year


# ISO 2008-05-14 (also with / or .), 14/05/2008 or 14-05-2008 (day first), 2008-05, 2008
_DATE_FORMATS = (("ymd", re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")),
                 ("dmy", re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")),
                 ("ym", re.compile(r"(\d{4})[-/.](\d{1,2})")), ("y", re.compile(r"(\d{4})")))


def _date_of_birth(value: Any, record_year: int) -> tuple[str | None, int | None, str | None, bool]:
    """A date of birth as written -> (ISO date when day, month and year are all known, birth
    year, note, whether the record can be used). Bengali and Devanagari digits are read; a
    time after the date is ignored.

    - "", "unknown": nothing, no note;
    - a date with an impossible day or month ("1945-04-93", "31/13/2008"): the year only, and a
      note (the record is used);
    - no date in it ("14 yrs"): nothing, and a note (the record is used without it);
    - a year before record_year - MAX_AGE or after record_year: the record is skipped, as
      for an impossible birth year.
    """
    text = _ascii_digits(_text(value))
    if not re.search(r"\d", text):
        return None, None, None, True
    text = re.split(r"[T ]\d{1,2}:", text, maxsplit=1)[0].strip()  # "2008-05-14 00:00:00" from a spreadsheet
    layout, found = next(((lay, m) for lay, pattern in _DATE_FORMATS if (m := pattern.fullmatch(text))),
                         ("", None))
    if found is None:
        return None, None, f"date of birth not read ({text}); used without it", True
    parts = dict(zip(layout, (int(g) for g in found.groups()), strict=True))
    born = parts["y"]
    if not record_year - MAX_AGE <= born <= record_year:
        return None, None, f"impossible date of birth ({text})", False
    if layout in ("y", "ym"):
        if layout == "ym" and not 1 <= parts["m"] <= 12:
            return None, born, f"impossible month of birth ({text}); only the year used", True
        return None, born, None, True
    try:
        iso = date(born, parts["m"], parts["d"]).isoformat()
    except ValueError:
        return None, born, f"impossible date of birth ({text}); only the year used", True
    return iso, born, None, True


def _id_number(value: Any) -> str | None:
    """A document number (Aadhaar, NID, birth certificate, passport) as uppercase letters and
    digits: "1234 5678 9012" and "1234-5678-9012" meet. Without a digit, or shorter than 4
    ("N/A", "none", "0"), or one repeated character ("000000"), it is not a number."""
    key = re.sub(r"[^0-9A-Z]", "", _ascii_digits(_text(value)).upper())
    if len(key) < 4 or not re.search(r"\d", key) or len(set(key)) == 1:
        return None
    return key


def _birth_year(row: dict, year: int) -> tuple[int | None, str | None]:
    raw_birth = _text(row.get("birth_year"))
    if raw_birth:
        born = _number(raw_birth)
        if born is None:
            return None, None  # "not known" and the like: no birth year, the record still counts
        made = _record_year(row, year)
        if not made - MAX_AGE <= born <= made + 1:
            return None, f"impossible birth year ({raw_birth})"
        return int(born), None
    raw_age = _text(row.get("age"))
    if not raw_age:
        return None, None
    age = _number(raw_age)
    if age is None:
        return None, None
    if age < 0 or age > MAX_AGE:
        return None, f"impossible age ({raw_age})"
    taken = year
    raw_taken = _text(row.get("age_year"))
    if raw_taken:
        when = _number(raw_taken)
        if when is None or not 1900 <= when <= year + 1:
            return None, f"impossible year the age was taken ({raw_taken})"
        taken = int(when)
    return round(taken - age), None


# --------------------------------------------------------------------------------------------
# The model


def settings(link_type: LinkType, *, district_relation: str | None = None) -> SettingsCreator:
    """Splink settings: comparisons, blocking rules for prediction, and starting values.

    ``district_relation``: a column of the prepared rows naming the larger unit a district
    belongs to (prepare fills ``state``); when given, the same state is a level of its own
    between the same district and different districts.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator

    def jw(column: str, threshold: float):
        return cll.JaroWinklerLevel(column, threshold).configure(label_for_charts=f"similar spelling ({threshold})")

    given = cl.CustomComparison(
        output_column_name="given", comparison_description="given name, and other names the person goes by",
        comparison_levels=[
            cll.NullLevel("given"),
            cll.ExactMatchLevel("given").configure(label_for_charts="same spelling"),
            cll.ExactMatchLevel("given_phonetic", term_frequency_adjustments=True).configure(
                label_for_charts="same sound"),
            jw("given", 0.9),
            # "Khatun Rahima" and "Rahima Khatoon": the whole name sounds the same in another order
            cll.CustomLevel("name_key_l = name_key_r", "whole name the same sound, another word order"),
            cll.CustomLevel(ANOTHER_NAME, "another name sounds the same", base_dialect_str="spark"),
            cll.CustomLevel(ONE_NAME_IN_OTHER, "one name only, one of the other's names", base_dialect_str="spark"),
            jw("given", 0.8),  # not lower: DuckDB and the Spark UDF compute Jaro differently below ~0.8
            cll.ElseLevel().configure(label_for_charts="different"),
        ])
    same_family = "family_phonetic_l = family_phonetic_r"
    same_father = "father_given_phonetic_l = father_given_phonetic_r"
    no_father = "(father_given_phonetic_l is null or father_given_phonetic_r is null)"
    other_given = ("given_phonetic_l <> given_phonetic_r and name_key_l <> name_key_r"
                   f" and not ({ANOTHER_NAME})")
    # Every level where the family name agrees is adjusted by how common that name is (Khatun,
    # Begum, Islam are shared by many households): Splink replaces the level's average u by the
    # name's frequency, taken relative to the u of the plain "same family name" level below.
    tf_family: dict[str, Any] = {}
    family = cl.CustomComparison(
        output_column_name="family",
        comparison_description="family name and father's or husband's name, together (siblings share both)",
        comparison_levels=[
            cll.And(cll.NullLevel("family"), cll.NullLevel("father_given_phonetic")),
            # A brother or sister: same family name, same father, (usually) same district and close
            # ages. When the given names differ too, that agreement says "same family", not "same
            # person": it weighs nothing (m = u, fixed), and the different given name counts against.
            cll.CustomLevel(f"{same_family} and {same_father} and {other_given}",
                            "same family name and father, another given name (a sibling?)",
                            base_dialect_str="spark").configure(
                m_probability=0.05, u_probability=0.05, fix_m_probability=True, fix_u_probability=True),
            cll.CustomLevel(f"{same_family} and {same_father}", "same family name and father").configure(
                **tf_family),
            cll.CustomLevel(same_father, "same father, another family name"),
            cll.CustomLevel(f"{same_family} and {no_father}", "same family name, father not known").configure(
                **tf_family),
            cll.And(cll.CustomLevel(same_family), cll.JaroWinklerLevel("father_given", 0.8)).configure(
                label_for_charts="same family name, similar father", **tf_family),
            # Fixed, not learnt: EM learnt this level as evidence FOR (+8.7 bits) where a few
            # family names are shared by many households (Khatun, Islam). Another father is evidence
            # against; not a veto, since one record may give the husband's name, the other the father's.
            cll.CustomLevel(same_family, "same family name, another father").configure(
                m_probability=M_ANOTHER_FATHER, fix_m_probability=True, **tf_family),
            jw("family", 0.88),
            cll.ElseLevel().configure(label_for_charts="different"),
        ])
    sex = cl.CustomComparison(output_column_name="sex", comparison_description="sex", comparison_levels=[
        cll.NullLevel("sex"),
        cll.ExactMatchLevel("sex").configure(label_for_charts="same"),
        cll.ElseLevel().configure(label_for_charts="different", m_probability=0.02),
    ])
    # One comparison for the date and the year of birth: as two, the year would be counted again
    # whenever the dates agree. The date's levels apply when both sides have a full date.
    dates = "date_of_birth_l is not null and date_of_birth_r is not null"
    swapped = (f"{dates} and substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4)"
               " and substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2)"
               " and substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)")
    birth = cl.CustomComparison(output_column_name="birth_year",
                                comparison_description="date of birth, or year of birth (from age)",
                                comparison_levels=[
        cll.NullLevel("birth_year"),
        cll.ExactMatchLevel("date_of_birth").configure(label_for_charts="same date of birth"),
        cll.CustomLevel(swapped, "date of birth with day and month swapped"),
        cll.LevenshteinLevel("date_of_birth", 1).configure(label_for_charts="date of birth 1 character off"),
        cll.CustomLevel(f"{dates} and birth_year_l = birth_year_r", "same year of birth, another day"),
        cll.ExactMatchLevel("birth_year").configure(label_for_charts="same year"),
        cll.AbsoluteDifferenceLevel("birth_year", 1).configure(label_for_charts="within 1 year"),
        cll.AbsoluteDifferenceLevel("birth_year", 3).configure(label_for_charts="within 3 years"),
        # Fixed, not learnt: EM put it at about -2 bits, so a namesake born 8 years apart still
        # came out certain. Not a veto either: ages of rescued children are often guessed or false.
        cll.ElseLevel().configure(label_for_charts="more than 3 years apart", m_probability=M_YEARS_APART,
                                  fix_m_probability=True),
    ])
    id_number = cl.CustomComparison(output_column_name="id_number", comparison_description="document number",
                                    comparison_levels=[
        cll.NullLevel("id_number"),
        cll.ExactMatchLevel("id_number").configure(label_for_charts="same number"),
        cll.LevenshteinLevel("id_number", 2).configure(label_for_charts="1 or 2 characters off"),
        cll.ElseLevel().configure(label_for_charts="different"),
    ])
    address = cl.CustomComparison(output_column_name="address", comparison_description="address (loosely)",
                                  comparison_levels=[
        cll.NullLevel("address"),
        cll.ExactMatchLevel("address").configure(label_for_charts="same address"),
        jw("address", 0.9),
        cll.ElseLevel().configure(label_for_charts="different"),
    ])
    place_levels: list = [
        cll.NullLevel("district"),
        cll.ExactMatchLevel("district").configure(label_for_charts="same district"),
    ]
    if district_relation:
        place_levels.append(cll.ExactMatchLevel(district_relation).configure(label_for_charts="same state"))
    place_levels.append(cll.ElseLevel().configure(label_for_charts="different"))
    place = cl.CustomComparison(output_column_name="district", comparison_description="district",
                                comparison_levels=place_levels)

    return SettingsCreator(
        link_type=link_type,
        comparisons=[given, family, sex, birth, place, id_number, address],
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
    )


def blocking_rules() -> list:
    """Which pairs are compared at all: those that share the sound of the whole name, or of
    the given name and are born within 3 years, or the family name and the father's name, or
    the family name, the given name's first letter and a birth year within 3, or the same date
    of birth, or the same document number, or the same address when at most ADDRESS_BLOCK_MAX
    records of the list give it (``address_block``). A pair that none of these let through is
    never scored (the comparison count says how many were). realtime._block_keys follows these."""
    from splink import block_on

    return [
        block_on("name_key"),
        "l.given_phonetic = r.given_phonetic and abs(l.birth_year - r.birth_year) <= 3",
        block_on("family_phonetic", "father_given_phonetic"),
        block_on("given_phonetic", "father_given_phonetic"),
        block_on("given_phonetic", "district"),
        "l.family_phonetic = r.family_phonetic and substr(l.given, 1, 1) = substr(r.given, 1, 1)"
        " and abs(l.birth_year - r.birth_year) <= 3",
        block_on("block_keys", arrays_to_explode=["block_keys"]),
        block_on("date_of_birth"),
        block_on("id_number"),
        block_on("address_block"),
    ]


def em_rules() -> list[tuple[tuple[str, ...], Any]]:
    """Blocking rules for expectation maximisation, each with the columns that must have values
    for it to run. A rule fixes the fields whose columns it uses (Splink does not estimate them
    from it) and lets the others be estimated, so every field is estimated at least once: birth
    year and sex (-> given, family, district, number, address), given name's sound and district
    (-> birth year, sex...; not family, whose sibling level reads the given name), family name's
    sound and birth year (-> given, sex, district...), and the date of birth and the document
    number when the data has them. None uses the whole name's sound: it holds the family name,
    and EM then saw only pairs that agree on it."""
    from splink import block_on

    return [(("birth_year", "sex"), block_on("birth_year", "sex")),
            (("given_phonetic", "district"), block_on("given_phonetic", "district")),
            (("family_phonetic", "birth_year"), block_on("family_phonetic", "birth_year")),
            (("date_of_birth",), block_on("date_of_birth")),
            (("id_number",), block_on("id_number"))]


def train(linker: Linker, *, seed: int = SEED) -> None:
    """Estimate the model without labels: the prior from deterministic rules, u from random
    pairs (every pair when there are few, so results do not depend on the backend's random
    numbers), m by expectation maximisation over several blocking rules, each of which leaves
    other fields free to be estimated."""
    from splink import block_on
    from splink.internals.exceptions import SplinkException

    total = _possible_pairs(linker)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name_key", "birth_year"), block_on("name_key", "father_phonetic"),
             block_on("given_phonetic", "date_of_birth"), block_on("id_number")], recall=0.7)
    except ValueError:  # more pairs met the rules than the recall allows: a tiny list, mostly matches
        linker._settings_obj._probability_two_random_records_match = 0.5
    prior = linker._settings_obj._probability_two_random_records_match
    if not prior or prior <= 0 or prior >= 1:  # no pair met the rules: expect about one match in all
        linker._settings_obj._probability_two_random_records_match = min(0.5, 1 / max(total, 1))

    if total <= U_MAX_PAIRS:
        linker.training.estimate_u_using_random_sampling(max_pairs=total + 1, seed=seed, num_chunks=1,
                                                         min_count_per_level=None)
    else:
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)

    if total < SMALL_PAIRS:
        _small_list_m(linker)
        _bound(linker)
        return
    # Above EM_MAX_PAIRS Splink samples the blocked pairs; below, every pair is used (no sampling
    # probe, and the same pairs on every backend).
    em_max = EM_MAX_PAIRS if total > EM_MAX_PAIRS else None
    for columns, rule in em_rules():
        if not all(_has_values(linker, c) for c in columns):  # no dates of birth, no sex...: no pairs
            continue
        # A session that fails (no pairs under its rule, in a small or clean list) leaves Splink's
        # model without the comparisons the rule fixed: keep a copy and put it back.
        before = copy.deepcopy(linker._settings_obj.core_model_settings)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_max)
        except (SplinkException, ValueError) as exc:
            # ValueError: Splink 5's EM can compute an m of exactly 0 for a level no match falls in,
            # which its own check then refuses; the other rules still estimate that field.
            linker._settings_obj.core_model_settings = before
            logger.info("EM skipped for one rule: %s", str(exc).splitlines()[0])
    _sparse_fields_m(linker)
    _bound(linker)


def _sparse_fields_m(linker: Linker) -> None:
    """A field that few records carry (ages while a district is starting to record them, ID
    numbers) gives EM and random sampling a handful of pairs: they made "same year of birth"
    5 bits *against* from four reports and one survivor with an age. Such a field takes m from
    SMALL_LIST_M, as a small list does, and u from SPARSE_U where it has one."""
    tables = list(linker._input_tables_dict.values())
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        if name not in SMALL_LIST_M:
            continue
        counts = [_scalar(t, f"select count({name}) as n from {{this}}") for t in tables]  # noqa: S608 - ours
        pairs = counts[0] * counts[1] if len(counts) == 2 else counts[0] * (counts[0] - 1) // 2
        if pairs < SMALL_PAIRS:
            _judged_m(comparison)
            _judged_u(comparison)


def _small_list_m(linker: Linker) -> None:
    """m from SMALL_LIST_M for every level whose m is not fixed in the settings."""
    for comparison in linker._settings_obj.comparisons:
        _judged_m(comparison)


def _judged_u(comparison) -> None:
    table = SPARSE_U.get(comparison.output_column_name)
    if not table:
        return
    levels = [level for level in comparison.comparison_levels if not level.is_null_level]
    for level in levels[:-1]:
        level.u_probability = table.get(level.label_for_charts, level.u_probability)
    levels[-1].u_probability = max(1 - sum(float(level.u_probability) for level in levels[:-1]), U_FLOOR)


def _judged_m(comparison) -> None:
    table = SMALL_LIST_M.get(comparison.output_column_name, {})
    for level in comparison.comparison_levels:
        if not level.is_null_level and not level._fix_m_probability and level.label_for_charts in table:
            level.m_probability = table[level.label_for_charts]


def _bound(linker: Linker) -> None:
    """Keep every level's m and u away from 0: a level never seen among matches in training
    (Splink then uses 1e-6) must not veto a pair by 20 bits when a clerk mistypes a field, and
    one never seen among non-matches must not make a pair certain. After this no field moves a
    pair by more than about log2(1/M_FLOOR) bits against, or log2(1/U_FLOOR) for."""
    for comparison in linker._settings_obj.comparisons:
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        for attr, floor in (("m_probability", M_FLOOR), ("u_probability", U_FLOOR)):
            values = [max(float(getattr(level, attr) or 0.0), floor) for level in levels]
            total = sum(values)
            for level, value in zip(levels, values, strict=True):
                setattr(level, attr, value / total)


def _has_values(linker: Linker, column: str) -> bool:
    return all(_scalar(t, f"select count({column}) as n from {{this}}") > 0  # noqa: S608 - our column names
               for t in linker._input_tables_dict.values())


def _possible_pairs(linker: Linker) -> int:
    sizes = [_row_count(t) for t in linker._input_tables_dict.values()]
    if linker._settings_obj._link_type == "link_only":
        return sizes[0] * sizes[1] if len(sizes) == 2 else 0
    n = sum(sizes)
    return n * (n - 1) // 2


def _row_count(table) -> int:
    return _scalar(table, "select count(*) as n from {this}")


def _scalar(table, sql: str) -> int:
    result = table.query_sql(sql)
    try:
        return int(result.as_record_list()[0]["n"])
    finally:
        result.drop_table_from_database_and_remove_from_cache()


# --------------------------------------------------------------------------------------------
# Running


def local_spark(master: str = "local[*]", partitions: int = 4, conf: dict[str, str] | None = None):
    """A Spark session in this process, with Splink's similarity functions (their jar ships in
    the splink package: nothing is downloaded) and settings for one machine; ``conf`` adds or
    overrides Spark settings."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = (SparkSession.builder.master(master).appName("safetynet-matching")
               .config("spark.jars", similarity_jar_location())
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(partitions))
               .config("spark.default.parallelism", str(partitions))
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1"))
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # a line per connection closed, at exit too
    return spark


def _db_api(backend: str, spark=None, duckdb_config: dict[str, Any] | None = None):
    if backend == "duckdb":
        from splink import DuckDBAPI

        if duckdb_config:  # threads, memory_limit, temp_directory... (see _dedupe_scaled)
            import duckdb

            return DuckDBAPI(connection=duckdb.connect(config=duckdb_config))
        return DuckDBAPI()
    if backend == "spark":
        from splink.backends.spark import SparkAPI

        session = spark or local_spark()
        partitions = int(session.conf.get("spark.sql.shuffle.partitions", "4"))
        return SparkAPI(spark_session=session, break_lineage_method="persist",
                        num_partitions_on_repartition=max(1, partitions // 2))
    raise ValueError(f"unknown backend {backend!r}: duckdb or spark")


def _to_arrow(rows: list[dict], with_source: bool):
    import pyarrow as pa

    columns = [c for c in STRING_COLUMNS if with_source or c != "source_dataset"]
    schema = pa.schema([(c, pa.string()) for c in columns] + [(c, pa.list_(pa.string())) for c in LIST_COLUMNS]
                       + [(c, pa.int64()) for c in INT_COLUMNS])
    return pa.Table.from_pylist([{c: row.get(c) for c in schema.names} for row in rows], schema=schema)


def link(left: Iterable[dict], right: Iterable[dict], *, backend: str = "duckdb", threshold: float = 0.5,
         spark=None, reference_year: int | None = None, district_relation: str | None = "state") -> LinkResult:
    """Link two lists: every pair (left record, right record) scored at or above ``threshold``
    (match probability), best first."""
    left_rows, left_skipped = prepare(left, reference_year=reference_year, source_dataset="left")
    right_rows, right_skipped = prepare(right, reference_year=reference_year, source_dataset="right")
    skipped = [replace(s, side="left") for s in left_skipped]
    skipped += [replace(s, side="right") for s in right_skipped]
    if not left_rows or not right_rows:
        return LinkResult([], skipped, 0)
    return _run("link_only", [left_rows, right_rows], skipped, backend=backend, threshold=threshold, spark=spark,
                district_relation=district_relation)


def dedupe(rows: Iterable[dict], *, backend: str = "duckdb", threshold: float = 0.5, spark=None,
           reference_year: int | None = None, district_relation: str | None = "state", large: bool | None = None,
           threads: int | None = None, memory_limit: str | None = None,
           temp_directory: str | Path | None = None) -> LinkResult:
    """Pairs within one list that are probably the same person.

    A large list (``large``; by default more than LARGE_INPUT usable records) is run as
    ``dedupe_to_file`` runs it (narrower blocking, only the pairs at or
    above the threshold kept, DuckDB held to a memory limit), and the pairs are then returned
    here; for hundreds of thousands of records write them to a file with ``dedupe_to_file``.
    ``threads``, ``memory_limit`` ("4GB") and ``temp_directory`` are DuckDB's, for a large run.
    """
    prepared, skipped = prepare(rows, reference_year=reference_year)
    if len(prepared) < 2:
        return LinkResult([], skipped, 0)
    if not (len(prepared) > LARGE_INPUT if large is None else large):
        return _run("dedupe_only", [prepared], skipped, backend=backend, threshold=threshold, spark=spark,
                    district_relation=district_relation)
    result = _dedupe_scaled(prepared, skipped, large=True, out=None, backend=backend, threshold=threshold,
                            spark=spark, district_relation=district_relation, threads=threads,
                            memory_limit=memory_limit, temp_directory=temp_directory)
    assert isinstance(result, LinkResult)  # noqa: S101 - out=None returns the pairs
    return result


def dedupe_to_file(rows: Iterable[dict], out: str | Path, *, backend: str = "duckdb", threshold: float = 0.5,
                   spark=None, reference_year: int | None = None, district_relation: str | None = "state",
                   large: bool | None = None, threads: int | None = None, memory_limit: str | None = None,
                   temp_directory: str | Path | None = None) -> DedupeCounts:
    """De-duplicate ``rows`` and write the pairs at or above ``threshold`` to ``out`` (``.parquet``
    or ``.csv``; on Spark a folder of Parquet files), best first, one row per pair: left_id,
    right_id, match_weight, match_probability, weight_<field> and level_<field> for each of
    FIELDS. No names: join them back by id. Returns the counts and the skipped records; the
    pairs never become Python objects, so 1,000,000 records fit in a few GB.

    The file is written beside ``out`` and moved over it: a failed run leaves no half file.
    ``large`` (default: more than LARGE_INPUT usable records) blocks with
    ``dedupe_blocking_rules()`` (and above TRAIN_MAX_ROWS trains on a sample); otherwise the pairs are
    those ``dedupe`` finds. ``threads``, ``memory_limit`` and ``temp_directory`` are DuckDB's:
    beyond the limit (LARGE_MEMORY_LIMIT by default) it spills to the folder instead of growing.
    """
    import time

    path = Path(out)
    if path.suffix.lower() not in OUT_FORMATS or (backend == "spark" and path.suffix.lower() != ".parquet"):
        raise ValueError(f"{path.name}: the output must end in .parquet or .csv (.parquet on Spark)")
    if not path.parent.is_dir():
        raise ValueError(f"{path.parent}: no such folder for the output file")
    started = time.monotonic()
    prepared, skipped = prepare(rows, reference_year=reference_year)
    seconds = {"prepare": round(time.monotonic() - started, 2)}
    if len(prepared) < 2:
        return DedupeCounts(path, len(prepared), skipped, 0, _write_empty(path), seconds=seconds)
    result = _dedupe_scaled(prepared, skipped, large=len(prepared) > LARGE_INPUT if large is None else large,
                            out=path, backend=backend, threshold=threshold, spark=spark,
                            district_relation=district_relation, threads=threads, memory_limit=memory_limit,
                            temp_directory=temp_directory, seconds=seconds)
    assert isinstance(result, DedupeCounts)  # noqa: S101 - out given returns the counts
    return result


def _run(link_type: LinkType, sides: Sequence[list[dict]], skipped: list[Skipped], *, backend: str,
         threshold: float, spark, district_relation: str | None) -> LinkResult:
    from splink import Linker

    with _quiet_splink():
        db_api = _db_api(backend, spark)
        tables = [db_api.register(_to_arrow(rows, link_type == "link_only")) for rows in sides]
        linker = Linker(tables if len(tables) > 1 else tables[0],
                        settings(link_type, district_relation=district_relation), log_level=None)
        train(linker)
        predictions = linker.inference.predict()
        try:
            pairs, comparisons = _collect(linker, predictions, threshold)
        finally:
            predictions.drop_table_from_database_and_remove_from_cache()
    return LinkResult(pairs, skipped, comparisons)


# --------------------------------------------------------------------------------------------
# De-duplicating a large list (issue 6: 1,000,000 records on 2 cores, in minutes and a few GB)

# Above this many usable records dedupe() and dedupe_to_file() block with dedupe_blocking_rules():
# blocking_rules() compare about N**2 / 2,700 pairs (3.8 million at
# 100,000, far too many at 300,000; docs/benchmarks.md).
LARGE_INPUT = 50_000
# A larger list's model is trained on this many of its records, drawn at random (seeded). Not
# lower: trained on 100,000 of 1,000,000 records the benchmark found 67 % of the known duplicates
# at >= 0.5 instead of 94 %, and saved only 20 s of 94 (train() samples u and EM already).
TRAIN_MAX_ROWS = 2_000_000
# DuckDB's memory in a large run unless memory_limit says otherwise: beyond it DuckDB spills to
# a temporary folder. Python holds the prepared rows besides (about 1 GB per 1,000,000).
LARGE_MEMORY_LIMIT = "4GB"
OUT_FORMATS = {".parquet": "parquet", ".csv": "csv"}


@dataclass
class DedupeCounts:
    """What ``dedupe_to_file`` did: the pairs are in the file, not in memory."""

    path: Path
    records: int  # usable records de-duplicated
    skipped: list[Skipped]
    comparisons: int  # pairs scored after blocking
    pairs: int  # pairs written: at or above the threshold
    # each prediction blocking rule and the pairs it added (a pair counts under its first rule)
    blocking: list[tuple[str, int]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # prepare, train, block, predict, write


def dedupe_blocking_rules() -> list:
    """Which pairs a large de-duplication compares: blocking_rules() made narrower, so that no
    rule pairs every record of a common name with every other (Rahima Khatun, Yadav, Khan are
    thousands of records among 1,000,000). Each rule asks for a name and one more thing: the
    whole name's sound with a birth year within 3 (or a side without one); the given name's
    sound with the same birth year; the family name and father's given name with a birth year
    within 3 (or without one); the given name with the father's; the given name with the
    district; the family name and given initial with the district and a birth year within 3. A
    date of birth pairs only with the same given initial or district, a document number alone.

    Measured (bench/matching_scale.py, 1,000,000 records, Splink's count_comparisons_from_
    blocking_rules on a 10 % sample; 17.8 million when run): about 16.5 million pairs, where
    blocking_rules() make 270-380 million ("family name, initial, birth year within 3" alone 269
    million, "given name's sound, birth year within 3" 62 million); 99.2 % of the known true
    pairs pass, against 99.8 %. docs/benchmarks.md has each rule's count."""
    from splink import block_on

    by3 = "(abs(l.birth_year - r.birth_year) <= 3 or l.birth_year is null or r.birth_year is null)"
    return [
        f"l.name_key = r.name_key and {by3}",
        block_on("given_phonetic", "birth_year"),
        f"l.family_phonetic = r.family_phonetic and l.father_given_phonetic = r.father_given_phonetic and {by3}",
        block_on("given_phonetic", "father_given_phonetic"),
        block_on("given_phonetic", "district"),
        "l.family_phonetic = r.family_phonetic and substr(l.given, 1, 1) = substr(r.given, 1, 1)"
        " and l.district = r.district and abs(l.birth_year - r.birth_year) <= 3",
        "l.date_of_birth = r.date_of_birth and substr(l.given, 1, 1) = substr(r.given, 1, 1)",
        block_on("date_of_birth", "district"),
        block_on("id_number"),
    ]


def _dedupe_scaled(prepared: list[dict], skipped: list[Skipped], *, large: bool, out: Path | None, backend: str,
                   threshold: float, spark, district_relation: str | None, threads: int | None,
                   memory_limit: str | None, temp_directory: str | Path | None,
                   seconds: dict[str, float] | None = None) -> LinkResult | DedupeCounts:
    """De-duplicate prepared rows: train (on a sample above TRAIN_MAX_ROWS), count the blocked pairs
    per rule, score them keeping only the pairs at or above ``threshold`` (Splink's predict
    threshold: the rest are never materialised), then return them (``out`` None) or write them."""
    import random
    import tempfile
    import time

    from splink import Linker

    seconds = seconds if seconds is not None else {}
    with tempfile.TemporaryDirectory(prefix="safetynet-dedupe-", dir=temp_directory) as spill, _quiet_splink():
        config = {"threads": threads, "memory_limit": memory_limit or LARGE_MEMORY_LIMIT, "temp_directory": spill,
                  "preserve_insertion_order": False}  # lets DuckDB stream and spill more
        db_api = _db_api(backend, spark, {k: v for k, v in config.items() if v is not None})
        model = settings("dedupe_only", district_relation=district_relation)
        if large:
            model.blocking_rules_to_generate_predictions = dedupe_blocking_rules()
        started = time.monotonic()
        table = db_api.register(_to_arrow(prepared, False))
        if large and len(prepared) > TRAIN_MAX_ROWS:
            sample = db_api.register(_to_arrow(random.Random(SEED).sample(prepared, TRAIN_MAX_ROWS), False))  # noqa: S311
            trainer = Linker(sample, model, log_level=None)
            train(trainer)
            linker = Linker(table, trainer.misc.save_model_to_json(), log_level=None)
            sample.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        else:
            linker = Linker(table, model, log_level=None)
            train(linker)
        seconds["train"] = round(time.monotonic() - started, 2)

        started = time.monotonic()
        blocked = linker.inference.compute_blocked_pairs_for_predict()  # cached: predict() scores these
        by_rule = blocked.query_sql("select match_key, count(*) as n from {this} group by match_key")
        counts = {int(r["match_key"]): int(r["n"]) for r in by_rule.as_record_list()}
        by_rule.drop_table_from_database_and_remove_from_cache()
        rules = linker._settings_obj._blocking_rules_to_generate_predictions
        blocking = [(rule.blocking_rule_sql, counts.get(i, 0)) for i, rule in enumerate(rules)]
        comparisons = sum(counts.values())
        seconds["block"] = round(time.monotonic() - started, 2)

        started = time.monotonic()
        predictions = linker.inference.predict(threshold_match_probability=threshold or None)
        blocked.drop_table_from_database_and_remove_from_cache()
        try:
            seconds["predict"] = round(time.monotonic() - started, 2)
            started = time.monotonic()
            if out is None:
                pairs, _ = _collect(linker, predictions, threshold, comparisons=comparisons)
                return LinkResult(pairs, skipped, comparisons)
            written = _write_pairs(linker, predictions, out, backend)
            seconds["write"] = round(time.monotonic() - started, 2)
        finally:
            predictions.drop_table_from_database_and_remove_from_cache()
    return DedupeCounts(out, len(prepared), skipped, comparisons, written, blocking, seconds)


def _pair_columns(linker: Linker, predictions) -> list[str]:
    """SQL for the output file's columns: ids, score, then each field's weight and level."""
    present = {c.unquote().name for c in predictions.columns}
    columns = ["unique_id_l as left_id", "unique_id_r as right_id", "match_weight", "match_probability"]
    labels = _level_labels(linker)
    for name in labels:
        tf = f" + coalesce(mw_tf_adj_{name}, 0)" if f"mw_tf_adj_{name}" in present else ""
        columns.append(f"coalesce(mw_{name}, 0){tf} as weight_{name}")
    for name, by_value in labels.items():
        # the labels are our own (settings()); quotes doubled all the same
        cases = " ".join(f"when {value} then '{label.replace(chr(39), chr(39) * 2)}'"
                         for value, label in by_value.items())
        columns.append(f"case gamma_{name} {cases} else '' end as level_{name}")
    return columns


def _write_pairs(linker: Linker, predictions, out: Path, backend: str) -> int:
    """Write the pairs, best first, beside ``out`` and move the file over it; -> pairs written."""
    import os
    import shutil
    import tempfile

    select = ("select " + ", ".join(_pair_columns(linker, predictions))  # noqa: S608 - our column names
              + " from {this} order by match_weight desc, left_id, right_id")
    chosen = predictions.query_sql(select)
    try:
        written = _scalar(chosen, "select count(*) as n from {this}")
        tmp = Path(tempfile.mkdtemp(prefix=".pairs-", dir=out.parent)) / ("pairs" + out.suffix)
        try:
            if backend == "spark":
                chosen.as_spark_dataframe().write.mode("overwrite").parquet(str(tmp))
                if out.is_dir():
                    shutil.rmtree(out)
            elif OUT_FORMATS[out.suffix.lower()] == "parquet":
                chosen.as_duckdbpyrelation().to_parquet(str(tmp))
            else:
                chosen.as_duckdbpyrelation().to_csv(str(tmp), header=True)
            os.replace(tmp, out)
        finally:
            shutil.rmtree(tmp.parent, ignore_errors=True)
    finally:
        chosen.drop_table_from_database_and_remove_from_cache()
    return written


def _write_empty(out: Path) -> int:
    """Fewer than two usable records: the file with the columns and no rows."""
    import duckdb

    columns = ["null::varchar as left_id", "null::varchar as right_id", "null::double as match_weight",
               "null::double as match_probability"]
    columns += [f"null::double as weight_{f}" for f in FIELDS] + [f"null::varchar as level_{f}" for f in FIELDS]
    con = duckdb.connect()
    try:
        relation = con.sql("select " + ", ".join(columns) + " where false")  # noqa: S608 - our column names
        if OUT_FORMATS.get(out.suffix.lower()) == "csv":
            relation.to_csv(str(out), header=True)
        else:
            relation.to_parquet(str(out))
    finally:
        con.close()
    return 0


@contextmanager
def _quiet_splink():
    """Splink reports each training step at INFO and every level it could not train at WARNING;
    the run's own summary (comparisons, skipped records) is what a user needs."""
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_logger.setLevel(level)


def _level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        labels[comparison.output_column_name] = {
            int(level.comparison_vector_value): ("missing" if level.is_null_level else level.label_for_charts)
            for level in comparison.comparison_levels
        }
    return labels


def _collect(linker: Linker, predictions, threshold: float, *,
             comparisons: int | None = None) -> tuple[list[Pair], int]:
    """The pairs at or above ``threshold``, best first; and the pairs compared (``comparisons``
    when given: predictions made with a threshold hold only the pairs above it)."""
    if comparisons is None:
        comparisons = _scalar(predictions, "select count(*) as n from {this}")
    where = f"match_probability >= {float(threshold)!r}"  # a float, formatted: nothing from outside
    chosen = predictions.query_sql(
        "select * from {this} where " + where + " order by match_weight desc, unique_id_l, unique_id_r")  # noqa: S608
    try:
        records = chosen.as_record_list()
    finally:
        chosen.drop_table_from_database_and_remove_from_cache()
    labels = _level_labels(linker)
    pairs = []
    for rec in records:
        left_id, right_id = rec["unique_id_l"], rec["unique_id_r"]
        if rec.get("source_dataset_l") == "right":  # keep the left list's record on the left
            left_id, right_id = right_id, left_id
        fields = {}
        levels = {}
        for name, by_value in labels.items():
            weight = float(rec.get(f"mw_{name}") or 0.0) + float(rec.get(f"mw_tf_adj_{name}") or 0.0)
            fields[name] = round(weight, 4)
            gamma = rec.get(f"gamma_{name}")
            levels[name] = by_value.get(int(gamma), "") if gamma is not None else ""
        pairs.append(Pair(str(left_id), str(right_id), round(float(rec["match_weight"]), 4),
                          float(rec["match_probability"]), fields, levels))
    return pairs, comparisons
