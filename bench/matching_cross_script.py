#!/usr/bin/env python
"""Cross-script person matching (issue 6): the same people written in Latin script on one side
and in Devanagari or Bengali on the other (safetynet.matching.synthetic: honorifics, spelling
slips, ages taken years apart, districts written differently or another district of the state,
siblings as hard negatives, people on one side only), for ours and for plain Splink on the
same pairs, in one run.

    /tmp/benchenv/bin/python bench/matching_cross_script.py [--people 2000] [--seeds 1,2]

Plain Splink: the raw strings as written (no transliteration, no honorific stripping, no
phonetic key), columns name, sex, birth year (age_year - age), district and father's name;
comparisons NameComparison(name), NameComparison(father_name), ExactMatch(sex),
birth year exact / within 1 / within 3 (AbsoluteDifferenceLevel), ExactMatch(district); blocking on name,
birth year + sex, district + sex; prior from deterministic rules, u by random sampling, m by
EM; pairs at match probability >= 0.5. The truth is used only to score.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings_test")


def scores(found: set, truth: set) -> dict:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return {"pairs": len(found), "tp": tp, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def run_ours(data) -> dict:
    from safetynet.matching import linkage

    t0 = time.monotonic()
    result = linkage.link(data.left, data.right)
    found = {(p.left_id, p.right_id) for p in result.pairs}
    return {"method": "ours (linkage.link)", "wall_s": round(time.monotonic() - t0, 1),
            "comparisons": result.comparisons, "skipped": len(result.skipped), **scores(found, data.truth)}


def _plain(rows: list[dict], side: str) -> list[dict]:
    out = []
    for r in rows:
        age, year = r.get("age"), r.get("age_year")
        born = int(year) - int(age) if age not in ("", None) and year not in ("", None) else None
        out.append({"unique_id": r["id"], "name": r["name"] or None, "father_name": r.get("father_name") or None,
                    "sex": (str(r.get("sex") or "")[:1].lower() or None), "birth_year": born,
                    "district": r.get("district") or None, "source_dataset": side})
    return out


def run_plain_splink(data) -> dict:
    import pandas as pd
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.monotonic()
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("name"),
            cl.NameComparison("father_name"),
            cl.ExactMatch("sex"),
            cl.CustomComparison(output_column_name="birth_year", comparison_levels=[
                cll.NullLevel("birth_year"), cll.ExactMatchLevel("birth_year"),
                cll.AbsoluteDifferenceLevel("birth_year", 1), cll.AbsoluteDifferenceLevel("birth_year", 3),
                cll.ElseLevel()]),
            cl.ExactMatch("district"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name"), block_on("birth_year", "sex"), block_on("district", "sex"),
        ],
    )
    db_api = DuckDBAPI()
    left = db_api.register(pd.DataFrame(_plain(data.left, "left")))
    right = db_api.register(pd.DataFrame(_plain(data.right, "right")))
    linker = Linker([left, right], settings, log_level=None)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name", "birth_year"), block_on("name", "father_name")], recall=0.7)
    except Exception as exc:  # few exact agreements across scripts: keep Splink's default prior
        logging.getLogger(__name__).warning("prior not estimated: %s", exc)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in (block_on("birth_year", "sex"), block_on("district", "sex")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # report and go on
            logging.getLogger(__name__).warning("EM failed: %s", exc)
    everything = linker.inference.predict().as_pandas_dataframe()
    chosen = everything[everything["match_probability"] >= 0.5]
    found = set()
    for l_id, r_id, l_src in zip(chosen["unique_id_l"], chosen["unique_id_r"], chosen["source_dataset_l"],
                                 strict=True):
        found.add((l_id, r_id) if l_src == "left" else (r_id, l_id))
    return {"method": f"plain Splink {__import__('splink').__version__} (raw strings)",
            "wall_s": round(time.monotonic() - t0, 1), "comparisons": len(everything), **scores(found, data.truth)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=2000)
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--bengali-share", type=float, default=0.3)
    ap.add_argument("--script-share", type=float, default=0.6)
    ap.add_argument("--json")
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    from safetynet.matching import synthetic

    results = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        data = synthetic.generate(args.people, seed=seed, script_share=args.script_share,
                                  bengali_share=args.bengali_share)
        other = sum(1 for r in data.right if any(not c.isascii() for c in r["name"]))
        info = {"seed": seed, "left": len(data.left), "right": len(data.right), "truth": len(data.truth),
                "right_non_latin": other}
        for runner in (run_ours, run_plain_splink):
            try:
                r = runner(data)
            except Exception as exc:
                r = {"method": runner.__name__, "error": f"{type(exc).__name__}: {exc}"[:500]}
            r.update(info)
            results.append(r)
            print(json.dumps(r), flush=True)
    print("\n| seed | records (left x right; true pairs; right not in Latin) | method | precision | recall | F1 "
          "| wall s | pairs compared |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        head = (f"| {r['seed']} | {r['left']:,} x {r['right']:,}; {r['truth']:,}; {r['right_non_latin']:,} "
                f"| {r['method']} ")
        if "error" in r:
            print(head + f"| error: {r['error'][:80]} | | | | |")
        else:
            print(head + f"| {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['wall_s']} "
                  f"| {r['comparisons']:,} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
