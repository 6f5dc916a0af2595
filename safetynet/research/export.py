"""The de-identified victim-level export, in the shape of the CTDC Global Dataset.

One row per victim: a person who is a victim party in a case, or who has a care record
(``care.Survivor``) not marked "not a victim of trafficking". A person in several cases is
one row (their earliest case). Columns, codes and hierarchies: docs/research-data.md.

Nothing here can name anyone: no name, code, public id, free text or date finer than a
year leaves this module, and every row is made identical to at least ``K - 1`` others
(kanon.py) before it is written.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_noop

from safetynet.access import policy
from safetynet.access.querysets import has_capability

from .kanon import Hierarchy, Result, anonymise

K = 11  # as CTDC publishes its Global Dataset
MAX_SUPPRESSED_SHARE = 0.05  # stop generalising once at most 5% of rows would have to be dropped
SNAPSHOT_KEY, SNAPSHOT_SECONDS = "research:victim-counts", 600
DATASOURCE = "Case Management"  # CTDC's Datasource code for records from case management systems

# Exploitation, as CTDC's flags. Case.kind and HTCDS's vic_TypeOfExploitation codes map onto them.
SEXUAL, LABOUR, MARRIAGE, MILITARY, ORGAN, OTHER = "sexual", "labour", "marriage", "military", "organ", "other"
TYPE_LABELS = {SEXUAL: "Sexual exploitation", LABOUR: "Forced labour", MARRIAGE: "Forced marriage",
               MILITARY: "Forced military", ORGAN: "Organ removal", OTHER: "Other"}
TYPE_ORDER = [SEXUAL, LABOUR, MARRIAGE, MILITARY, ORGAN, OTHER]
CASE_KIND_TYPES = {"sexual_exploitation": SEXUAL, "forced_labour": LABOUR, "domestic_servitude": LABOUR,
                   "child_labour": LABOUR, "forced_marriage": MARRIAGE, "organ_removal": ORGAN}  # "other": not known
HTCDS_TYPES = {"SexualExploitation": SEXUAL, "ForcedLabour": LABOUR, "ChildLabour": LABOUR, "Servitude": LABOUR,
               "ForcedBegging": LABOUR, "ForcedMarriage": MARRIAGE, "ForcedMilitaryByNonStateActors": MILITARY,
               "OrganRemoval": ORGAN, "ForcedAdoption": OTHER, "Surrogacy": OTHER, "Other": OTHER}

GENDER = {"female": "Female", "male": "Male", "other": "Other"}  # "unknown" -> empty
AGE_BROAD = {"0-11": "0--11", "12-17": "12--17", "18-25": "18--25", "26-40": "26--40", "41+": "41+"}
MINOR_BANDS = {"0-11", "12-17"}
CITIZENSHIP = {"IN": "IN", "BD": "BD", "NP": "NP", "other": "Other"}  # ISO 3166-1 alpha-2; "unknown" -> empty
UN_REGION = {"IN": "Asia", "BD": "Asia", "NP": "Asia"}  # CTDC's UN_COO_Region / UN_COE_Region codes


@dataclass(frozen=True)
class Victim:
    """One victim's quasi-identifiers at their finest (level 0). Nothing else is read."""

    year: int | None
    sex: str
    age_band: str
    nationality: str
    state: str  # the case's (or care record's) state: "IN-WB"; "" when not known
    types: frozenset[str] = field(default_factory=frozenset)
    relation: str = ""  # CTDC IP_Relation code; "" when not known


# --------------------------------------------------------------------------- hierarchies


def year_band(year: int) -> str:
    """CTDC's bands (as in its synthetic dataset) up to 2022, two-year bands after."""
    for low, high in ((2005, 2013), (2014, 2018), (2019, 2019), (2020, 2020), (2021, 2022)):
        if low <= year <= high:
            return str(low) if low == high else f"{low}-{high}"
    if year < 2005:
        return "before 2005"
    low = 2023 + (year - 2023) // 2 * 2
    return f"{low}-{low + 1}"


def _year(value, level: int) -> tuple[str]:
    if value is None or level >= 2:
        return ("",)
    return (str(value),) if level == 0 else (year_band(value),)


def _gender(value, level: int) -> tuple[str]:
    return (GENDER.get(value, ""),) if level == 0 else ("",)


def _age(value, level: int) -> tuple[str, str]:
    majority = "" if value not in AGE_BROAD else ("Minor" if value in MINOR_BANDS else "Adult")
    if level == 0:
        return (AGE_BROAD.get(value, ""), majority)
    return ("", majority) if level == 1 else ("", "")


