#!/usr/bin/env python
"""How `manage.py seed_demo --persons N` scales, and how fast a few reads are afterwards.

For each N (default 10,000, 100,000 and 1,000,000), in a fresh temporary SAFETYNET_VAR_DIR
with SAFETYNET_ENV=development:

1. ``manage.py migrate`` and ``manage.py seed_demo --persons N --quiet-logins`` run as child
   processes. For each: wall time, CPU time (user+sys) and peak RSS of that child alone
   (``os.wait4``, the child's own rusage). The database size is taken afterwards: the SQLite
   file (+ WAL), or ``pg_database_size`` on PostgreSQL.
2. A third child process sets up Django on the seeded database and times representative
   reads, each ``--repeat`` times (default 5); the median is reported. On PostgreSQL an
   ``ANALYZE`` runs first, as autovacuum would shortly after a bulk load.

``--postgres`` also runs on PostgreSQL: a fresh database ``safetynet_bench_<timestamp>_<N>`` is
created on ``--postgres-url`` (default postgres://postgres@127.0.0.1:5432) with createdb and
dropped afterwards. ``--no-sqlite`` skips SQLite.

If the seed is projected (from its progress lines) to take longer than
``--max-seed-minutes``, it is stopped and reported as such.

The results are printed as a Markdown table and merged into a dated section of
docs/benchmarks.md (``--doc``; ``--no-doc`` to skip). Rows of an earlier run on the same date
are kept unless this run measured the same backend and N.

    .venv/bin/python bench/seed_scale.py                               # SQLite, 10k/100k/1M
    .venv/bin/python bench/seed_scale.py --persons 10000,100000 --postgres
    .venv/bin/python bench/seed_scale.py --persons 1000000 --postgres 1000000 --no-sqlite

Speed and memory are measured here, never in timed unit tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
PROGRESS = re.compile(r"persons: ([\d,]+)/([\d,]+) \((\d+)s\)")
BEGIN = "<!-- seed_scale:begin {date} -->"
END = "<!-- seed_scale:end {date} -->"
DATA = "<!-- seed_scale:data {json} -->"
READ_USERS = {"researcher": "researcher", "officer": "ahtu.n24p"}
# Column headers for the reads (the full names are in the JSON and in docs/benchmarks.md).
SHORT = {
    "platform_counts(researcher)": "platform_counts",
    "Case.visible_to(ahtu.n24p).count()": "cases visible count",
    "case list page 1 (ahtu.n24p)": "case list p.1",
    "Person.visible_to(ahtu.n24p).count()": "persons visible count",
}


# --------------------------------------------------------------------------- reads (child)

def reads_worker(repeat: int) -> None:
    """Runs inside a child process with the benchmark's environment; prints one JSON line."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db import connection

    from safetynet.accounts.models import User
    from safetynet.cases.models import Case, CaseParty
    from safetynet.people.models import Person, PersonIdentity
    from safetynet.stats.services import platform_counts

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    def fresh(username: str):
        # A new user object each time: memberships are cached on the user for a request.
        return User.objects.get(username=username)

    def case_list_first_page():
        # What cases.views.case_list does for page 1 (count for the paginator + 25 rows).
        user = fresh(READ_USERS["officer"])
        cases = Case.objects.visible_to(user).select_related("owning_agency", "jurisdiction")
        page = Paginator(cases.order_by("-opened_on", "-id"), 25).get_page(1)
        rows = list(page.object_list)
        return {"count": page.paginator.count, "rows": len(rows)}

    reads = {
        "platform_counts(researcher)": lambda: platform_counts(fresh(READ_USERS["researcher"]))["total_cases"],
        "Case.visible_to(ahtu.n24p).count()": lambda: Case.objects.visible_to(fresh(READ_USERS["officer"])).count(),
        "case list page 1 (ahtu.n24p)": case_list_first_page,
        "Person.visible_to(ahtu.n24p).count()":
            lambda: Person.objects.visible_to(fresh(READ_USERS["officer"])).count(),
    }
    out: dict = {"reads": {}, "rows": {
        "persons": Person.objects.count(), "identities": PersonIdentity.objects.count(),
        "cases": Case.objects.count(), "parties": CaseParty.objects.count(),
    }}
    for name, fn in reads.items():
        times = []
        result = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        out["reads"][name] = {"times": times, "median": statistics.median(times), "result": result}
    print("RESULT " + json.dumps(out, default=str))


