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

- ``name``: the whole name: same spelling, same sound in any word order, Jaro-Winkler ≥ 0.92;
- ``given``: the given name: same spelling, same sound, Jaro-Winkler ≥ 0.9, another name
  (alias, pet name) that sounds like the other side's name, Jaro-Winkler ≥ 0.8;
- ``family``: the family name and the father's (or husband's) name *together*, because
  siblings share both: scored separately, their agreement was counted twice and siblings came
  out as matches. Levels: same family name and father; same father, another family name (a
  woman written Khatun/Begum/Devi); same family name with the father not known, similar, or
  different; similar family name;
- ``sex``; ``birth_year`` (same, ±1, ±3 years, more); ``district`` (same district, same
  state when ``district_relation="state"``, the default in link/dedupe, different).

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
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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
U_FLOOR = 1e-5

# The columns of a prepared row, in order, with their Arrow types (see _to_arrow).
STRING_COLUMNS = ("unique_id", "source_dataset", "name_latin", "name_key", "given", "family", "name_phonetic",
                  "given_phonetic", "family_phonetic", "father_latin", "father_phonetic", "father_given",
                  "father_given_phonetic", "sex", "district", "state")
LIST_COLUMNS = ("name_phonetics", "other_phonetics", "block_keys")
INT_COLUMNS = ("birth_year",)
# One side's other names (aliases, pet names) sound like the other side's name or given name.
ANOTHER_NAME = ("size(array_intersect(name_phonetics_l, other_phonetics_r)) > 0"
                " or size(array_intersect(other_phonetics_l, name_phonetics_r)) > 0")
FIELDS = ("name", "given", "family", "sex", "birth_year", "district")


@dataclass(frozen=True)
class Skipped:
    id: str
    reason: str  # "empty name", "name in an unsupported script", "impossible age (130)"...
    side: str = ""  # "left" or "right" when two lists are linked


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
        seen.add(uid)
        if source_dataset is not None:
            prepared["source_dataset"] = source_dataset
        out.append(prepared)
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

    name_key = _phonetic_key(nn)
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
        # for blocking: the whole name's key and every other name of two words or more
        "block_keys": sorted({name_key, *(a for a in aliases if " " in a)} - {""}),
        "father_latin": father_latin,
        "father_phonetic": father_phonetic,
        "father_given": father_given,
        "father_given_phonetic": father_given_phonetic,
        "sex": _sex(row.get("sex")),
        "birth_year": birth_year,
        "district": district_key,
        "state": state,
    }, None


def _birth_year(row: dict, year: int) -> tuple[int | None, str | None]:
    raw_birth = _text(row.get("birth_year"))
    if raw_birth:
        born = _number(raw_birth)
        if born is None:
            return None, None  # "not known" and the like: no birth year, the record still counts
        if not year - MAX_AGE <= born <= year + 1:
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
            cll.CustomLevel(ANOTHER_NAME, "another name sounds the same", base_dialect_str="spark"),
            jw("given", 0.8),  # not lower: DuckDB and the Spark UDF compute Jaro differently below ~0.8
            cll.ElseLevel(),
        ])
    name = cl.CustomComparison(
        output_column_name="name", comparison_description="the whole name, in any order",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_latin").configure(label_for_charts="same spelling"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True).configure(label_for_charts="same sound"),
            jw("name_latin", 0.92),
            cll.ElseLevel(),
        ])
    same_family = "family_phonetic_l = family_phonetic_r"
    same_father = "father_given_phonetic_l = father_given_phonetic_r"
    no_father = "(father_given_phonetic_l is null or father_given_phonetic_r is null)"
    family = cl.CustomComparison(
        output_column_name="family",
        comparison_description="family name and father's or husband's name, together (siblings share both)",
        comparison_levels=[
            cll.And(cll.NullLevel("family"), cll.NullLevel("father_given_phonetic")),
            cll.CustomLevel(f"{same_family} and {same_father}", "same family name and father"),
            cll.CustomLevel(same_father, "same father, another family name"),
            cll.CustomLevel(f"{same_family} and {no_father}", "same family name, father not known"),
            cll.And(cll.CustomLevel(same_family), cll.JaroWinklerLevel("father_given", 0.8)).configure(
                label_for_charts="same family name, similar father"),
            cll.CustomLevel(same_family, "same family name, another father"),
            jw("family", 0.88),
            cll.ElseLevel(),
        ])
    sex = cl.CustomComparison(output_column_name="sex", comparison_description="sex", comparison_levels=[
        cll.NullLevel("sex"),
        cll.ExactMatchLevel("sex").configure(label_for_charts="same"),
        cll.ElseLevel().configure(label_for_charts="different", m_probability=0.02),
    ])
    birth = cl.CustomComparison(output_column_name="birth_year", comparison_description="year of birth (from age)",
                                comparison_levels=[
        cll.NullLevel("birth_year"),
        cll.ExactMatchLevel("birth_year").configure(label_for_charts="same year"),
        cll.AbsoluteDifferenceLevel("birth_year", 1).configure(label_for_charts="within 1 year"),
        cll.AbsoluteDifferenceLevel("birth_year", 3).configure(label_for_charts="within 3 years"),
        cll.ElseLevel().configure(label_for_charts="more than 3 years apart"),
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
        comparisons=[name, given, family, sex, birth, place],
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
    )


def blocking_rules() -> list:
    """Which pairs are compared at all: those that share the sound of the whole name, or of
    the given name and are born within 3 years, or the family name and the father's name, or
    the family name, the given name's first letter and a birth year within 3. A pair that
    none of these let through is never scored (the comparison count says how many were)."""
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
    ]


def em_rules() -> list:
    """Blocking rules for expectation maximisation. Each fixes some fields (those in the rule are
    not estimated from it) and lets the others be estimated, so every field is estimated at
    least once: the whole name's sound (-> family, sex, birth year, district), the birth year
    and sex (-> the names, district), the given name's sound and the district (-> family, birth
    year, sex)."""
    from splink import block_on

    return [block_on("name_key"), block_on("birth_year", "sex"), block_on("given_phonetic", "district")]


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
            [block_on("name_key", "birth_year"), block_on("name_key", "father_phonetic")], recall=0.7)
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

    # Above EM_MAX_PAIRS Splink samples the blocked pairs; below, every pair is used (no sampling
    # probe, and the same pairs on every backend).
    em_max = EM_MAX_PAIRS if total > EM_MAX_PAIRS else None
    for rule in em_rules():
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
    _bound(linker)


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


def _db_api(backend: str, spark=None):
    if backend == "duckdb":
        from splink import DuckDBAPI

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
    skipped = [Skipped(s.id, s.reason, "left") for s in left_skipped]
    skipped += [Skipped(s.id, s.reason, "right") for s in right_skipped]
    if not left_rows or not right_rows:
        return LinkResult([], skipped, 0)
    return _run("link_only", [left_rows, right_rows], skipped, backend=backend, threshold=threshold, spark=spark,
                district_relation=district_relation)


def dedupe(rows: Iterable[dict], *, backend: str = "duckdb", threshold: float = 0.5, spark=None,
           reference_year: int | None = None, district_relation: str | None = "state") -> LinkResult:
    """Pairs within one list that are probably the same person."""
    prepared, skipped = prepare(rows, reference_year=reference_year)
    if len(prepared) < 2:
        return LinkResult([], skipped, 0)
    return _run("dedupe_only", [prepared], skipped, backend=backend, threshold=threshold, spark=spark,
                district_relation=district_relation)


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


def _collect(linker: Linker, predictions, threshold: float) -> tuple[list[Pair], int]:
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