def _citizenship(value, level: int) -> tuple[str, str]:
    if level == 0:
        return (CITIZENSHIP.get(value, ""), UN_REGION.get(value, ""))
    return ("", UN_REGION.get(value, "")) if level == 1 else ("", "")


def _place(value, level: int) -> tuple[str, str]:
    country = value.split("-", 1)[0] if value else ""
    if level == 0:
        return (country, value)
    return (country, "") if level == 1 else ("", "")


EXPLOIT_COLUMNS = ("isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour", "isForcedMarriage",
                   "isForcedMilitary", "isOrganRemoval", "typeOfExploitConcatenated")


def _flag(on: bool) -> str:
    return "1" if on else "0"


def _exploitation(value: frozenset, level: int) -> tuple[str, ...]:
    if not value or level >= 2:
        return ("",) * len(EXPLOIT_COLUMNS)
    sexual, labour = SEXUAL in value, LABOUR in value
    other_any = bool(value - {SEXUAL, LABOUR})
    if level == 1:  # the three broad forms only
        return (_flag(labour), _flag(sexual), _flag(other_any), _flag(sexual and labour), "", "", "", "")
    return (_flag(labour), _flag(sexual), _flag(OTHER in value), _flag(sexual and labour), _flag(MARRIAGE in value),
            _flag(MILITARY in value), _flag(ORGAN in value),
            ";".join(TYPE_LABELS[t] for t in TYPE_ORDER if t in value))


def _relation(value, level: int) -> tuple[str]:
    return (value or "",) if level == 0 else ("",)


# Order: least useful to researchers first (on a tie the algorithm generalises these first).
NOT_SHOWN = gettext_noop("not shown")
AS_RECORDED = gettext_noop("as recorded")
# Weights: what researchers lose when a column gets coarser. Sex and age (adult or minor) are what
# most questions about trafficking split by; the recruiter's relation is recorded for few victims.
HIERARCHIES: list[Hierarchy] = [
    Hierarchy(gettext_noop("recruiter relation"), ("IP_Relation",), (AS_RECORDED, NOT_SHOWN), _relation, weight=0.5),
    Hierarchy(gettext_noop("place of exploitation"), ("CountryOfExploitation", "stateOfExploitation"),
              (gettext_noop("state"), gettext_noop("country"), NOT_SHOWN), _place, weight=1.0),
    Hierarchy(gettext_noop("year of registration"), ("yearOfRegistration",),
              (gettext_noop("year"), gettext_noop("band of years"), NOT_SHOWN), _year, weight=1.0),
    Hierarchy(gettext_noop("citizenship"), ("citizenship", "UN_COO_Region"),
              (gettext_noop("country"), gettext_noop("UN region"), NOT_SHOWN), _citizenship, weight=1.0),
    Hierarchy(gettext_noop("age"), ("ageBroad", "majorityStatus"),
              (gettext_noop("age band"), gettext_noop("adult or minor"), NOT_SHOWN), _age, weight=3.0),
    Hierarchy(gettext_noop("type of exploitation"), EXPLOIT_COLUMNS,
              (gettext_noop("detailed"), gettext_noop("sexual, labour or other"), NOT_SHOWN), _exploitation,
              weight=2.0),
    Hierarchy(gettext_noop("gender"), ("gender",), (AS_RECORDED, NOT_SHOWN), _gender, weight=3.0),
]
# (The names and levels are written in English in the file's note and the ledger; pages translate them.)
# The order columns are written in (CTDC's order), each found in the generalised row by name.
COLUMNS = ["Datasource", "yearOfRegistration", "gender", "ageBroad", "majorityStatus", "citizenship", "UN_COO_Region",
           "CountryOfExploitation", "stateOfExploitation", *EXPLOIT_COLUMNS, "IP_Relation"]


def _key(v: Victim) -> tuple:
    return (v.relation, v.state, v.year, v.nationality, v.age_band, v.types, v.sex)


# --------------------------------------------------------------------------- reading the records


def _state_codes() -> dict[str, str]:
    from safetynet.agencies.models import Jurisdiction

    return {path: code for path, code in Jurisdiction.objects.filter(level=Jurisdiction.Level.STATE)
            .values_list("path", "code")}


def _state_of(path: str | None, states: dict[str, str]) -> str:
    if not path:
        return ""
    return states.get("/".join(path.split("/")[:2]) + "/", "")