# --------------------------------------------------------------------------- runner (parent)

@dataclass
class Step:
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    max_rss_mb: float = 0.0
    returncode: int = 0


@dataclass
class Row:
    backend: str
    persons: int
    migrate: Step = field(default_factory=Step)
    seed: Step = field(default_factory=Step)
    db_mb: float = 0.0
    rows: dict = field(default_factory=dict)
    reads: dict = field(default_factory=dict)
    status: str = "ok"
    note: str = ""


def run_child(cmd: list[str], env: dict, *, label: str, abort_after: float | None = None,
              quiet: bool = False) -> tuple[Step, list[str], str]:
    """Run ``cmd``, echo its output, and return its wall time, CPU time and peak RSS.

    ``abort_after`` (seconds): stop the child if its progress lines project a longer run.
    """
    started = time.monotonic()
    # Our own fixed argv (this interpreter + manage.py), never shell or user input.
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.STDOUT, text=True, bufsize=1, start_new_session=True)
    lines: list[str] = []
    aborted = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        lines.append(line)
        if not quiet:
            print(f"    [{label}] {line}", flush=True)
        m = PROGRESS.search(line)
        if m and abort_after and not aborted:
            done, total = (int(g.replace(",", "")) for g in m.groups()[:2])
            elapsed = time.monotonic() - started
            persons_seconds = int(m.group(3))
            before = elapsed - persons_seconds  # migrate-free setup: the 300 demo cases
            projected = before + persons_seconds * total / max(done, 1)
            if done >= total * 0.05 and projected > abort_after:
                aborted = (f"stopped at {done:,}/{total:,} persons after {elapsed / 60:.1f} min: "
                           f"projected {projected / 60:.0f} min > {abort_after / 60:.0f} min")
                print(f"    [{label}] {aborted}", flush=True)
                os.killpg(proc.pid, signal.SIGTERM)  # the child's own process group only
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    step = Step(seconds=time.monotonic() - started, cpu_seconds=usage.ru_utime + usage.ru_stime,
                max_rss_mb=usage.ru_maxrss / 1024, returncode=proc.returncode)  # Linux: KiB
    return step, lines, aborted


def sqlite_size_mb(var_dir: Path) -> float:
    total = sum(p.stat().st_size for p in var_dir.glob("safetynet.sqlite3*"))
    return total / 1024 / 1024


def pg(url: str, sql: str) -> str:
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("--postgres needs psql on PATH")
    # Fixed SQL built here (database names are generated), no shell.
    return subprocess.run([psql, url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql], check=True,  # noqa: S603
                          capture_output=True, text=True).stdout.strip()


