"""Reference datasets for researchers: CTDC's victim-perpetrator synthetic dataset (stored as
counted distinct rows) and NCRB's Crime in India 2018 tables (stats/reference.py loads three;
the purpose table is loaded here with the same loader). Comparison figures beside the
project's own de-identified ones.

Why counted rows for CTDC: its rows are synthetic (nobody), many are identical, and every
figure a researcher sets beside ours is a count over a subset. Distinct combinations with a
count keep every column (any breakdown can still be made) in a fraction of the rows; the sum
of the counts is the file's 21,195 rows.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from safetynet.stats.models import ReferenceDataset, ReferenceRow
from safetynet.stats.reference import NCRB_SOURCE, Table, load_table

from .models import CtdcCount

CTDC_CODE = "ctdc-vp-synthetic"
CTDC_TITLE = "CTDC Global Victim-Perpetrator Synthetic Dataset (condensed)"
CTDC_SOURCE = ("Source: Counter-Trafficking Data Collaborative (CTDC), IOM — Global Victim-Perpetrator Synthetic "
               "Dataset (synthetic data; terms: ctdatacollaborative.org/terms-use); see ../shared/data/ctdc/SOURCE.md")
CTDC_SHA256 = "1ce1c5a7bccab2e8baeab7dd8f06f70e657aabf411ebaf5d3fb9c2d15064fb8f"
# The copies shipped in research/data/ (byte-for-byte from ../shared/data/, credited in its SOURCE.md),
# so the reference figures load on any machine, with or without ../shared beside the checkout.
DATA_DIR = Path(__file__).resolve().parent / "data"
CTDC_FILE = DATA_DIR / "CTDC_VPsynthetic_condensed.csv"
NCRB_2018_DIR = DATA_DIR / "ncrb2018"
CTDC_COLUMNS = {
    "yearRegister": "year_register", "gender": "gender", "majorityStatus": "majority_status",
    "isForcedLabour": "is_forced_labour", "isSexualExploit": "is_sexual_exploit", "UN_COO_Region": "coo_region",
    "UN_COE_Region": "coe_region", "IP_Exploiter": "ip_exploiter", "IP_Gender": "ip_gender",
    "IP_ageBroad": "ip_age_broad", "IP_citizen_UNRegion": "ip_citizen_region", "IP_Relation": "ip_relation",
    "IP_PayMoney": "ip_pay_money", "IP_RecruiterBroker": "ip_recruiter_broker",
    "IP_TransactionProcess": "ip_transaction_process", "IP_ControlAbuseKidnap": "ip_control_abuse_kidnap",
}

NCRB_PURPOSE = Table("ncrb-2018-purpose", "Persons trafficked by purpose, 2018", "human_trafficking_purpose.csv",
                     "State/UT", "region type", "", {
                         "Forced Labour": "forced_labour",
                         "Sexual Exploitation for Prostitution": "sexual_prostitution",
                         "Domestic Servitude": "domestic_servitude", "Forced Marriage": "forced_marriage",
                         "Petty Crimes": "petty_crimes", "Child Pornography": "child_pornography",
                         "Begging": "begging", "Removal of Organs": "organ_removal", "Other reasons": "other",
                         "Total Persons": "total"})


def load_ctdc(path: Path = CTDC_FILE) -> dict:
    """Load (or load again: the dataset's rows are replaced) the CTDC file. Returns the counts."""
    data = Path(path).read_bytes()
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in CTDC_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{Path(path).name}: missing column(s) {', '.join(missing)}")
    counts: dict[tuple, int] = {}
    rows = 0
    for raw in reader:
        key = tuple((raw[c] or "").strip() for c in CTDC_COLUMNS)
        counts[key] = counts.get(key, 0) + 1
        rows += 1
    with transaction.atomic():
        dataset, _created = ReferenceDataset.objects.update_or_create(code=CTDC_CODE, defaults={
            "title": CTDC_TITLE, "source": CTDC_SOURCE, "year": 2022, "loaded_at": timezone.now()})
        CtdcCount.objects.filter(dataset=dataset).delete()
        fields = list(CTDC_COLUMNS.values())
        CtdcCount.objects.bulk_create(
            [CtdcCount(dataset=dataset, n=n, **dict(zip(fields, key, strict=True))) for key, n in counts.items()],
            batch_size=1000)
    return {"rows": rows, "distinct": len(counts), "sha256_matches": hashlib.sha256(data).hexdigest() == CTDC_SHA256}


def load_ncrb_purpose(directory: Path = NCRB_2018_DIR) -> int:
    return load_table(directory, NCRB_PURPOSE, 2018, NCRB_SOURCE)


# --------------------------------------------------------------------------- comparison figures


def _share(part: int, whole: int) -> dict:
    return {"pct": round(100 * part / whole, 1) if whole else None, "n": whole}


def ctdc_figures(region: str = "Asia") -> dict | None:
    """Shares among CTDC's records exploited in ``region`` (UN_COE_Region)."""
    dataset = ReferenceDataset.objects.filter(code=CTDC_CODE).first()
    if dataset is None:
        return None
    rows = list(CtdcCount.objects.filter(dataset=dataset, coe_region=region)
                .values_list("gender", "majority_status", "is_sexual_exploit", "is_forced_labour", "n"))
    female = sum(n for g, *_r, n in rows if g == "Female")
    sexed = sum(n for g, *_r, n in rows if g in ("Female", "Male"))
    minors = sum(n for _g, m, *_r, n in rows if m == "Minor")
    aged = sum(n for _g, m, *_r, n in rows if m in ("Adult", "Minor"))
    typed = [(s == "1", f == "1", n) for _g, _m, s, f, n in rows if s == "1" or f == "1"]
    known = sum(n for *_f, n in typed)
    return {"total": sum(r[-1] for r in rows), "female": _share(female, sexed), "minors": _share(minors, aged),
            "sexual": _share(sum(n for s, _f, n in typed if s), known),
            "labour": _share(sum(n for _s, f, n in typed if f), known),
            "source": dataset.source, "loaded_at": dataset.loaded_at}


def ncrb_figures() -> dict | None:
    """India, 2018: victims by sex and age group, persons by purpose (sums of the state rows)."""
    victims = list(ReferenceRow.objects.filter(dataset__code="ncrb-2018-victims-trafficked"))
    purpose = list(ReferenceRow.objects.filter(dataset__code=NCRB_PURPOSE.code))
    if not victims and not purpose:
        return None
    out: dict = {"source": NCRB_SOURCE, "female": None, "minors": None, "sexual": None, "labour": None, "total": None}
    if victims:
        # Male + female, not the published total: one transcribed total does not add up (SOURCE.md).
        female = sum(r.values.get("female") or 0 for r in victims)
        both = sum((r.values.get("female") or 0) + (r.values.get("male") or 0) for r in victims)
        minors = sum((r.values.get("female") or 0) + (r.values.get("male") or 0) for r in victims
                     if r.group.lower().startswith("below"))
        out.update(total=both, female=_share(female, both), minors=_share(minors, both))
    if purpose:
        def total(*keys):
            return sum(r.values.get(k) or 0 for r in purpose for k in keys)
        persons = total("total")
        out.update(sexual=_share(total("sexual_prostitution", "child_pornography"), persons),
                   labour=_share(total("forced_labour", "domestic_servitude", "begging"), persons))
    return out


def own_figures(result) -> dict:
    """The same shares, counted from the k-anonymous export itself (what researchers can download)."""
    cols = result.columns
    idx = {c: cols.index(c) for c in ("gender", "majorityStatus", "isSexualExploit", "isForcedLabour")}

    def count(test) -> int:
        return sum(n for key, n in result.groups.items() if test(key))

    sexed = count(lambda r: r[idx["gender"]] in ("Female", "Male"))
    aged = count(lambda r: r[idx["majorityStatus"]] in ("Adult", "Minor"))
    # As for CTDC: among victims with sexual exploitation or forced labour recorded.
    typed = count(lambda r: "1" in (r[idx["isSexualExploit"]], r[idx["isForcedLabour"]]))
    return {"total": result.kept,
            "female": _share(count(lambda r: r[idx["gender"]] == "Female"), sexed),
            "minors": _share(count(lambda r: r[idx["majorityStatus"]] == "Minor"), aged),
            "sexual": _share(count(lambda r: r[idx["isSexualExploit"]] == "1"), typed),
            "labour": _share(count(lambda r: r[idx["isForcedLabour"]] == "1"), typed)}