def victims(user) -> Iterator[Victim]:
    """Every victim once, as quasi-identifiers only. For research.data holders only."""
    if not has_capability(user, policy.Cap.RESEARCH_DATA):
        raise PermissionError("research.data required")
    from safetynet.care import htcds
    from safetynet.care.models import Survivor
    from safetynet.cases.models import CaseParty

    states = _state_codes()
    # Care records first (few); the case parties are streamed and merged with them.
    care: dict[int, dict] = {}
    for pid, sex, age, nat, registered, path, types, relation in (
            Survivor.objects.exclude(trafficking_status=htcds.TraffickingStatus.NOT_A_VICTIM)
            .values_list("person_id", "person__sex", "person__age_band", "person__nationality", "registered_on",
                         "jurisdiction__path", "exploitation_types", "recruiter_relation").iterator()):
        care[pid] = {"sex": sex, "age": age, "nat": nat, "year": registered.year, "state": _state_of(path, states),
                     "types": frozenset(HTCDS_TYPES[t] for t in (types or []) if t in HTCDS_TYPES),
                     "relation": relation or ""}
    parties = (CaseParty.objects.countable_by(user).filter(role=CaseParty.Role.VICTIM)
               .order_by("person_id", "case__opened_on", "case_id")
               .values_list("person_id", "person__sex", "person__age_band", "person__nationality", "case__opened_on",
                            "case__kind", "case__jurisdiction__path"))
    last = None
    for pid, sex, age, nat, opened, kind, path in parties.iterator(chunk_size=5000):
        if pid == last:
            continue  # a later case of the same victim
        last = pid
        types = {CASE_KIND_TYPES[kind]} if kind in CASE_KIND_TYPES else set()
        year, relation = opened.year, ""
        extra = care.pop(pid, None)
        if extra:
            types |= extra["types"]
            year = min(year, extra["year"])
            relation = extra["relation"]
        yield Victim(year=year, sex=sex, age_band=age, nationality=nat, state=_state_of(path, states),
                     types=frozenset(types), relation=relation)
    for extra in care.values():
        yield Victim(year=extra["year"], sex=extra["sex"], age_band=extra["age"], nationality=extra["nat"],
                     state=extra["state"], types=extra["types"], relation=extra["relation"])


def counted(records: Iterable[Victim]) -> Counter:
    return Counter(_key(v) for v in records)


def from_key(key: tuple) -> Victim:
    relation, state, year, nationality, age_band, types, sex = key
    return Victim(year=year, sex=sex, age_band=age_band, nationality=nationality, state=state, types=types,
                  relation=relation)


def snapshot(user) -> Counter:
    """The victims counted by their exact quasi-identifiers, read at most once every
    ``SNAPSHOT_SECONDS`` (reading every victim takes seconds at national scale; the counts are
    a few thousand numbers). Kept in the process's cache: counts only, never a record."""
    if not has_capability(user, policy.Cap.RESEARCH_DATA):
        raise PermissionError("research.data required")
    counts = cache.get(SNAPSHOT_KEY)
    if counts is None:
        counts = counted(victims(user))
        cache.set(SNAPSHOT_KEY, counts, SNAPSHOT_SECONDS)
    return counts


def build(user, k: int = K) -> Result:
    """The k-anonymous table (counted rows), ready to write."""
    return anonymise(snapshot(user), HIERARCHIES, k=k, max_suppressed_share=MAX_SUPPRESSED_SHARE)


# --------------------------------------------------------------------------- writing


def rows(result: Result) -> Iterator[dict[str, str]]:
    """Victim-level rows: each group written as many times as it has victims."""
    for key in sorted(result.groups):
        row = dict(zip(result.columns, key, strict=True))
        row["Datasource"] = DATASOURCE
        for _i in range(result.groups[key]):
            yield row


def readme_lines(result: Result) -> list[str]:
    levels = "; ".join(f"{name}: {label}" for name, label in result.level_labels())
    return [
        "SafetyNet de-identified victim-level export in the shape of the CTDC Global Dataset (docs/research-data.md)",
        f"k-anonymity: k = {result.k}. Every row is identical to at least {result.k - 1} other rows in every column.",
        f"Generalisation applied to the whole file: {levels}",
        f"Victims: {result.total}. Rows in this file: {result.kept}. "
        f"Rows suppressed (dropped because their combination stayed rarer than {result.k}): {result.suppressed}.",
        "Empty cell: not known, or not shown at this level of generalisation.",
        f"Generated: {timezone.localdate():%Y-%m}. Lines starting with # are this note; "
        "read with e.g. pandas.read_csv(path, comment='#').",
    ]


def csv_chunks(result: Result, batch: int = 2000) -> Iterator[str]:
    """The file in pieces (a streaming response): the note, the header, the rows."""
    buffer = io.StringIO()
    for line in readme_lines(result):
        buffer.write(f"# {line}\n")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows(result):
        writer.writerow(row)
        n += 1
        if n % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