def bench_one(backend: str, persons: int, args) -> Row:
    row = Row(backend=backend, persons=persons)
    var_dir = Path(tempfile.mkdtemp(prefix=f"safetynet-bench-{backend}-{persons}-"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SAFETYNET_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(SAFETYNET_VAR_DIR=str(var_dir), SAFETYNET_ENV="development", PYTHONUNBUFFERED="1")
    db_url = ""
    db_name = ""
    if backend == "postgresql":
        db_name = f"safetynet_bench_{time.strftime('%Y%m%d%H%M%S')}_{persons}"
        base = args.postgres_url.rstrip("/")
        pg(f"{base}/postgres", f'CREATE DATABASE "{db_name}"')
        db_url = f"{base}/{db_name}"
        env["DATABASE_URL"] = db_url
    print(f"\n== {backend}, {persons:,} persons (var dir {var_dir}{', db ' + db_name if db_name else ''})",
          flush=True)
    try:
        row.migrate, lines, _ = run_child([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env,
                                          label="migrate")
        if row.migrate.returncode:
            row.status, row.note = "failed", "migrate: " + " | ".join(lines[-3:])
            return row
        row.seed, lines, aborted = run_child(
            [PYTHON, "manage.py", "seed_demo", "--persons", str(persons), "--quiet-logins"], env,
            label="seed", abort_after=args.max_seed_minutes * 60)
        if aborted:
            row.status, row.note = "stopped", aborted
            return row
        if row.seed.returncode:
            row.status, row.note = "failed", "seed: " + " | ".join(lines[-3:])
            return row
        if backend == "postgresql":
            row.db_mb = int(pg(db_url, "SELECT pg_database_size(current_database())")) / 1024 / 1024
        else:
            row.db_mb = sqlite_size_mb(var_dir)
        _step, lines, _ = run_child([PYTHON, str(Path(__file__).resolve()), "--reads-worker",
                                     "--repeat", str(args.repeat)], env, label="reads", quiet=True)
        result = next((ln[len("RESULT "):] for ln in lines if ln.startswith("RESULT ")), None)
        if result is None:
            row.status, row.note = "failed", "reads: " + " | ".join(lines[-3:])
            return row
        data = json.loads(result)
        row.rows = data["rows"]
        row.reads = {name: {"median": r["median"], "result": r["result"]} for name, r in data["reads"].items()}
        for name, r in data["reads"].items():
            print(f"    [reads] {name}: median {r['median'] * 1000:.1f} ms "
                  f"(runs: {', '.join(f'{t * 1000:.0f}' for t in r['times'])} ms) -> {r['result']}", flush=True)
        return row
    finally:
        if db_name and not args.keep:
            pg(f"{args.postgres_url.rstrip('/')}/postgres", f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        if args.keep:
            print(f"    kept {var_dir}" + (f" and database {db_name}" if db_name else ""))
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


# --------------------------------------------------------------------------- report

def sh(cmd: list[str]) -> str:
    exe = shutil.which(cmd[0])
    if exe is None:
        return ""
    try:  # fixed commands (date, nproc, free), no shell
        return subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    except OSError:
        return ""


def machine(args) -> dict:
    import django

    cpu = ""
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    except OSError:
        pass
    info = {
        "date": sh(["date", "-u"]),
        "host": platform.node(),
        "os": f"{platform.system()} {platform.release()}",
        "cpu": cpu,
        "nproc": sh(["nproc"]),
        "memory": " ".join(sh(["free", "-h"]).splitlines()[1].split()[1:2]) if sh(["free", "-h"]) else "",
        "free_h": sh(["free", "-h"]),
        "load_before": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else [],
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    if args.postgres is not None:
        try:
            info["postgresql"] = pg(f"{args.postgres_url.rstrip('/')}/postgres", "SHOW server_version")
        except (subprocess.CalledProcessError, OSError):
            info["postgresql"] = "unavailable"
    return info


def fmt_s(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 100 else f"{seconds:.1f} s"


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def table(rows: list[dict]) -> str:
    read_names: list[str] = []
    for r in rows:
        read_names += [n for n in r.get("reads", {}) if n not in read_names]
    head = ["backend", "persons", "seed wall", "seed CPU", "seed peak RSS", "persons/s", "DB size",
            "migrate", *[SHORT.get(n, n) for n in read_names]]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    for r in sorted(rows, key=lambda r: (r["backend"] != "sqlite", r["persons"])):
        seed, mig = r["seed"], r["migrate"]
        if r["status"] != "ok":
            cells = [r["backend"], f"{r['persons']:,}", f"{r['status']}: {r['note']}"] + [""] * (len(head) - 3)
        else:
            rate = r["persons"] / seed["seconds"] if seed["seconds"] else 0
            cells = [r["backend"], f"{r['persons']:,}", fmt_s(seed["seconds"]), fmt_s(seed["cpu_seconds"]),
                     f"{seed['max_rss_mb']:.0f} MB", f"{rate:,.0f}", f"{r['db_mb']:,.0f} MB",
                     fmt_s(mig["seconds"]),
                     *[fmt_ms(r["reads"].get(n, {}).get("median")) for n in read_names]]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def section(date: str, info: dict, rows: list[dict], repeat: int, cmdline: str) -> str:
    counts = []
    for r in sorted(rows, key=lambda r: (r["backend"] != "sqlite", r["persons"])):
        if r.get("rows"):
            c = r["rows"]
            counts.append(f"{r['backend']} {r['persons']:,}: {c['persons']:,} persons, {c['identities']:,} "
                          f"identities, {c['cases']:,} cases, {c['parties']:,} case parties")
    pg_line = f", PostgreSQL {info['postgresql']}" if info.get("postgresql") else ""
    lines = [
        BEGIN.format(date=date),
        f"## seed_demo scale — {date}",
        "",
        f"- Date: {info['date']} (last run merged into this section)",
        f"- Machine: {info['cpu']}, {info['nproc']} CPUs (`nproc`), {info['memory']} RAM (`free -h`), "
        f"{info['os']}; load average before the run {' '.join(info['load_before'])}",
        f"- Software: Python {info['python']}, Django {info['django']}, SQLite {info['sqlite']}{pg_line}",
        f"- Command: `{cmdline}`; reads: median of {repeat} runs each",
        "",
        table(rows),
        "",
        "Rows after seeding (demo data included): " + ("; ".join(counts) if counts else "–") + ".",
        "",
        DATA.format(json=json.dumps({"info": info, "rows": rows}, separators=(",", ":"))),
        END.format(date=date),
    ]
    return "\n".join(lines) + "\n"


DOC_HEADER = """# Benchmarks

Speed and memory are measured by scripts under `bench/`, with results recorded here with the
machine and date — never in timed unit tests.
"""


def update_doc(path: Path, date: str, info: dict, rows: list[dict], repeat: int, cmdline: str) -> None:
    text = path.read_text() if path.exists() else DOC_HEADER
    begin, end = BEGIN.format(date=date), END.format(date=date)
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        old, after = rest.split(end, 1)
        m = re.search(r"<!-- seed_scale:data (.*?) -->", old)
        if m:
            fresh = {(r["backend"], r["persons"]) for r in rows}
            rows = [r for r in json.loads(m.group(1))["rows"] if (r["backend"], r["persons"]) not in fresh] + rows
        text = before + section(date, info, rows, repeat, cmdline).rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section(date, info, rows, repeat, cmdline)
    path.write_text(text)
    print(f"\nupdated {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


# --------------------------------------------------------------------------- main

def parse_ns(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=parse_ns, default=parse_ns("10000,100000,1000000"),
                    help="comma-separated N for SQLite (default 10000,100000,1000000)")
    ap.add_argument("--postgres", nargs="?", const="", default=None, metavar="N,N",
                    help="also run on PostgreSQL, for these N (default: the same as --persons)")
    ap.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    ap.add_argument("--repeat", type=int, default=5, help="runs per read (median reported)")
    ap.add_argument("--max-seed-minutes", type=float, default=25.0,
                    help="stop a seed projected to take longer than this")
    ap.add_argument("--doc", type=Path, default=DOC)
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories and databases")
    ap.add_argument("--reads-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.reads_worker:
        reads_worker(args.repeat)
        return 0

    sys.path.insert(0, str(ROOT))
    runs: list[tuple[str, int]] = [] if args.no_sqlite else [("sqlite", n) for n in args.persons]
    if args.postgres is not None:
        runs += [("postgresql", n) for n in (parse_ns(args.postgres) if args.postgres else args.persons)]
    info = machine(args)
    print(f"{info['date']} · {info['cpu']} · {info['nproc']} CPUs · Python {info['python']} · "
          f"Django {info['django']} · SQLite {info['sqlite']}" +
          (f" · PostgreSQL {info['postgresql']}" if info.get("postgresql") else ""), flush=True)
    rows = []
    for backend, n in runs:
        row = bench_one(backend, n, args)
        rows.append(asdict(row))
        if row.status != "ok":
            print(f"    {row.status}: {row.note}", flush=True)
    print()
    print(table(rows))
    if not args.no_doc:
        date = datetime.datetime.now(datetime.UTC).date().isoformat()
        cmdline = " ".join([".venv/bin/python", "bench/seed_scale.py", *sys.argv[1:]])
        update_doc(args.doc, date, info, rows, args.repeat, cmdline)
    return 0 if all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
