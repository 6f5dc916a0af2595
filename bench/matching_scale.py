#!/usr/bin/env python
"""Person matching at scale (issue 6): de-duplicate N person records on 2 cores, and one new
record against N records with a model trained once.

Records: synthetic.generate()'s people (CMU Indian names, the hand-written family and Bengali
pools, districts of the jurisdiction tree, honorific/spelling/script/age/place noise), both of
its sides put in one list (the first 100,000 rows: about 41 % of them have a duplicate and the
truth is known), and above 100,000 background rows recombined from their fields (see records()).
``seed_demo --persons`` (core.demo.bulk_persons) builds the same kind of people as encrypted
Person rows in a database, which takes ~10 min per 1,000,000 and is not what is measured here:
the dict rows are generated directly, with the same name lists.

Each measurement runs in its own child process under ``taskset -c 0,1`` (2 cores; DuckDB's
threads set to 2 as well) with a timeout; peak memory is the child's VmHWM (/proc/self/status).

    /tmp/benchenv/bin/python bench/matching_scale.py --dedupe 100000,300000,1000000 --realtime 1000000
    .venv/bin/python bench/matching_scale.py --dedupe 20000 --realtime 20000 --timeout 300

Prints one JSON line per measurement and a table at the end. Never a timed unit test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings_test")

OVERLAP = 0.7  # synthetic.generate: share of people on both sides


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def records(n: int, seed: int = 6, base: int = 100_000):
    """About ``n`` rows and the true pairs: both sides of synthetic.generate() in one list (up to
    ``base`` rows, so about 41 % of them have a duplicate), and beyond that "background" rows
    made by recombining the fields of random generated rows (a name from one, a father from
    another, an age and a district from others): people who share names with the generated
    ones but are not known to be anybody's duplicate. synthetic.generate() costs ~0.45 ms a
    row, too slow to make 1,000,000; recombining costs ~2 us."""
    import random

    from safetynet.matching import synthetic

    s = synthetic.generate(round(min(n, base) / (1 + OVERLAP)), seed=seed)
    rows = s.left + s.right
    rng = random.Random(seed)
    pool = list(rows)
    for i in range(max(0, n - len(rows))):
        a, b, c, d = (rng.choice(pool) for _ in range(4))
        rows.append({"id": f"B{i + 1:07d}", "name": a["name"], "other_names": a.get("other_names", ""),
                     "sex": a["sex"], "father_name": b["father_name"], "age": c["age"], "age_year": c["age_year"],
                     "district": d["district"]})
    return rows, s.truth, s.right


def _threads(n: int) -> None:
    """DuckDBAPI() opens its own connection; make every new DuckDB connection use n threads."""
    import duckdb

    original = duckdb.connect

    def connect(*args, **kwargs):
        config = dict(kwargs.pop("config", None) or {})
        config.setdefault("threads", n)
        return original(*args, config=config, **kwargs)

    duckdb.connect = connect


def child_dedupe(n: int, threads: int, path: str, threshold: float = 0.5, train_max: int | None = None) -> dict:
    """De-duplicate about n records. ``path``: "file" is linkage.dedupe_to_file (the large-list
    path above linkage.LARGE_INPUT records: narrower blocking, training on a sample, pairs
    written to Parquet by DuckDB); "small" forces linkage.dedupe(large=False), the path every
    list took before (all blocking_rules(), every pair above the threshold as a Python object)."""
    import tempfile

    from safetynet.matching import linkage

    if train_max:  # to see what training on a sample costs in precision/recall
        linkage.TRAIN_MAX_ROWS = train_max
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    rows, truth, _ = records(n)
    t_gen = time.monotonic() - t0
    known = {r["id"] for r in rows if not r["id"].startswith("B")}  # generated rows: the truth is known
    true = {tuple(sorted(t)) for t in truth}
    out: dict = {"what": f"dedupe ({path})", "n": len(rows), "generate_s": round(t_gen, 1)}
    t1 = time.monotonic()
    if path == "small":
        _threads(threads)
        result = linkage.dedupe(rows, backend="duckdb", large=False, threshold=threshold)
        found = {tuple(sorted((p.left_id, p.right_id))): p.match_probability for p in result.pairs}
        out.update(comparisons=result.comparisons, pairs=len(result.pairs), skipped=len(result.skipped))
    else:
        import duckdb

        with tempfile.TemporaryDirectory(prefix="bench-dedupe-") as tmp:
            counts = linkage.dedupe_to_file(rows, Path(tmp) / "pairs.parquet", threads=threads, threshold=threshold,
                                            large=None if path == "file" else path == "large")
            out["dedupe_s_inner"] = counts.seconds
            out["blocking"] = [[sql, k] for sql, k in counts.blocking]
            out.update(comparisons=counts.comparisons, pairs=counts.pairs, skipped=len(counts.skipped))
            found = {tuple(sorted((a, b))): p for a, b, p in duckdb.sql(
                f"select left_id, right_id, match_probability from '{counts.path}'").fetchall()}  # noqa: S608
    out["dedupe_s"] = round(time.monotonic() - t1, 1)
    found_known = {p: prob for p, prob in found.items() if p[0] in known and p[1] in known}
    # precision and recall among the generated rows (truth known), at the run's threshold and above
    by_cutoff = {}
    for cutoff in sorted({threshold, 0.1, 0.2, 0.5, 0.8, 0.95}):
        if cutoff >= threshold:
            chosen = {p for p, prob in found_known.items() if prob >= cutoff}
            hits = len(chosen & true)
            by_cutoff[str(cutoff)] = [round(hits / max(len(chosen), 1), 4), round(hits / max(len(true), 1), 4)]
    tp = len(set(found_known) & true)
    out.update({"known_rows": len(known), "true_pairs": len(true), "pairs_known": len(found_known),
                "threshold": threshold, "precision_recall_at": by_cutoff,
                "precision": round(tp / max(len(found_known), 1), 4), "recall": round(tp / max(len(true), 1), 4),
                "peak_mb": round(peak_mb()), "load_start": round(load, 2), "load_end": round(os.getloadavg()[0], 2)})
    return out


def child_realtime(n: int, threads: int, model_path: str, train_n: int, queries: int) -> dict:
    _threads(threads)
    from safetynet.matching import realtime

    out: dict = {"what": "realtime", "n": n}
    if not Path(model_path).exists():
        t0 = time.monotonic()
        rows, _, _ = records(train_n, seed=7)
        realtime.train_model(rows, model_path, threads=threads)
        out["train_s"] = round(time.monotonic() - t0, 1)
        out["train_n"] = len(rows)
    t0 = time.monotonic()
    rows, truth, right = records(n)
    # the table: every record but the queries; the queries: right-side records with a known match
    by_right = {right_id: left_id for left_id, right_id in truth}
    queries_rows = [r for r in right if r["id"] in by_right][:queries]
    held_out = {r["id"] for r in queries_rows}
    table = [r for r in rows if r["id"] not in held_out]
    out["generate_s"] = round(time.monotonic() - t0, 1)
    t1 = time.monotonic()
    index = realtime.Index(table, model_path, threads=threads)
    out["index_s"] = round(time.monotonic() - t1, 1)
    out["table"] = index.size
    times, found = [], 0
    for row in queries_rows:
        q0 = time.monotonic()
        pairs, _ = index.candidates(row)
        times.append(time.monotonic() - q0)
        found += any(p.right_id == by_right[row["id"]] for p in pairs)
    times.sort()
    out.update({"queries": len(times), "found": found, "first_s": round(times and times[0] or 0, 3),
                "median_s": round(times[len(times) // 2], 3), "max_s": round(times[-1], 3),
                "peak_mb": round(peak_mb())})
    return out


def run_child(argv: list[str], timeout: float, cores: str, max_mb: float) -> dict:
    """Run one measurement in a child process; stop it after ``timeout`` seconds or when its
    resident memory passes ``max_mb`` (the machine is shared: a run must not take it all)."""
    cmd = ["taskset", "-c", cores, sys.executable, __file__, *argv]
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)  # noqa: S603 - our own script
        stopped, rss_max = "", 0.0
        while proc.poll() is None:
            time.sleep(0.5)
            rss = _rss_mb(proc.pid)
            rss_max = max(rss_max, rss)
            if rss > max_mb:
                stopped = f"stopped: memory {rss:.0f} MB > {max_mb:.0f} MB after {time.monotonic() - started:.0f} s"
            elif time.monotonic() - started > timeout:
                stopped = f"timeout after {timeout:.0f} s"
            if stopped:
                proc.kill()  # our own child, by its pid
                proc.wait()
                return {"status": stopped, "argv": argv, "peak_mb": round(rss_max)}
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        return {"status": f"exit {proc.returncode}", "argv": argv, "stderr": stderr[-2000:]}
    result = json.loads(lines[-1])
    result["wall_s"] = round(wall, 1)
    result["status"] = "ok"
    return result


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # it has just ended
        pass
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dedupe", default="100000,300000,1000000", help="sizes to de-duplicate ('' for none)")
    ap.add_argument("--realtime", default="1000000", help="table sizes for one-record queries ('' for none)")
    ap.add_argument("--train-n", type=int, default=200_000, help="records the saved model is trained on")
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--model", default="/tmp/safetynet-bench-model.json")  # noqa: S108 - a bench scratch file
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cores", default="0,1")
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--threshold", type=float, default=0.5, help="match probability the pairs are kept at")
    ap.add_argument("--train-max", type=int, help="linkage.TRAIN_MAX_ROWS for this run (default: linkage's)")
    ap.add_argument("--max-mb", type=float, default=12000, help="stop a child whose resident memory passes this")
    ap.add_argument("--path", choices=["file", "large", "small"], default="file",
                    help="file: dedupe_to_file (large-list path above linkage.LARGE_INPUT); large: force it; "
                         "small: dedupe(large=False), the path before")
    ap.add_argument("--child", choices=["dedupe", "realtime"])
    ap.add_argument("--n", type=int)
    ap.add_argument("--out", help="append the JSON lines to this file too")
    args = ap.parse_args()

    if args.child == "dedupe":
        print(json.dumps(child_dedupe(args.n, args.threads, args.path, args.threshold, args.train_max)), flush=True)
        return
    if args.child == "realtime":
        print(json.dumps(child_realtime(args.n, args.threads, args.model, args.train_n, args.queries)), flush=True)
        return

    results = []
    for n in [int(x) for x in args.dedupe.split(",") if x]:
        r = run_child(["--child", "dedupe", "--n", str(n), "--threads", str(args.threads), "--path", args.path,
                       "--threshold", str(args.threshold),
                       *(["--train-max", str(args.train_max)] if args.train_max else [])],
                      args.timeout, args.cores, args.max_mb)
        r.setdefault("what", f"dedupe ({args.path})")
        r.setdefault("n", n)
        results.append(r)
        print(json.dumps(r), flush=True)
        if args.out:
            with open(args.out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(r) + "\n")
    for n in [int(x) for x in args.realtime.split(",") if x]:
        r = run_child(["--child", "realtime", "--n", str(n), "--threads", str(args.threads), "--model", args.model,
                       "--train-n", str(args.train_n), "--queries", str(args.queries)], args.timeout, args.cores,
                      args.max_mb)
        r.setdefault("what", "realtime")
        r.setdefault("n", n)
        results.append(r)
        print(json.dumps(r), flush=True)
        if args.out:
            with open(args.out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(r) + "\n")

    print("\n| what | N | status | wall s | peak MB | comparisons | pairs | precision | recall "
          "| one-record median / max s; de-duplication times |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        rt = f"{r.get('median_s', '')} / {r.get('max_s', '')} ({r.get('found', '')}/{r.get('queries', '')} found)" \
            if r["what"] == "realtime" and r["status"] == "ok" else ""
        if r["what"].startswith("dedupe") and r["status"] == "ok":
            rt = f"generate {r['generate_s']} s, dedupe {r['dedupe_s']} s {r.get('dedupe_s_inner', '')}"
        print(f"| {r['what']} | {r.get('table', r['n']):,} | {r['status']} | {r.get('wall_s', '')} "
              f"| {r.get('peak_mb', '')} "
              f"| {r.get('comparisons', '')} | {r.get('pairs', '')} | {r.get('precision', '')} | {r.get('recall', '')} "
              f"| {rt} |")


if __name__ == "__main__":
    main()
