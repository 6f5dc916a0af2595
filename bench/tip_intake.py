#!/usr/bin/env python
"""Community-tip intake throughput on PostgreSQL under gunicorn (issue 3).

What it does, all in child processes except the load generator:

1. Creates a fresh database ``safetynet_bench_tips_<timestamp>`` (createdb), runs ``migrate``,
   ``load_geography`` and ``seed_demo --cases-per-agency 0`` (the demo agencies and their
   triaging officers, so every tip is routed and notifies someone) with SAFETYNET_ENV=development,
   a generated SAFETYNET_SECRET_KEY and a fresh vault key (``rotate_vault_key --new-key``).
2. Starts gunicorn with SAFETYNET_ENV=production on a free port on 127.0.0.1 (the same database,
   secret and vault key; SAFETYNET_SSL_REDIRECT=0 since the bench speaks plain HTTP, and
   SAFETYNET_TIP_RATE=100000000/h: the bench measures intake, not the per-address limiter,
   and all clients share 127.0.0.1).
3. Sweep (unless ``--workers`` is given): each gunicorn configuration of ``--configs`` gets
   ``--sweep-warmup`` + ``--sweep-duration`` seconds of closed-loop load; of the configurations within
   5 % of the most tips/s, the one with the lowest p95 goes on to the main run.
4. Main run, on a freshly started server: ``--warmup`` seconds closed loop (not measured), then
   the measured phases of ``--duration`` seconds each (``--phases``):
   - ``steady``: ``--clients`` clients send back to back (closed loop): the capacity.
   - ``paced``: the same clients together offer ``--rate`` tips/s (each on its own fixed
     schedule; latency is also given from the scheduled send time, so a slow server cannot hide
     its backlog): latency at the target rate.
   - ``paced-fit``: the same at ``--fit`` (70 %) of the steady phase's tips/s: latency below saturation.
   - ``restart``: closed loop, with SIGHUP (graceful reload) to the master at 1/4 of the phase; at 1/2
     SIGTERM to the master, wait for it to exit, and a new gunicorn started; at 3/4 SIGKILL of one
     worker (a crash). Here ``--abandon`` (2 %) of first attempts are also given up by the client after
     ``--abandon-after`` (0.1 s) and re-sent at once: the server still stores the abandoned attempt, so
     the re-send races it or finds it (expect 200 and the same receipt, never a second tip).
   Every tip carries a unique idempotency key. A client retries the same key after a connection
   error, a timeout or a 5xx (backoff 50 ms doubling to 1 s) until it gets 201/200, and re-sends
   ``--resend`` (5 %) of its accepted tips on purpose, expecting 200 and the same receipt.
5. Checks the database afterwards: tip rows against the keys the clients were given a receipt for
   (lost, duplicated, stored-but-never-acknowledged), a routing row, a "received" event and a
   ``tip.submit`` audit event for every tip, unique references, and ``manage.py verify_audit``.
6. Profiles one request path in-process (a child process with the production settings on the
   same database: Django's test client, cProfile, query capture, timers around the parts of
   ``submit_tip``) to show where the time goes.
7. Prints the results and merges them into a dated section of docs/benchmarks.md (between
   ``<!-- tip_intake:begin DATE -->`` and ``<!-- tip_intake:end DATE -->``; a hand-written
   ``<!-- tip_intake:notes -->`` … ``<!-- tip_intake:notes-end -->`` block inside the section of
   the same date is kept), then drops the database (``--keep`` keeps it) and stops gunicorn.

A measured window during which other processes (not this bench, its gunicorn or its database
backends) used at least ``--max-other`` cores is repeated once the machine is idle again, up to
``--repeat-busy`` times; the repeats are listed in the results (their tips are still checked).

CPU is read from /proc every 0.5 s: the gunicorn master and workers, the PostgreSQL backends of
the bench database, this process (the load generator: asyncio with a minimal HTTP/1.1 client from
the standard library, so no package is added) and the whole machine (/proc/stat).

    .venv/bin/python bench/tip_intake.py                       # sweep + 30 s warm-up + 3 x 60 s
    .venv/bin/python bench/tip_intake.py --duration 60 --clients 50 --workers 4
    .venv/bin/python bench/tip_intake.py --workers 3 --threads 4 --duration 10 --warmup 5 --no-doc

Speed is measured here, never in timed unit tests.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import collections.abc
import contextlib
import datetime
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"
BEGIN = "<!-- tip_intake:begin {date} -->"
END = "<!-- tip_intake:end {date} -->"
DATA = "<!-- tip_intake:data {json} -->"
NOTES_BEGIN = "<!-- tip_intake:notes -->"
NOTES_END = "<!-- tip_intake:notes-end -->"
TIP_RATE = "100000000/h"
CATEGORIES = ["recruitment", "marriage", "border", "child_labour", "missing", "held", "other"]
# Districts and border sectors with demo agencies (AHTUs, border posts, NGOs), so tips are
# routed to real agencies and notify their officers; a few without a district AHTU fall back
# to the state's AHTUs. Codes missing from the loaded geography are dropped at start.
PLACES = ["IN-WB-N24P", "IN-WB-N24P-PTRP", "IN-BR-KISH", "IN-BR-KISH-GLGL", "IN-WB-KOLK", "IN-WB-S24P",
          "IN-WB-MURS", "IN-WB-DARJ", "IN-BR-ECHA", "IN-MH-MUMB", "IN-MH-PUNE", "IN-JH-RANC"]
SIGHTINGS = [
    "Three girls aged about 15 were put on the night bus with a man who said he had jobs for them",
    "A man is offering marriage to girls from poor families and taking them to another state",
    "Two boys are working at the brick kiln and cannot leave, the owner keeps their papers",
    "A van crossed towards the border at night with women who looked frightened",
    "A girl from our village has been missing for four days since an agent visited",
    "Children are held in a locked room behind the embroidery unit near the market",
    "A broker is collecting young women for hotel work in the city and paying the parents",
]
LANDMARKS = ["bus stand", "railway station", "tea stall near the school", "market gate", "ferry ghat",
             "check post", "petrol pump"]


# --------------------------------------------------------------------------- small helpers

def now() -> float:
    return time.monotonic()


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    xs = sorted(values)
    return xs[min(len(xs) - 1, max(0, math.ceil(q / 100 * len(xs)) - 1))]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def sh(cmd: list[str]) -> str:
    exe = shutil.which(cmd[0])
    if exe is None:
        return ""
    try:  # fixed commands (date, nproc, free), no shell
        return subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    except OSError:
        return ""


def pg(url: str, sql: str) -> str:
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("tip_intake needs psql on PATH")
    # Fixed SQL built here (the database name is generated), no shell.
    return subprocess.run([psql, url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql], check=True,  # noqa: S603
                          capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Step:
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    returncode: int = 0


def run_child(cmd: list[str], env: dict, *, label: str, quiet: bool = False) -> tuple[Step, list[str]]:
    """Run ``cmd`` (our own argv, no shell), echo its output; wall and CPU time of the child."""
    started = now()
    if env.get("SAFETYNET_VAR_DIR"):
        Path(env["SAFETYNET_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.STDOUT, text=True, bufsize=1, start_new_session=True)
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        lines.append(line)
        if not quiet:
            print(f"    [{label}] {line}", flush=True)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Step(seconds=now() - started, cpu_seconds=usage.ru_utime + usage.ru_stime,
                returncode=proc.returncode), lines


def others_running() -> list[str]:
    """Other benchmarks and test runs on the machine (by command line), for the report."""
    found: collections.Counter = collections.Counter()
    mine = {os.getpid()}
    pid = os.getppid()
    while pid > 1 and pid not in mine:  # this run's own wrappers (timeout, make, a shell)
        mine.add(pid)
        st = proc_stat(pid)
        pid = st[0] if st else 0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) in mine:
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "bench/seed_scale.py" in cmd:
            found["bench/seed_scale.py" + (" (reads)" if "--reads-worker" in cmd else "")] += 1
        elif "bin/pytest" in cmd:
            found["pytest"] += 1
        elif "bench/tip_intake.py" in cmd and "--profile-worker" not in cmd:
            found["another bench/tip_intake.py"] += 1
    return [f"{k} ×{v}" if v > 1 else k for k, v in sorted(found.items())]


def code_state() -> dict:
    """Which application code is measured: a hash of safetynet/ (tests and caches excluded), its newest
    file, and every file's mtime (to name what changed if someone edits the code during the run)."""
    import hashlib

    digest = hashlib.sha256()
    mtimes = {}
    for path in sorted((ROOT / "safetynet").rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if (not path.is_file() or "/tests/" in rel or "__pycache__" in rel or rel.endswith((".pyc", ".mo"))
                or path.name in ("conftest.py", "settings_test.py")):
            continue
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
        mtimes[rel] = path.stat().st_mtime
    newest = max(mtimes, key=mtimes.__getitem__)
    return {"sha256": digest.hexdigest()[:16], "files": len(mtimes), "newest": newest,
            "newest_at": datetime.datetime.fromtimestamp(mtimes[newest], datetime.UTC).strftime("%H:%M:%S UTC"),
            "mtimes": mtimes}


def code_changes(before: dict, after: dict) -> list[str]:
    return sorted(k for k in set(before["mtimes"]) | set(after["mtimes"])
                  if before["mtimes"].get(k) != after["mtimes"].get(k))


# --------------------------------------------------------------------------- CPU from /proc

CLK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int) -> tuple[int, float, str] | None:
    """(ppid, CPU seconds user+sys, comm) of one process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = raw[raw.rfind(")") + 2:].split()
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / CLK, raw[raw.find("(") + 1:raw.rfind(")")]


def machine_jiffies() -> tuple[int, int, int]:
    """(busy, total, steal) jiffies of all CPUs (steal: time the hypervisor gave to someone else)."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    total = sum(parts[:8])
    idle = parts[3] + parts[4]
    return total - idle - parts[7], total, parts[7]


class CpuSampler:
    """Per-process CPU by class: gunicorn (masters + their children), postgres (backends of the
    bench database), loadgen (this process). A process that ends between two samples loses at most
    one interval of CPU."""

    def __init__(self, dbname: str):
        self.dbname = dbname
        self.masters: set[int] = set()
        self.filers: set[int] = set()
        self.cmdlines: dict[int, str] = {}

    def classify(self, pid: int, ppid: int, comm: str) -> str:
        if pid == os.getpid():
            return "loadgen"
        if pid in self.masters or ppid in self.masters:
            return "gunicorn"
        if pid in self.filers:
            return "filer"
        if pid not in self.cmdlines:
            try:
                self.cmdlines[pid] = (Path(f"/proc/{pid}/cmdline").read_bytes()
                                      .replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                self.cmdlines[pid] = ""
        cmd = self.cmdlines[pid]
        if f" {self.dbname} " in cmd and cmd.startswith("postgres:"):
            return "postgres"
        # Anything else: named for the report ("other: pytest", "other: postgres" of other databases).
        if "pytest" in cmd:
            return "other: pytest"
        if "seed_scale" in cmd:
            return "other: seed_scale"
        return f"other: {comm}"

    def sample(self) -> dict[int, tuple[str, float]]:
        out = {}
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            pid = int(d.name)
            st = proc_stat(pid)
            if st is None:
                continue
            out[pid] = (self.classify(pid, st[0], st[2]), st[1])
        return out


@dataclass
class CpuWindow:
    sampler: CpuSampler
    first: dict[int, float] = field(default_factory=dict)
    last: dict[int, tuple[str, float]] = field(default_factory=dict)
    jiffies0: tuple[int, int, int] = (0, 0, 0)
    jiffies1: tuple[int, int, int] = (0, 0, 0)
    t0: float = 0.0
    t1: float = 0.0

    def start(self) -> None:
        snap = self.sampler.sample()
        self.first = {pid: cpu for pid, (_k, cpu) in snap.items()}
        self.last = dict(snap)
        self.jiffies0 = machine_jiffies()
        self.t0 = now()

    def tick(self) -> None:
        self.last.update(self.sampler.sample())

    def stop(self) -> dict:
        self.tick()
        self.jiffies1 = machine_jiffies()
        self.t1 = now()
        by: dict[str, float] = collections.defaultdict(float)
        for pid, (kind, cpu) in self.last.items():
            by[kind] += cpu - self.first.get(pid, 0.0)  # a process born in the window counts from 0
        wall = max(self.t1 - self.t0, 1e-9)
        busy = self.jiffies1[0] - self.jiffies0[0]
        total = max(self.jiffies1[1] - self.jiffies0[1], 1)
        ncpu = os.cpu_count() or 1
        machine_cores = busy / total * ncpu
        out = {f"{k}_cores": v / wall for k, v in by.items() if not k.startswith("other: ")}
        for k in ("gunicorn", "filer", "postgres", "loadgen"):
            out.setdefault(f"{k}_cores", 0.0)
        out["machine_busy_cores"] = machine_cores
        out["steal_cores"] = (self.jiffies1[2] - self.jiffies0[2]) / total * ncpu
        # other: processes seen that are not this bench's (named in top_others); unattributed: the rest of
        # the machine's busy time (kernel, processes too short-lived to be sampled, workers that ended).
        out["other_cores"] = sum(v for k, v in by.items() if k.startswith("other: ")) / wall
        out["unattributed_cores"] = max(0.0, machine_cores - sum(out[f"{k}_cores"] for k in (
            "gunicorn", "filer", "postgres", "loadgen", "other")))
        others = sorted(((k[len("other: "):], v / wall) for k, v in by.items() if k.startswith("other: ")),
                        key=lambda kv: -kv[1])
        out["top_others"] = [[k, round(v, 2)] for k, v in others[:4] if v >= 0.02]
        out["wall"] = wall
        return out


# --------------------------------------------------------------------------- HTTP (stdlib asyncio)

class StaleConnection(ConnectionError):
    """The server closed a kept-alive connection before answering (nothing was processed)."""


class Conn:
    """One client's HTTP/1.1 connection: kept alive when the server allows it, reopened otherwise."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes, timeout: float) -> tuple[int, bytes]:
        try:
            return await asyncio.wait_for(self._request(method, path, body), timeout)
        except BaseException:
            self.close()
            raise

    async def _request(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        reused = self.writer is not None
        if not reused:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None and self.writer is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nAccept: application/json\r\n"
                "User-Agent: safetynet-bench\r\n")
        if method == "POST":
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()
        line = await self.reader.readline()
        if not line:
            raise StaleConnection("closed before the status line") if reused else ConnectionResetError("eof")
        parts = line.split(None, 2)
        version, status = parts[0], int(parts[1])
        headers: dict[str, str] = {}
        while True:
            h = await self.reader.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            k, _sep, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        close = version == b"HTTP/1.0" or headers.get("connection", "").lower() == "close"
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            data = b"".join(chunks)
        else:
            data = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, data


async def healthy(port: int, timeout: float = 2.0) -> bool:
    conn = Conn(port)
    try:
        status, _ = await conn.request("GET", "/healthz", b"", timeout)
        return status == 200
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, IndexError):
        return False
    finally:
        conn.close()


# --------------------------------------------------------------------------- gunicorn

@dataclass
class Config:
    kind: str  # sync | gthread
    workers: int
    threads: int = 1

    @property
    def label(self) -> str:
        return f"{self.kind} -w {self.workers}" + (f" --threads {self.threads}" if self.kind == "gthread" else "")

    def argv(self, port: int) -> list[str]:
        return [GUNICORN, "safetynet.wsgi:application", "-b", f"{HOST}:{port}", "-w", str(self.workers),
                "-k", self.kind, "--threads", str(self.threads), "--timeout", "60", "--graceful-timeout", "30",
                "--error-logfile", "-", "--log-level", "info"]


def parse_config(text: str) -> Config:
    kind, _sep, rest = text.strip().partition(":")
    if kind not in {"sync", "gthread"} or not rest:
        raise argparse.ArgumentTypeError(f"bad config {text!r}: use sync:N or gthread:NxT")
    workers, _x, threads = rest.partition("x")
    return Config(kind, int(workers), int(threads or 1))


class Server:
    """gunicorn in its own session (process group); every master this bench started is tracked."""

    def __init__(self, cfg: Config, env: dict, port: int, log: Path, sampler: CpuSampler):
        self.cfg, self.env, self.port, self.log, self.sampler = cfg, env, port, log, sampler
        self.proc: subprocess.Popen | None = None
        self.filer: subprocess.Popen | None = None
        self.started: list[subprocess.Popen] = []

    @property
    def with_filer(self) -> bool:
        return self.env.get("SAFETYNET_TIP_FILING") == "worker"

    def start_filer(self) -> None:
        """``manage.py file_tips --loop``: files the intake queue when the form runs in worker mode."""
        with self.log.open("a") as out:
            out.write(f"\n=== start filer at {time.strftime('%H:%M:%S')}\n")
            out.flush()
            self.filer = subprocess.Popen([PYTHON, "manage.py", "file_tips", "--loop"], cwd=ROOT,  # noqa: S603
                                          env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        self.started.append(self.filer)
        self.sampler.filers.add(self.filer.pid)

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)  # in case a cleanup elsewhere removed it
        with self.log.open("a") as out:
            out.write(f"\n=== start {self.cfg.label} at {time.strftime('%H:%M:%S')}\n")
            out.flush()
            self.proc = subprocess.Popen(self.cfg.argv(self.port), cwd=ROOT, env=self.env, stdout=out,  # noqa: S603
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(self.proc)
        self.sampler.masters.add(self.proc.pid)

    async def ready(self, timeout: float = 90.0) -> float:
        t0 = now()
        while now() - t0 < timeout:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            if await healthy(self.port):
                return now() - t0
            await asyncio.sleep(0.05)
        raise RuntimeError(f"gunicorn not answering /healthz after {timeout:.0f} s; see {self.log}")

    def workers(self) -> set[int]:
        assert self.proc is not None
        master = self.proc.pid
        kids = set()
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                st = proc_stat(int(d.name))
                if st and st[0] == master:
                    kids.add(int(d.name))
        return kids

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)

    async def exited(self, timeout: float = 60.0) -> float:
        assert self.proc is not None
        t0 = now()
        while self.proc.poll() is None and now() - t0 < timeout:
            await asyncio.sleep(0.02)
        return now() - t0

    def stop_all(self) -> None:
        """TERM each started session (process group), then KILL what is left after 35 s."""
        for p in self.started:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        deadline = now() + 35
        for p in self.started:
            try:
                p.wait(timeout=max(0.1, deadline - now()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        # Workers of a killed master are in the same process group.
        for p in self.started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(p.pid, signal.SIGKILL)


def connections_per_worker(port: int, workers: set[int]) -> list[int]:
    """Established client connections held by each gunicorn worker (``ss -tnp``), busiest first."""
    exe = shutil.which("ss")
    if exe is None:
        return []
    out = subprocess.run([exe, "-Htnp", "state", "established", f"( sport = :{port} )"],  # noqa: S603
                         capture_output=True, text=True, check=False).stdout
    counts = dict.fromkeys(workers, 0)
    for line in out.splitlines():
        m = re.search(r"pid=(\d+)", line)
        if m and int(m.group(1)) in counts:
            counts[int(m.group(1))] += 1
    return sorted(counts.values(), reverse=True)


# --------------------------------------------------------------------------- load

def tip_fields(rng: random.Random, key: str, places: list[str]) -> dict[str, str]:
    """A plausible public report: a sighting, sometimes phone and vehicle numbers (extracted as
    hashed indicators), sometimes the reporter's phone, sometimes "happening now" (urgent alerts)."""
    phone = f"+91 9{rng.randint(100000000, 999999999)}"
    vehicle = f"WB {rng.randint(10, 99)} {rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')} {rng.randint(1000, 9999)}"
    description = rng.choice(SIGHTINGS)
    if rng.random() < 0.4:
        description += f". The agent's number is {phone}"
    fields = {"category": rng.choice(CATEGORIES), "jurisdiction": rng.choice(places),
              "description": description, "place": f"near the {rng.choice(LANDMARKS)}",
              "idempotency_key": key}
    if rng.random() < 0.3:
        fields["vehicles"] = vehicle
    if rng.random() < 0.2:
        fields["phones"] = f"+91 8{rng.randint(100000000, 999999999)}"
    if rng.random() < 0.1:
        fields["happening_now"] = "on"
    if rng.random() < 0.3:
        fields.update(reporter_name="A neighbour", reporter_phone=f"9{rng.randint(100000000, 999999999)}",
                      may_contact="on")
    return fields


@dataclass
class Phase:
    name: str
    mode: str  # closed | paced
    duration: float
    rate: float = 0.0
    measured: bool = True
    fit: float = 0.0  # paced at this fraction of the steady phase's tips/s (set when it starts)
    attempt: int = 0  # > 0: a repeat of a window that other processes disturbed
    start: float = 0.0
    end: float = 0.0
    new_tips: list[float] = field(default_factory=list)  # completion times of first acknowledgements
    responses: list[float] = field(default_factory=list)  # completion times of every HTTP response
    ok_times: list[float] = field(default_factory=list)  # completion times of every 200/201
    lat_first: list[float] = field(default_factory=list)  # 201 on the first attempt, in the window
    lat_sched: list[float] = field(default_factory=list)  # paced: from the scheduled send time
    lat_resend: list[float] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    error_times: list[float] = field(default_factory=list)
    error_kinds: list[str] = field(default_factory=list)
    retried_tips: int = 0
    retry_attempts: int = 0
    retried_200: int = 0  # a retry answered 200: an earlier attempt had stored it (its answer was lost)
    retried_201: int = 0  # a retry answered 201: no earlier attempt had stored it
    first_200: int = 0  # a brand-new key answered 200 on its first attempt (must be 0)
    resends: int = 0
    resend_200: int = 0
    resend_other: collections.Counter = field(default_factory=collections.Counter)
    receipt_mismatch: int = 0
    rejected: list[str] = field(default_factory=list)
    unsent: int = 0  # paced: scheduled tips not yet sent when the window closed
    unresolved: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    conn_samples: list[tuple[float, list[int]]] = field(default_factory=list)  # (t, connections per worker)
    machine_ticks: list[tuple[float, int, int, int]] = field(default_factory=list)  # (t, busy, total, steal)
    cpu: dict = field(default_factory=dict)
    pg: dict = field(default_factory=dict)
    config: str = ""
    wall0: float = 0.0  # time.time() at the start and the end of the measured window (for SQL on received_at)
    wall1: float = 0.0
    backlog_end: int | None = None  # tips still waiting for the filer when the window closed


class Load:
    def __init__(self, args, port: int, prefix: str, places: list[str]):
        self.args, self.port, self.prefix, self.places = args, port, prefix, places
        self.acked: dict[str, str] = {}  # key -> receipt
        self.created_201: collections.Counter = collections.Counter()
        self.phases: list[Phase] = []
        self.others: set[str] = set()  # other benchmarks / test runs seen during measured windows
        self.discarded: list[dict] = []  # measured windows repeated because other processes used the CPU

    async def send(self, ph: Phase, conn: Conn, key: str, body: bytes, deadline: float, first_timeout: float = 0.0
                   ) -> tuple[int, str, int, float, float] | None:
        """POST until an answer that is not a connection error, timeout, 5xx or 429.
        Returns (status, receipt, attempts, first attempt start, last attempt start)."""
        attempt = 0
        first_t0 = 0.0
        while True:
            attempt += 1
            t0 = now()
            if attempt == 1:
                first_t0 = t0
            kind = ""
            status = 0
            data = b""
            try:
                timeout = first_timeout if attempt == 1 and first_timeout else self.args.timeout
                status, data = await conn.request("POST", "/report/", body, timeout)
            except StaleConnection:
                kind = "keep-alive closed"
            except ConnectionRefusedError:
                kind = "refused"
            except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
                kind = "reset"
            except TimeoutError:
                kind = "abandoned" if attempt == 1 and first_timeout else "timeout"
            except (OSError, ValueError, IndexError) as exc:
                kind = type(exc).__name__
            t1 = now()
            if not kind:
                ph.responses.append(t1)
                if status >= 500:
                    kind = f"HTTP {status}"
                elif status == 429:
                    kind = "HTTP 429"
            if kind:
                ph.errors[kind] += 1
                ph.error_times.append(t1)
                ph.error_kinds.append(kind)
                if t1 > deadline:
                    return None
                if kind not in ("keep-alive closed", "abandoned"):  # these re-send at once
                    await asyncio.sleep(min(0.05 * 2 ** (attempt - 1), 1.0) * random.uniform(0.5, 1.5))  # noqa: S311
                continue
            receipt = ""
            if status in (200, 201):
                try:
                    receipt = json.loads(data)["receipt"]
                except (ValueError, KeyError):
                    ph.errors["bad body"] += 1
            return status, receipt, attempt, first_t0, t0

    async def submit(self, ph: Phase, conn: Conn, rng: random.Random, key: str, scheduled: float) -> bool:
        body = urllib.parse.urlencode(tip_fields(rng, key, self.places)).encode()
        deadline = ph.start + ph.duration + self.args.drain
        # In the restart phase some clients stop waiting after --abandon-after seconds and re-send at
        # once (a phone on a bad line): the abandoned attempt is still stored by the server, so the
        # re-send races it or finds it (200 with the same receipt, never a second tip).
        first_timeout = self.args.abandon_after if ph.name == "restart" and rng.random() < self.args.abandon else 0.0
        got = await self.send(ph, conn, key, body, deadline, first_timeout)
        if got is None:
            ph.unresolved.append(key)
            return False
        status, receipt, attempts, first_t0, t0 = got
        t1 = now()
        in_window = ph.start <= t1 <= ph.start + ph.duration
        if attempts > 1:
            ph.retried_tips += 1
            ph.retry_attempts += attempts - 1
        if status not in (200, 201):
            ph.rejected.append(key)
            ph.errors[f"HTTP {status}"] += 1
            return False
        if status == 201:
            self.created_201[key] += 1
        if attempts > 1:
            if status == 200:
                ph.retried_200 += 1
            else:
                ph.retried_201 += 1
        elif status == 200:
            ph.first_200 += 1
        if key in self.acked and self.acked[key] != receipt:
            ph.receipt_mismatch += 1
        self.acked[key] = receipt
        ph.ok_times.append(t1)
        ph.new_tips.append(t1)
        if in_window and attempts == 1 and status == 201:
            ph.lat_first.append(t1 - t0)
            if ph.mode == "paced":
                ph.lat_sched.append(t1 - scheduled)
        if rng.random() < self.args.resend:
            await self.resend(ph, conn, key, body, deadline)
        return True

    async def resend(self, ph: Phase, conn: Conn, key: str, body: bytes, deadline: float) -> None:
        """The same report again (a client that did not see the answer): expect 200, same receipt."""
        ph.resends += 1
        got = await self.send(ph, conn, key, body, deadline)
        if got is None:
            return
        status, receipt, attempts, _first_t0, t0 = got
        t1 = now()
        if status == 200:
            ph.resend_200 += 1
            ph.ok_times.append(t1)
            if attempts == 1:
                ph.lat_resend.append(t1 - t0)
        else:
            ph.resend_other[status] += 1
            if status == 201:
                self.created_201[key] += 1
        if receipt and receipt != self.acked.get(key):
            ph.receipt_mismatch += 1

    async def client(self, ph: Phase, cid: int) -> None:
        rng = random.Random(f"{self.prefix}:{ph.name}.{ph.attempt}:{cid}")
        conn = Conn(self.port)
        n = 0
        interval = self.args.clients / ph.rate if ph.mode == "paced" else 0.0
        next_at = ph.start + interval * cid / self.args.clients
        stop_at = ph.start + ph.duration
        try:
            while True:
                t = now()
                if ph.mode == "paced":
                    if next_at >= stop_at or t >= stop_at:
                        # Slots a slow server left unsent by the end of the window.
                        ph.unsent += max(0, math.ceil((stop_at - next_at) / interval))
                        break
                    if next_at > t:
                        await asyncio.sleep(next_at - t)
                    scheduled = next_at
                    next_at += interval
                else:
                    if t >= stop_at:
                        break
                    scheduled = t
                key = f"{self.prefix}:{ph.name}.{ph.attempt}:{cid}:{n}"
                n += 1
                await self.submit(ph, conn, rng, key, scheduled)
        finally:
            conn.close()

    async def run(self, ph: Phase, cpu: CpuWindow, pgmon: PgMonitor | None,
                  events: collections.abc.Callable | None = None, server: Server | None = None) -> Phase:
        self.phases.append(ph)
        label = f"{ph.name} ({ph.mode}{f', {ph.rate:.0f}/s' if ph.mode == 'paced' else ''}, {ph.duration:.0f} s)"
        print(f"  -- {label}", flush=True)
        ph.start, ph.wall0 = now(), time.time()
        cpu.start()
        if pgmon:
            pgmon.start()
        clients = [asyncio.create_task(self.client(ph, i)) for i in range(self.args.clients)]
        extra = asyncio.create_task(events(ph)) if events else None

        async def monitor():
            last_print = ph.start
            seen = 0
            while True:
                await asyncio.sleep(0.5)
                cpu.tick()
                if now() <= ph.start + ph.duration:
                    ph.machine_ticks.append((now() - ph.start, *machine_jiffies()))
                if pgmon:
                    await pgmon.tick()
                if now() - last_print >= 5:
                    if ph.measured:
                        self.others.update(others_running())
                    if server is not None and server.proc is not None and server.proc.poll() is None:
                        ph.conn_samples.append((now() - ph.start,
                                                connections_per_worker(self.port, server.workers())))
                    done = len(ph.new_tips)
                    rate = (done - seen) / (now() - last_print)
                    print(f"     t={now() - ph.start:5.1f}s  tips {done:,}  last 5 s {rate:6.1f}/s  "
                          f"errors {sum(ph.errors.values())}", flush=True)
                    last_print, seen = now(), done

        mon = asyncio.create_task(monitor())
        await asyncio.sleep(max(0.0, ph.start + ph.duration - now()))
        ph.cpu = cpu.stop()  # CPU over the window itself, not the drain
        ph.wall1 = time.time()
        if pgmon:
            ph.pg = await pgmon.stop()
            ph.backlog_end = await asyncio.to_thread(pgmon.backlog)
        await asyncio.gather(*clients)
        if extra:
            await extra
        mon.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await mon
        ph.end = now()
        if ph.conn_samples:
            print("     connections per worker: " + "; ".join(f"{t:.0f} s {c}" for t, c in ph.conn_samples), flush=True)
        s = summary(ph)
        print(f"     {s['tips_per_s']:.1f} tips/s, p50 {ms(s['p50'])} p95 {ms(s['p95'])} p99 {ms(s['p99'])}, "
              f"retries {ph.retry_attempts}, errors {dict(ph.errors)}, gunicorn {ph.cpu['gunicorn_cores']:.2f} "
              f"cores, filer {ph.cpu.get('filer_cores', 0.0):.2f} (queue at the end: {ph.backlog_end}), "
              f"postgres {ph.cpu['postgres_cores']:.2f}, loadgen {ph.cpu['loadgen_cores']:.2f}, "
              f"machine {ph.cpu['machine_busy_cores']:.2f}, steal {ph.cpu['steal_cores']:.2f}", flush=True)
        return ph


def summary(ph: Phase) -> dict:
    w0, w1 = ph.start, ph.start + ph.duration
    tips = sum(1 for t in ph.new_tips if w0 <= t <= w1)
    responses = sum(1 for t in ph.responses if w0 <= t <= w1)
    out = {
        "phase": ph.name, "mode": ph.mode, "config": ph.config, "duration": ph.duration, "rate": ph.rate,
        "tips": tips, "tips_per_s": tips / ph.duration, "responses_per_s": responses / ph.duration,
        "tips_total": len(ph.new_tips),
        "p50": pct(ph.lat_first, 50), "p95": pct(ph.lat_first, 95), "p99": pct(ph.lat_first, 99),
        "max": max(ph.lat_first) if ph.lat_first else None, "first_attempt_ok": len(ph.lat_first),
        "sched_p50": pct(ph.lat_sched, 50), "sched_p95": pct(ph.lat_sched, 95), "sched_p99": pct(ph.lat_sched, 99),
        "resend_p50": pct(ph.lat_resend, 50), "resend_p95": pct(ph.lat_resend, 95),
        "errors": dict(ph.errors), "retried_tips": ph.retried_tips, "retry_attempts": ph.retry_attempts,
        "retried_200": ph.retried_200, "retried_201": ph.retried_201, "first_200": ph.first_200,
        "resends": ph.resends, "resend_200": ph.resend_200, "resend_other": dict(ph.resend_other),
        "receipt_mismatch": ph.receipt_mismatch, "rejected": len(ph.rejected), "unresolved": len(ph.unresolved),
        "unsent": ph.unsent,
        "cpu": ph.cpu, "pg": ph.pg, "events": [{k: v for k, v in e.items() if k != "t"} for e in ph.events],
        "attempt": ph.attempt, "wall0": ph.wall0, "wall1": ph.wall1, "backlog_end": ph.backlog_end,
    }
    # Tips acknowledged per second of the window (for the restart phase: the dip and the gap).
    per_second = [0] * max(1, int(math.ceil(ph.duration)))
    for t in ph.new_tips:
        i = int(t - w0)
        if 0 <= i < len(per_second):
            per_second[i] += 1
    out["per_second"] = per_second
    ticks = ph.machine_ticks
    ncpu = os.cpu_count() or 1
    out["max_steal_1s"] = max(((b[3] - a[3]) / max(b[2] - a[2], 1) * ncpu for a, b in zip(ticks, ticks[2:],
                                                                                          strict=False)), default=0.0)
    out["conn_samples"] = [[round(t), c] for t, c in ph.conn_samples]
    return out


def longest_gap(times: list[float], lo: float, hi: float) -> tuple[float, float]:
    """Longest interval without a completion inside [lo, hi]: (length, start)."""
    xs = sorted(t for t in times if lo <= t <= hi)
    xs = [lo, *xs, hi]
    best, at = 0.0, lo
    for a, b in zip(xs, xs[1:], strict=False):
        if b - a > best:
            best, at = b - a, a
    return best, at


# --------------------------------------------------------------------------- PostgreSQL

class PgMonitor:
    """pg_stat_activity of the bench database every tick: active backends and lock waits."""

    def __init__(self, url: str, dbname: str):
        import psycopg

        self.conn = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)
        self.bench = psycopg.connect(url, autocommit=True)
        self.dbname = dbname
        self.samples: list[tuple[int, int, int]] = []
        self.waits: collections.Counter = collections.Counter()
        self.stat0: tuple = ()

    def _stat(self) -> tuple:
        return self.conn.execute("SELECT xact_commit, xact_rollback, blks_read, blks_hit, tup_inserted, deadlocks, "
                                 "(SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) "
                                 "FROM pg_stat_database WHERE datname = %s", [self.dbname]).fetchone()

    def _sample(self) -> None:
        rows = self.conn.execute(
            "SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) "
            "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            [self.dbname]).fetchall()
        active = sum(1 for r in rows if r[0] == "active")
        locks = [r for r in rows if r[1] == "Lock"]
        self.samples.append((len(rows), active, len(locks)))
        for r in locks:
            self.waits[f"{r[2]}: {r[3]}"] += 1

    def backlog(self) -> int:
        return self.bench.execute("SELECT count(*) FROM tips_tip WHERE filed_at IS NULL").fetchone()[0]

    def start(self) -> None:
        self.samples, self.waits = [], collections.Counter()
        self.stat0 = self._stat()

    async def tick(self) -> None:
        await asyncio.to_thread(self._sample)

    async def stop(self) -> dict:
        stat1 = await asyncio.to_thread(self._stat)
        n = max(len(self.samples), 1)
        d = [b - a for a, b in zip(self.stat0, stat1, strict=True)]
        return {"samples": len(self.samples), "connections": sum(s[0] for s in self.samples) / n,
                "active": sum(s[1] for s in self.samples) / n, "lock_waiting": sum(s[2] for s in self.samples) / n,
                "top_waits": self.waits.most_common(4), "commits": d[0], "rollbacks": d[1],
                "blocks_read": d[2], "tuples_inserted": d[4], "deadlocks": d[5], "checkpoints": d[6]}

    def close(self) -> None:
        self.conn.close()
        self.bench.close()


def verify(url: str, prefix: str, load: Load) -> dict:
    import psycopg

    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%"
    with psycopg.connect(url) as conn:
        # With the filer, tips may still be queued when the last phase ends: wait until it has filed them.
        t0, waiting = now(), None
        while now() - t0 < 300:
            waiting = conn.execute("SELECT count(*) FROM tips_tip WHERE filed_at IS NULL").fetchone()[0]
            conn.commit()
            if not waiting:
                break
            time.sleep(0.2)
        drained = {"waiting_after_phases": waiting, "drain_s": now() - t0}
        lag_sql = ("SELECT count(*), percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY "
                   "extract(epoch FROM filed_at - received_at)), max(extract(epoch FROM filed_at - received_at)) "
                   "FROM tips_tip WHERE idempotency_key LIKE %s AND filed_at IS NOT NULL")
        lag = {}
        for ph in load.phases:
            if ph.measured and ph.wall1:
                n, pcts, top = conn.execute(lag_sql + " AND received_at BETWEEN to_timestamp(%s) AND to_timestamp(%s)",
                                            [like, ph.wall0, ph.wall1]).fetchone()
                lag[f"{ph.name}#{ph.attempt}:{ph.config}"] = {
                    "tips": n, "p50": float(pcts[0]) if pcts else None, "p95": float(pcts[1]) if pcts else None,
                    "p99": float(pcts[2]) if pcts else None, "max": float(top) if top is not None else None}
        n, pcts, top = conn.execute(lag_sql, [like]).fetchone()
        lag["all"] = {"tips": n, "p50": float(pcts[0]) if pcts else None, "p95": float(pcts[1]) if pcts else None,
                      "p99": float(pcts[2]) if pcts else None, "max": float(top) if top is not None else None}
        rows = conn.execute(
            "SELECT t.idempotency_key, "
            " EXISTS (SELECT 1 FROM tips_tiprouting r WHERE r.tip_id = t.id), "
            " EXISTS (SELECT 1 FROM tips_tipevent e WHERE e.tip_id = t.id AND e.action = 'received'), "
            " EXISTS (SELECT 1 FROM audit_auditevent a WHERE a.object_id = t.public_id::text "
            "         AND a.action = 'tip.submit') "
            "FROM tips_tip t WHERE t.idempotency_key LIKE %s", [like]).fetchall()
        dup_keys = conn.execute("SELECT idempotency_key, count(*) FROM tips_tip WHERE idempotency_key LIKE %s "
                                "GROUP BY 1 HAVING count(*) > 1", [like]).fetchall()
        dup_refs = conn.execute("SELECT count(*) - count(DISTINCT reference) FROM tips_tip").fetchone()[0]
        routings = conn.execute("SELECT count(*) FROM tips_tiprouting r JOIN tips_tip t ON t.id = r.tip_id "
                                "WHERE t.idempotency_key LIKE %s", [like]).fetchone()[0]
        all_tips = conn.execute("SELECT count(*) FROM tips_tip").fetchone()[0]
    in_db = {r[0] for r in rows}
    acked = set(load.acked)
    unresolved = {k for ph in load.phases for k in ph.unresolved}
    rejected = {k for ph in load.phases for k in ph.rejected}
    orphans = in_db - acked
    return {
        "acknowledged": len(acked), "rows": len(rows), "distinct_keys_in_db": len(in_db),
        "lost": len(acked - in_db), "lost_sample": sorted(acked - in_db)[:5],
        "duplicated_keys": len(dup_keys), "duplicated_sample": [list(r) for r in dup_keys[:5]],
        "created_twice": sum(1 for c in load.created_201.values() if c > 1),
        "stored_not_acknowledged": len(orphans), "stored_after_give_up": len(orphans & unresolved),
        "unresolved": len(unresolved), "rejected": len(rejected), "rejected_stored": len(rejected & in_db),
        "without_routing": sum(1 for r in rows if not r[1]), "without_event": sum(1 for r in rows if not r[2]),
        "without_audit": sum(1 for r in rows if not r[3]), "routing_rows": routings,
        "duplicate_references": dup_refs, "all_tips_in_db": all_tips,
        "receipt_mismatch": sum(ph.receipt_mismatch for ph in load.phases),
        "first_200": sum(ph.first_200 for ph in load.phases),
        "filing": {**drained, "lag": lag},
    }


# --------------------------------------------------------------------------- profile (child)

def profile_worker(args) -> None:
    """Runs inside a child with the server's production environment; prints one JSON line."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import cProfile
    import pstats

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from safetynet.audit import services as audit_services
    from safetynet.core.models import CodeSequence
    from safetynet.tips import forms as tip_forms
    from safetynet.tips import routing as tip_routing
    from safetynet.tips import services as tip_services
    from safetynet.tips import views as tip_views

    places = args.places.split(",")
    client = Client(HTTP_HOST=HOST)
    rng = random.Random(11)
    counter = iter(range(10**9))

    def post() -> None:
        key = f"{args.profile_prefix}:{next(counter)}"
        body = urllib.parse.urlencode(tip_fields(rng, key, places))
        r = client.post("/report/", data=body, content_type="application/x-www-form-urlencoded",
                        HTTP_ACCEPT="application/json")
        if r.status_code != 201:
            raise SystemExit(f"profile: POST /report/ answered {r.status_code}: {r.content[:300]!r}")

    n = args.profile_requests
    for _ in range(20):
        post()

    walls = []
    for _ in range(n):
        t0 = time.perf_counter()
        post()
        walls.append(time.perf_counter() - t0)

    # Queries per tip.
    counts, sql_times, sample = [], [], []
    for i in range(50):
        with CaptureQueriesContext(connection) as cq:
            post()
        counts.append(len(cq.captured_queries))
        sql_times.append(sum(float(q["time"]) for q in cq.captured_queries))
        if i == 0:
            sample = [re.sub(r"\s+", " ", q["sql"])[:110] for q in cq.captured_queries]

    # Timers around the parts of the request (the application code is not changed: wrappers only).
    parts: dict[str, float] = collections.defaultdict(float)
    marks: dict[str, float] = {}

    def timed(owner, name, label, mark=None):
        orig = getattr(owner, name)

        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            if mark:
                marks.setdefault(mark, t0)
            try:
                return orig(*a, **kw)
            finally:
                parts[label] += time.perf_counter() - t0
        setattr(owner, name, wrapper)
        return orig

    conn_commit = connection.commit
    originals = [
        (tip_forms.TipForm, "__init__", timed(tip_forms.TipForm, "__init__", "TipForm() incl. place_choices()")),
        (tip_forms.TipForm, "full_clean", timed(tip_forms.TipForm, "full_clean", "form validation")),
        (tip_views, "hit", timed(tip_views, "hit", "rate limit (cache)")),
        (tip_services, "submit_tip", timed(tip_services, "submit_tip", "submit_tip total")),
        (tip_services, "validate", timed(tip_services, "validate", "  validate (jurisdiction lookup)")),
        (tip_services, "_receive", timed(tip_services, "_receive", "  receive (the tip's INSERTs)")),
        # Filing: in the request only with SAFETYNET_TIP_FILING=inline (else zero here; see "filing" below).
        (tip_services, "file_tips", timed(tip_services, "file_tips", "  file_tips (inline filing)")),
        (tip_services, "next_serial", timed(tip_services, "next_serial", "    next_serial (row lock per district)",
                                            mark="serial")),
        (tip_routing, "route", timed(tip_routing, "route", "    routing.route")),
        (tip_services, "notify_many", timed(tip_services, "notify_many", "    notify triagers")),
        (audit_services, "_append_many", timed(audit_services, "_append_many",
                                               "    audit record (chain head lock)", mark="audit")),
    ]
    # A row lock taken at a mark is held until the next COMMIT (or rollback) of the connection.
    holds = {"audit": 0.0, "serial": 0.0}
    timed(connection, "commit", "  COMMIT")
    timed_commit = connection.commit

    def commit_and_release(*a, **kw):
        try:
            return timed_commit(*a, **kw)
        finally:
            end = time.perf_counter()
            for k in list(marks):
                holds[k] += end - marks.pop(k)
    connection.commit = commit_and_release
    orig_submit = tip_services.submit_tip

    def submit_and_hold(*a, **kw):
        marks.clear()
        return orig_submit(*a, **kw)
    tip_services.submit_tip = submit_and_hold
    t_all = time.perf_counter()
    for _ in range(n):
        post()
    total = time.perf_counter() - t_all
    tip_services.submit_tip = orig_submit
    for owner, name, orig in originals:
        setattr(owner, name, orig)
    connection.commit = conn_commit

    # Filing what the requests queued (worker mode), as the filer does: batches of up to 500.
    from safetynet.tips.models import Tip as TipModel

    queued = TipModel.objects.filter(filed_at__isnull=True).count()
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as cq:
        filed = 0
        while batch := tip_services.file_tips(limit=500):
            filed += batch
    filing = {"queued": queued, "filed": filed, "seconds": time.perf_counter() - t0,
              "queries": len(cq.captured_queries)}

    # cProfile over the whole request path.
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        post()
    prof.disable()
    stats = pstats.Stats(prof)
    rows = []
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = filename.replace(str(ROOT) + "/", "")
        short = re.sub(r".*/site-packages/", "", short)
        rows.append({"func": f"{short}:{line}({func})", "calls": ncalls / n, "tottime": tottime / n,
                     "cumtime": cumtime / n})
    top_tot = sorted(rows, key=lambda r: -r["tottime"])[:15]
    interesting = [r for r in rows if r["func"].startswith("safetynet/") or "psycopg" in r["func"]
                   or "django/db/backends/utils.py" in r["func"]]
    top_cum = sorted(interesting, key=lambda r: -r["cumtime"])[:20]
    # place_choices alone.
    t0 = time.perf_counter()
    for _ in range(50):
        tip_forms.place_choices()
    choices_ms = (time.perf_counter() - t0) / 50
    from safetynet.agencies.models import Jurisdiction
    sequences = CodeSequence.objects.filter(prefix__startswith="TIP-").count()
    result = {
        "requests": n, "wall_median": pct(walls, 50), "wall_mean": sum(walls) / len(walls),
        "wall_p95": pct(walls, 95), "queries_mean": sum(counts) / len(counts), "queries_min": min(counts),
        "queries_max": max(counts), "sql_time_mean": sum(sql_times) / len(sql_times), "query_sample": sample,
        "parts": {k: v / n for k, v in parts.items()}, "parts_total": total / n, "filing": filing,
        "hold_audit": holds["audit"] / n, "hold_serial": holds["serial"] / n,
        "top_tottime": top_tot, "top_cumtime": top_cum, "place_choices": choices_ms,
        "jurisdictions": Jurisdiction.objects.count(), "tip_sequences": sequences,
    }
    print("RESULT " + json.dumps(result))


# --------------------------------------------------------------------------- report

def machine(url: str) -> dict:
    import django

    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    free = sh(["free", "-h"])
    info = {
        "date": sh(["date", "-u"]), "host": platform.node(), "os": f"{platform.system()} {platform.release()}",
        "cpu": cpu, "nproc": sh(["nproc"]), "memory": free.splitlines()[1].split()[1] if free else "",
        "load_before": Path("/proc/loadavg").read_text().split()[:3], "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": sh([GUNICORN, "--version"]).replace("gunicorn (version ", "").rstrip(")"),
    }
    try:
        import psycopg

        info["psycopg"] = psycopg.__version__
    except ImportError:
        info["psycopg"] = ""
    base = url.rstrip("/") + "/postgres"
    info["postgresql"] = pg(base, "SHOW server_version")
    info["pg_settings"] = dict(
        line.split("|", 1) for line in pg(base, "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE "
                                                "name IN ('shared_buffers', 'synchronous_commit', 'fsync', "
                                                "'max_connections', 'wal_level', 'commit_delay') ORDER BY name")
        .splitlines())
    return info


def fmt_cores(cpu: dict) -> str:
    if not cpu:
        return "–"
    return (f"{cpu['gunicorn_cores']:.2f} / {cpu.get('filer_cores', 0.0):.2f} / {cpu['postgres_cores']:.2f} / "
            f"{cpu['loadgen_cores']:.2f} / {cpu['other_cores']:.2f} / {cpu['machine_busy_cores']:.2f}")


def phase_table(rows: list[dict]) -> str:
    head = ["phase", "gunicorn", "load", "tips/s", "responses/s", "p50", "p95", "p99", "max",
            "retried tips (attempts)", "errors", "CPU cores: gunicorn / filer / postgres / loadgen / other / machine",
            "PG active / lock-waiting"]
    out = ["| " + " | ".join(head) + " |", "|---|---|---|" + "---:|" * 6 + "---|---|---|---|"]
    for r in rows:
        load = "closed loop" if r["mode"] == "closed" else f"paced {r['rate']:.0f}/s"
        errs = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items())) or "0"
        pgs = f"{r['pg'].get('active', 0):.1f} / {r['pg'].get('lock_waiting', 0):.1f}" if r.get("pg") else "–"
        out.append("| " + " | ".join([
            r["phase"], r["config"], load, f"{r['tips_per_s']:.1f}", f"{r['responses_per_s']:.1f}",
            ms(r["p50"]), ms(r["p95"]), ms(r["p99"]), ms(r["max"]),
            f"{r['retried_tips']} ({r['retry_attempts']})", errs, fmt_cores(r["cpu"]), pgs]) + " |")
    return "\n".join(out)


def section(date: str, info: dict, result: dict, cmdline: str, notes: str) -> str:
    main = result["phases"]
    sweep = result["sweep"]
    integ = result["integrity"]
    setup = result["setup"]
    prof = result.get("profile") or {}
    args = result["args"]
    steady = next((r for r in main if r["phase"] == "steady"), None)
    paced = next((r for r in main if r["phase"] == "paced"), None)
    fit = next((r for r in main if r["phase"] == "paced-fit"), None)
    restart = next((r for r in main if r["phase"] == "restart"), None)
    code = result.get("code") or {"sha256": "?", "files": 0, "newest": "?", "newest_at": "?", "changed_during_run": []}
    pgset = ", ".join(f"{k}={v}" for k, v in info["pg_settings"].items())
    lines = [
        BEGIN.format(date=date),
        f"## Tip intake — {date}",
        "",
        "`POST /report/` (the public form, `Accept: application/json`) on PostgreSQL under gunicorn, "
        f"{args['clients']} concurrent clients (issue 3). Target: at least 200 tips/s, p95 under 100 ms.",
        "",
        f"- Filing: SAFETYNET_TIP_FILING={args.get('filing', 'inline')} " + (
            "(the form stores and answers; `manage.py file_tips --loop` runs beside gunicorn and files)"
            if args.get("filing") == "worker" else "(each request files its own tip)"),
        f"- Date: {info['date']}; database `{result['dbname']}` (created for the run, "
        f"{'kept' if args['keep'] else 'dropped afterwards'})",
        f"- Machine: {info['cpu']}, {info['nproc']} CPUs (`nproc`), {info['memory']} RAM (`free -h`), {info['os']}; "
        f"load average before the run {' '.join(info['load_before'])}; other benchmarks running during the "
        f"measured phases: {result['others_during'] or 'none'}",
        f"- Software: Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']}, psycopg "
        f"{info['psycopg']}, PostgreSQL {info['postgresql']} ({pgset}); the database on the same machine",
        f"- Server: `gunicorn safetynet.wsgi:application -b 127.0.0.1:PORT {result['best_argv']}` "
        "(`--timeout 60 --graceful-timeout 30`, no proxy in front), SAFETYNET_ENV=production, "
        "SAFETYNET_SSL_REDIRECT=0 (plain HTTP), **SAFETYNET_TIP_RATE=100000000/h** (the per-address limit is "
        "off: the bench measures intake, not the limiter, and every client is 127.0.0.1), default cache "
        "(local memory), connections kept 60 s (`DATABASE_URL`).",
        f"- Load: {args['clients']} clients in one asyncio process (a minimal HTTP/1.1 client from the standard "
        "library, one connection per client, kept alive when the server allows); every tip a unique idempotency "
        f"key; {args['resend'] * 100:.0f} % of accepted tips re-sent on purpose (expect 200 + the same receipt); "
        "connection errors, timeouts "
        f"({args['timeout']:.0f} s) and 5xx retried with the same key (backoff 50 ms → 1 s). Tips: 7 categories, "
        f"{len(result['places'])} places ({', '.join(result['places'])}), 40 % with a phone number in the text, "
        "30 % vehicle numbers, 30 % the reporter's phone, 10 % \"happening now\" (urgent alerts).",
        f"- Setup (development env, same database and keys): migrate {setup['migrate']:.1f} s, load_geography "
        f"{setup['load_geography']:.1f} s, seed_demo --cases-per-agency 0 {setup['seed_demo']:.1f} s.",
        f"- Command: `{cmdline}`",
        f"- Code measured: `safetynet/` (tests excluded) sha256 {code['sha256']}, {code['files']} files, newest "
        f"`{code['newest']}` modified {code['newest_at']}. "
        + (f"**The application code changed during the run** ({', '.join(code['changed_during_run'])}): the "
           "phases may have measured different code." if code["changed_during_run"] else
           "The code did not change during the load phases."),
        "",
    ]
    if sweep:
        lines += [f"### Configurations tried ({args['sweep_warmup']:.0f} s warm-up + {args['sweep_duration']:.0f} s "
                  "closed loop each, no restarts)", "", phase_table(sweep), "",
                  f"Chosen: **{result['best']}** (the lowest p95 among the configurations within 5 % of the most "
                  "tips/s).", ""]
    lines += [f"### Main run: {result['best']}, {args['warmup']:.0f} s warm-up, then {args['duration']:.0f} s per "
              "phase", "",
              "tips/s: new tips acknowledged (201, or 200 on a retry whose earlier attempt had stored it) in the "
              "window; responses/s: every HTTP answer including re-sends. Latency: first attempts answered 201 "
              "(connect + request + response, client side). CPU: cores used on average over the window (/proc); "
              "postgres = the backends of the bench database; other = the other processes on the machine "
              "(machine = all busy time, kernel included).", "",
              phase_table(main), ""]
    busy_others = [f"{r['phase']} {r['config']}: " + ", ".join(f"{k} {v:.2f}" for k, v in r["cpu"]["top_others"])
                   for r in sweep + main if r["cpu"].get("top_others")]
    lines += ["Disturbances per window: CPU stolen by the hypervisor (/proc/stat steal; mean, and the worst "
              "second) and PostgreSQL checkpoints: " + "; ".join(
                  f"{r['phase']} {r['config']}: steal {r['cpu'].get('steal_cores', 0):.2f} (worst second "
                  f"{r.get('max_steal_1s', 0):.2f}), {r['pg'].get('checkpoints', 0)} checkpoint(s)"
                  for r in sweep + main if r.get("pg")) + ".", ""]
    if busy_others:
        lines += ["Other processes using CPU during the windows (cores): " + "; ".join(busy_others) + ".", ""]
    if result.get("discarded"):
        lines += [f"Windows repeated because other processes used ≥ {args['max_other']:.2f} cores during them "
                  "(their tips still count in the integrity check): " + "; ".join(
                      f"{d['phase']} {d['config']} ({d['other_cores']:.2f} cores: "
                      + ", ".join(f"{k} {v:.2f}" for k, v in d["top_others"]) + f"; {d['tips_per_s']:.1f} tips/s)"
                      for d in result["discarded"]) + ".", ""]
    worst_other = max((r["cpu"].get("other_cores", 0.0) for r in sweep + main), default=0.0)
    if worst_other >= 0.2:
        lines += [f"**Not an idle machine:** other processes used up to {worst_other:.2f} of the "
                  f"{info['nproc']} cores during a measured window, so these figures understate the server; "
                  "re-run on an idle machine.", ""]
    for r in (paced, fit):
        if r and r.get("sched_p95") is not None:
            lines += [f"`{r['phase']}`: offered {r['rate']:.0f} tips/s, acknowledged {r['tips_per_s']:.1f}/s; latency "
                      "from each tip's scheduled send time (it counts the queue a slow server builds up): p50 "
                      f"{ms(r['sched_p50'])}, p95 {ms(r['sched_p95'])}, p99 {ms(r['sched_p99'])}; {r['unsent']:,} "
                      "scheduled tips were still unsent when the window closed.", ""]
    resend_lat = [r for r in main if r.get("resend_p50") is not None]
    if resend_lat:
        lines += ["Deliberate re-sends (idempotent replay, one SELECT): p50 " +
                  ", ".join(f"{r['phase']} {ms(r['resend_p50'])} (p95 {ms(r['resend_p95'])})" for r in resend_lat)
                  + ".", ""]
    if restart:
        ev = {e["event"]: e for e in restart["events"]}
        lines += ["### Restarts and a crash during the `restart` phase", "",
                  f"In this phase {args['abandon'] * 100:.0f} % of first attempts are also abandoned by the client "
                  f"after {args['abandon_after'] * 1000:.0f} ms and re-sent at once (errors: \"abandoned\"); the "
                  "server still stores the abandoned attempt, so the re-send races it or finds it.", "",
                  "| event | at | what the server did | "
                  "longest time without an answer | errors during the event |", "|---|---:|---|---:|---|"]
        if "SIGHUP" in ev:
            e = ev["SIGHUP"]
            lines.append(f"| SIGHUP (graceful reload) | {e['at']:.1f} s | new workers up, old ones gone after "
                         f"{e['reload_s']:.1f} s | {ms(e['gap'])} | {e['errors'] or 'none'} |")
        if "SIGTERM" in ev:
            e = ev["SIGTERM"]
            lines.append(f"| SIGTERM + new gunicorn | {e['at']:.1f} s | old master drained and exited in "
                         f"{e['exit_s']:.2f} s, new one answered /healthz {e['ready_s']:.2f} s later | "
                         f"{ms(e['gap'])} | {e['errors'] or 'none'} |")
        if "SIGKILL" in ev:
            e = ev["SIGKILL"]
            lines.append(f"| SIGKILL of one worker (a crash) | {e['at']:.1f} s | the master forked a replacement "
                         f"after {e['respawn_s']:.2f} s | {ms(e['gap'])} | {e['errors'] or 'none'} |")
        if "filer SIGKILL" in ev:
            e = ev["filer SIGKILL"]
            lines.append(f"| SIGKILL of the tip filer (a crash mid-batch) | {e['at']:.1f} s | a new filer started "
                         f"{e['respawn_s']:.1f} s later | {ms(e['gap'])} | {e['errors'] or 'none'} |")
        lines += ["", "New tips acknowledged per second of the restart phase: " +
                  " ".join(str(x) for x in restart["per_second"]) + ".", ""]
        if restart.get("conn_samples"):
            lines += ["Client connections held by each worker (`ss -tnp`, busiest first; with keep-alive a "
                      "connection stays on the worker that accepted it): " +
                      "; ".join(f"{t} s {c}" for t, c in restart["conn_samples"]) + ".", ""]
    retried_200 = sum(r["retried_200"] for r in main + sweep)
    retried_201 = sum(r["retried_201"] for r in main + sweep)
    resends = sum(r["resends"] for r in main + sweep)
    resend_200 = sum(r["resend_200"] for r in main + sweep)
    ok = integ["lost"] == 0 and integ["duplicated_keys"] == 0 and integ["created_twice"] == 0
    lines += [
        "### Integrity (all phases and the sweep, checked in the database afterwards)", "",
        "| check | count |", "|---|---:|",
        f"| tips the clients were given a receipt for (distinct keys) | {integ['acknowledged']:,} |",
        f"| tip rows with the bench's keys | {integ['rows']:,} |",
        f"| **lost** (receipt given, no row) | **{integ['lost']}** |",
        f"| **duplicated** (key on more than one row: `GROUP BY idempotency_key HAVING count(*) > 1`) | "
        f"**{integ['duplicated_keys']}** |",
        f"| keys answered 201 more than once | {integ['created_twice']} |",
        f"| rows whose key no client was given a receipt for | {integ['stored_not_acknowledged']} "
        f"(after the client gave up: {integ['stored_after_give_up']}) |",
        f"| tips the clients gave up on (no answer within {args['drain']:.0f} s after the phase) | "
        f"{integ['unresolved']} |",
        f"| rejected (400) | {integ['rejected']} |",
        f"| retries answered 200 (an earlier attempt had stored the tip; its answer was lost) | {retried_200} |",
        f"| retries answered 201 (no earlier attempt had stored it) | {retried_201} |",
        f"| deliberate re-sends / answered 200 / receipt differed | {resends} / {resend_200} / "
        f"{integ['receipt_mismatch']} |",
        f"| tips without a routing row / without a \"received\" event / without a `tip.submit` audit event | "
        f"{integ['without_routing']} / {integ['without_event']} / {integ['without_audit']} |",
        f"| routing rows | {integ['routing_rows']:,} |",
        f"| duplicate tip references (serials) | {integ['duplicate_references']} |",
        f"| `manage.py verify_audit` | {result['verify_audit']} |",
        "",
        f"Result: {'zero lost, zero duplicated' if ok else '**TIPS LOST OR DUPLICATED — see above**'}.",
        "",
    ]
    filing = integ.get("filing") or {}
    if args.get("filing") == "worker" and filing:
        lines += [
            "### Filing (SAFETYNET_TIP_FILING=worker: the request stores the tip, `manage.py file_tips --loop` "
            "files it)", "",
            "Time from receipt (`received_at`) to filed (`filed_at`: reference, routing, alerts, audit), from the "
            "database; the queue length is counted as each window closes.", "",
            "| window | tips | p50 | p95 | p99 | max | queue at the end |", "|---|---:|---:|---:|---:|---:|---:|"]
        backlog = {f"{r['phase']}#{r.get('attempt', 0)}:{r['config']}": r.get("backlog_end")
                   for r in sweep + main}
        for key, lag in filing["lag"].items():
            lines.append(f"| {key.split('#')[0] if key != 'all' else 'all tips of the run'}"
                         f"{' (' + key.split(':', 1)[1] + ')' if ':' in key else ''} | {lag['tips']:,} | "
                         f"{ms(lag['p50'])} | {ms(lag['p95'])} | {ms(lag['p99'])} | {ms(lag['max'])} | "
                         f"{backlog.get(key, '–') if key != 'all' else '–'} |")
        lines += ["", f"Tips still waiting when the checks began: {filing.get('waiting_after_phases')}.", ""]
    if prof:
        parts = prof["parts"]
        lines += [
            f"### Where the time goes (one client, in-process, {prof['requests']} requests, production settings)",
            "",
            f"Django test client on the same database, no HTTP and no concurrency (machine busy "
            f"{prof.get('machine_busy_cores', 0):.2f} cores meanwhile, this profile included; other runs: "
            f"{', '.join(prof.get('others', [])) or 'none'}): {ms(prof['wall_median'])} "
            f"median per tip (p95 {ms(prof['wall_p95'])}), {prof['queries_mean']:.1f} SQL queries per tip "
            f"({prof['queries_min']}–{prof['queries_max']}), {ms(prof['sql_time_mean'])} of it in the database "
            "driver (round trips included).",
            "",
            "| part (timers around the functions) | ms per tip |", "|---|---:|",
            f"| whole request (the timed pass, mean) | {prof['parts_total'] * 1000:.2f} |",
            *[f"| {k} | {v * 1000:.2f} |" for k, v in parts.items()],
            f"| audit chain head row locked (from `_append` to the end of the next COMMIT) | "
            f"{prof['hold_audit'] * 1000:.2f} |",
            f"| district serial row locked (from `next_serial` to the end of the next COMMIT) | "
            f"{prof['hold_serial'] * 1000:.2f} |",
            "",
            *([f"Filing the {prof['filing']['filed']:,} tips these requests queued, in batches of 500 as the "
               f"filer does: {prof['filing']['seconds'] * 1000 / max(prof['filing']['filed'], 1):.2f} ms and "
               f"{prof['filing']['queries'] / max(prof['filing']['filed'], 1):.2f} SQL queries per tip.", ""]
              if prof.get("filing", {}).get("filed") else []),
            f"`place_choices()` alone: {ms(prof['place_choices'])} ({prof['jurisdictions']:,} jurisdictions). "
            "Top functions by own time (cProfile, ms per tip):",
            "",
            "| function | calls/tip | own ms | cumulative ms |", "|---|---:|---:|---:|",
            *[f"| `{r['func'][:90]}` | {r['calls']:.1f} | {r['tottime'] * 1000:.2f} | {r['cumtime'] * 1000:.2f} |"
              for r in prof["top_tottime"][:12]],
            "",
        ]
    verdict = []
    if steady:
        verdict.append(f"capacity {steady['tips_per_s']:.0f} tips/s at {args['clients']} clients (target ≥ 200: "
                       f"{'met' if steady['tips_per_s'] >= 200 else 'missed'})")
        verdict.append(f"p95 {ms(steady['p95'])} at that saturation")
    if paced:
        verdict.append(f"at {paced['rate']:.0f} tips/s offered: {paced['tips_per_s']:.0f}/s acknowledged, p95 "
                       f"{ms(paced['p95'])} per request and {ms(paced['sched_p95'])} from the scheduled time "
                       f"(target < 100 ms: {'met' if (paced['sched_p95'] or 9) < 0.1 else 'missed'})")
    if fit:
        verdict.append(f"at {fit['rate']:.0f} tips/s ({args['fit'] * 100:.0f} % of the capacity): p50 "
                       f"{ms(fit['p50'])}, p95 {ms(fit['p95'])}, p99 {ms(fit['p99'])} per request, p95 "
                       f"{ms(fit['sched_p95'])} from the scheduled time")
    lines += ["### Against the target", "", "Measured: " + "; ".join(verdict) + ".", ""]
    if notes:
        lines += [notes.strip(), ""]
    lines += [DATA.format(json=json.dumps({"info": info, "result": result}, separators=(",", ":"), default=str)),
              END.format(date=date)]
    return "\n".join(lines) + "\n"


DOC_HEADER = """# Benchmarks

Speed and memory are measured by scripts under `bench/`, with results recorded here with the
machine and date — never in timed unit tests.
"""


def update_doc(path: Path, date: str, info: dict, result: dict, cmdline: str) -> None:
    text = path.read_text() if path.exists() else DOC_HEADER  # read right before writing
    begin, end = BEGIN.format(date=date), END.format(date=date)
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        old, after = rest.split(end, 1)
        notes = ""
        if NOTES_BEGIN in old and NOTES_END in old:
            notes = NOTES_BEGIN + old.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0] + NOTES_END
        text = before + section(date, info, result, cmdline, notes).rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section(date, info, result, cmdline, "")
    path.write_text(text)
    print(f"\nupdated {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


# --------------------------------------------------------------------------- main

async def run_config(args, cfg: Config, env: dict, log: Path, sampler: CpuSampler, pgmon: PgMonitor,
                     load: Load, phases: list[Phase]) -> list[dict]:
    server = Server(cfg, env, load.port, log, sampler)
    try:
        server.start()
        if server.with_filer:
            server.start_filer()
        print(f"\n== gunicorn {cfg.label} on port {load.port}"
              f"{' + the tip filer (manage.py file_tips --loop)' if server.with_filer else ''}", flush=True)
        boot = await server.ready()
        print(f"    /healthz answered after {boot:.1f} s", flush=True)
        out: list[dict] = []
        for template in phases:
            attempt = 0
            while True:
                ph = Phase(template.name, template.mode, template.duration, rate=template.rate,
                           measured=template.measured, fit=template.fit, attempt=attempt, config=cfg.label)
                if ph.fit:
                    capacity = next((r["tips_per_s"] for r in out if r["phase"] == "steady"), 0.0)
                    if not capacity:
                        print(f"  -- {ph.name} skipped: it needs the steady phase first", flush=True)
                        break
                    ph.rate = max(1.0, round(ph.fit * capacity))
                events = restart_events(server, load) if ph.name == "restart" else None
                await load.run(ph, CpuWindow(sampler), pgmon, events, server)
                if ph.events:
                    event_effects(ph)
                if not ph.measured:
                    break
                row = summary(ph)
                other = ph.cpu.get("other_cores", 0.0)
                if other >= args.max_other and attempt < args.repeat_busy:
                    load.discarded.append({"phase": ph.name, "config": cfg.label, "other_cores": other,
                                           "top_others": ph.cpu.get("top_others", []),
                                           "tips_per_s": row["tips_per_s"]})
                    print(f"     other processes used {other:.2f} cores: this window is repeated once the machine "
                          "is idle", flush=True)
                    waited = await wait_idle(args.idle_wait)
                    print(f"     waited {waited:.0f} s for an idle machine", flush=True)
                    attempt += 1
                    continue
                out.append(row)
                break
        if server.with_filer:
            # Everything acknowledged must be filed before the filer stops (verify() checks it did).
            t0, left = now(), pgmon.backlog()
            while left and now() - t0 < 300:
                await asyncio.sleep(0.2)
                left = pgmon.backlog()
            print(f"    filer queue empty {now() - t0:.1f} s after the last phase (left: {left})", flush=True)
        return out
    finally:
        server.stop_all()


async def wait_idle(timeout: float) -> float:
    """Until no other benchmark or test run is seen and the machine is nearly idle for 3 s."""
    t0 = now()
    ncpu = os.cpu_count() or 1
    while now() - t0 < timeout:
        j0 = machine_jiffies()
        await asyncio.sleep(3)
        j1 = machine_jiffies()
        busy = (j1[0] - j0[0]) / max(j1[1] - j0[1], 1) * ncpu
        if busy < 0.15 and not others_running():
            break
    return now() - t0


def restart_events(server: Server, load: Load):
    async def events(ph: Phase) -> None:
        # SIGHUP at 1/4: new workers, old ones finish their request and leave.
        await asyncio.sleep(max(0.0, ph.start + ph.duration / 4 - now()))
        old = server.workers()
        t = now()
        server.signal(signal.SIGHUP)
        reload_s = 0.0
        while now() - t < 60:
            kids = server.workers()
            if not (kids & old) and len(kids) >= server.cfg.workers:
                reload_s = now() - t
                break
            await asyncio.sleep(0.05)
        ph.events.append({"event": "SIGHUP", "t": t, "at": t - ph.start, "reload_s": reload_s})
        print(f"     SIGHUP at {t - ph.start:.1f} s: workers replaced after {reload_s:.1f} s", flush=True)
        # SIGTERM at 1/2: the master drains and exits; then a new gunicorn (what a service restart does).
        await asyncio.sleep(max(0.0, ph.start + ph.duration / 2 - now()))
        t = now()
        server.signal(signal.SIGTERM)
        exit_s = await server.exited()
        server.start()
        ready_s = await server.ready()
        ph.events.append({"event": "SIGTERM", "t": t, "at": t - ph.start, "exit_s": exit_s, "ready_s": ready_s})
        print(f"     SIGTERM at {t - ph.start:.1f} s: old master gone after {exit_s:.2f} s, new one ready "
              f"{ready_s:.2f} s later", flush=True)
        # SIGKILL of one worker at 3/4 (a crash: its request dies mid-way; the master starts another).
        await asyncio.sleep(max(0.0, ph.start + 3 * ph.duration / 4 - now()))
        before = server.workers()
        if before:
            victim = max(before)
            t = now()
            os.kill(victim, signal.SIGKILL)  # a worker of the gunicorn this bench started
            respawn_s = 0.0
            while now() - t < 60:
                kids = server.workers()
                if victim not in kids and len(kids) >= server.cfg.workers:
                    respawn_s = now() - t
                    break
                await asyncio.sleep(0.02)
            ph.events.append({"event": "SIGKILL", "t": t, "at": t - ph.start, "respawn_s": respawn_s})
            print(f"     SIGKILL of worker {victim} at {t - ph.start:.1f} s: replaced after {respawn_s:.2f} s",
                  flush=True)
        if server.filer is not None:
            # The filer crashes mid-batch (its transaction rolls back) and a supervisor starts a new one.
            await asyncio.sleep(2.0)
            t = now()
            os.kill(server.filer.pid, signal.SIGKILL)
            server.filer.wait()
            await asyncio.sleep(1.0)
            server.start_filer()
            ph.events.append({"event": "filer SIGKILL", "t": t, "at": t - ph.start, "respawn_s": 1.0})
            print(f"     SIGKILL of the filer at {t - ph.start:.1f} s: a new one started 1 s later", flush=True)
    return events


def event_effects(ph: Phase) -> None:
    """The longest time without any successful answer around each event, and the errors then."""
    times = ph.ok_times
    for i, e in enumerate(ph.events):
        lo = e["t"] - 1.0
        nxt = ph.events[i + 1]["t"] - 1.0 if i + 1 < len(ph.events) else ph.start + ph.duration
        hi = min(e["t"] + 30.0, nxt)
        e["gap"], gap_at = longest_gap(times, lo, hi)
        e["gap_from"] = gap_at - ph.start
        errs: collections.Counter = collections.Counter()
        for t, kind in zip(ph.error_times, ph.error_kinds, strict=True):
            if lo <= t <= hi and kind != "abandoned":  # the clients' own give-ups run through the whole phase
                errs[kind] += 1
        e["errors"] = ", ".join(f"{k} {v}" for k, v in sorted(errs.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="seconds per measured phase (default 60)")
    ap.add_argument("--warmup", type=float, default=30.0, help="warm-up seconds before the phases (default 30)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rate", type=float, default=200.0, help="tips/s offered in the paced phase (default 200)")
    ap.add_argument("--workers", type=int, help="gunicorn workers (skips the sweep)")
    ap.add_argument("--threads", type=int, default=1, help="with --workers: threads per worker (>1: gthread)")
    ap.add_argument("--configs", default="sync:4,sync:6,gthread:4x2,gthread:3x4",
                    help="the sweep: sync:N or gthread:NxT, comma-separated")
    ap.add_argument("--sweep-duration", type=float, default=20.0)
    ap.add_argument("--sweep-warmup", type=float, default=5.0)
    ap.add_argument("--phases", default="steady,paced,paced-fit,restart",
                    help="measured phases, in order: steady, paced (--rate), paced-fit (--fit x steady), restart")
    ap.add_argument("--fit", type=float, default=0.7,
                    help="paced-fit: offered rate as a fraction of the steady phase's tips/s (default 0.7)")
    ap.add_argument("--resend", type=float, default=0.05, help="share of accepted tips re-sent (default 0.05)")
    ap.add_argument("--max-other", type=float, default=0.15,
                    help="a measured window in which other processes used this many cores is repeated")
    ap.add_argument("--repeat-busy", type=int, default=2, help="at most this many repeats per window")
    ap.add_argument("--idle-wait", type=float, default=600.0, help="seconds to wait for an idle machine")
    ap.add_argument("--timeout", type=float, default=10.0, help="client timeout per attempt (s)")
    ap.add_argument("--abandon", type=float, default=0.02,
                    help="restart phase: share of first attempts abandoned after --abandon-after s and re-sent")
    ap.add_argument("--abandon-after", type=float, default=0.1)
    ap.add_argument("--filing", choices=("worker", "inline"), default="worker",
                    help="worker: the form stores and answers, `manage.py file_tips --loop` files (default); "
                         "inline: each request files its own tip")
    ap.add_argument("--drain", type=float, default=30.0, help="seconds a client keeps retrying after a phase")
    ap.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--profile-requests", type=int, default=200)
    ap.add_argument("--doc", type=Path, default=DOC)
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    ap.add_argument("--profile-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--profile-prefix", default="benchprof", help=argparse.SUPPRESS)
    ap.add_argument("--places", default=",".join(PLACES), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.profile_worker:
        profile_worker(args)
        return 0

    sys.path.insert(0, str(ROOT))
    stamp = time.strftime("%Y%m%d%H%M%S")
    dbname = f"safetynet_bench_tips_{stamp}"
    base = args.postgres_url.rstrip("/")
    db_url = f"{base}/{dbname}"
    prefix = f"bench:{stamp}"
    info = machine(args.postgres_url)
    print(f"{info['date']} · {info['cpu']} · {info['nproc']} CPUs · {info['memory']} · Python {info['python']} · "
          f"Django {info['django']} · gunicorn {info['gunicorn']} · PostgreSQL {info['postgresql']}", flush=True)
    code_before = code_state()
    print(f"    code: safetynet/ sha256 {code_before['sha256']} ({code_before['files']} files; newest "
          f"{code_before['newest']} at {code_before['newest_at']})", flush=True)
    others = others_running()
    if others:
        print("    note: other benchmarks are running: " + "; ".join(others), flush=True)

    var_dir = Path(tempfile.mkdtemp(prefix="tip_intake-"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SAFETYNET_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(SAFETYNET_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1", SAFETYNET_ENV="development")
    step, lines = run_child([PYTHON, "manage.py", "rotate_vault_key", "--new-key"], env, label="key", quiet=True)
    key_line = next((ln.strip() for ln in reversed(lines) if re.match(r"^\S+:\S{20,}$", ln.strip())), "")
    if step.returncode or not key_line:
        raise SystemExit("rotate_vault_key --new-key failed: " + " | ".join(lines[-3:]))
    env.update(SAFETYNET_SECRET_KEY=secrets.token_urlsafe(50), SAFETYNET_VAULT_KEYS=key_line, DATABASE_URL=db_url)
    prod = dict(env, SAFETYNET_ENV="production", SAFETYNET_ALLOWED_HOSTS=HOST, SAFETYNET_SSL_REDIRECT="0",
                SAFETYNET_TIP_RATE=TIP_RATE, SAFETYNET_TIP_FILING=args.filing)

    createdb = shutil.which("createdb")
    if createdb is None:
        raise SystemExit("tip_intake needs createdb on PATH")
    host = urllib.parse.urlsplit(base)
    subprocess.run([createdb, "-h", host.hostname or HOST, "-p", str(host.port or 5432), "-U",  # noqa: S603
                    host.username or "postgres", dbname], check=True)
    print(f"\n== database {dbname} (var dir {var_dir})", flush=True)
    result: dict = {"dbname": dbname, "setup": {}, "sweep": [], "phases": [],
                    "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}}
    pgmon: PgMonitor | None = None
    try:
        for label, cmd in (("migrate", ["migrate", "--noinput", "-v0"]), ("load_geography", ["load_geography"]),
                           ("seed_demo", ["seed_demo", "--cases-per-agency", "0", "--quiet-logins"])):
            st, lines = run_child([PYTHON, "manage.py", *cmd], env, label=label)
            if st.returncode:
                raise SystemExit(f"{label} failed: " + " | ".join(lines[-3:]))
            result["setup"][label] = st.seconds
        import psycopg

        with psycopg.connect(db_url) as conn:
            found = {r[0] for r in conn.execute("SELECT code FROM agencies_jurisdiction WHERE code = ANY(%s)",
                                                [PLACES])}
        places = [p for p in PLACES if p in found]
        if not places:
            raise SystemExit("none of the bench's places is in the loaded geography")
        result["places"] = places
        pg(db_url, "ANALYZE")

        sampler = CpuSampler(dbname)
        pgmon = PgMonitor(db_url, dbname)
        log = var_dir / "gunicorn.log"
        load = Load(args, free_port(), prefix, places)
        others_during: set[str] = set()

        async def session() -> str:
            if args.workers:
                cfg = Config("gthread" if args.threads > 1 else "sync", args.workers, args.threads)
            else:
                configs = [parse_config(c) for c in args.configs.split(",") if c.strip()]
                for c in configs:
                    others_during.update(others_running())
                    rows = await run_config(args, c, prod, log, sampler, pgmon, load, [
                        Phase(f"sweep-{c.kind}-{c.workers}x{c.threads}-warm", "closed", args.sweep_warmup,
                              measured=False),
                        Phase(f"sweep-{c.kind}-{c.workers}x{c.threads}", "closed", args.sweep_duration)])
                    rows[0]["phase"] = "sweep"
                    rows[0]["cfg"] = [c.kind, c.workers, c.threads]
                    result["sweep"] += rows
                # The most tips/s; among configurations within 5 % of it, the lowest p95.
                top = max(r["tips_per_s"] for r in result["sweep"])
                near = [r for r in result["sweep"] if r["tips_per_s"] >= 0.95 * top]
                pick = min(near, key=lambda r: r["p95"] if r["p95"] is not None else 1e9)
                cfg = Config(*pick["cfg"])
            wanted = [p.strip() for p in args.phases.split(",") if p.strip()]
            phases = [Phase("warm-up", "closed", args.warmup, measured=False)] if args.warmup > 0 else []
            for name in wanted:
                if name == "paced":
                    phases.append(Phase("paced", "paced", args.duration, rate=args.rate))
                elif name == "paced-fit":
                    phases.append(Phase("paced-fit", "paced", args.duration, fit=args.fit))
                elif name in ("steady", "restart"):
                    phases.append(Phase(name, "closed", args.duration))
                else:
                    raise SystemExit(f"unknown phase {name!r}")
            others_during.update(others_running())
            rows = await run_config(args, cfg, prod, log, sampler, pgmon, load, phases)
            others_during.update(others_running())
            result["phases"] = rows
            return cfg.label

        best = asyncio.run(session())
        result["best"] = best
        cfg_best = next((parse_config(c) for c in args.configs.split(",") if parse_config(c).label == best),
                        Config("gthread" if args.threads > 1 else "sync", args.workers or 1, args.threads))
        result["best_argv"] = " ".join(cfg_best.argv(0)[4:10])
        result["others_during"] = "; ".join(sorted(others_during | load.others))
        result["discarded"] = load.discarded

        code_after = code_state()
        changed = code_changes(code_before, code_after)
        result["code"] = {k: v for k, v in code_before.items() if k != "mtimes"}
        result["code"]["changed_during_run"] = changed
        if changed:
            print(f"\n!! the application code changed during the run: {', '.join(changed)}", flush=True)

        print("\n== integrity", flush=True)
        result["integrity"] = verify(db_url, prefix, load)
        for k, v in result["integrity"].items():
            print(f"    {k}: {v}", flush=True)
        st, lines = run_child([PYTHON, "manage.py", "verify_audit"], prod, label="verify_audit")
        result["verify_audit"] = (f"exit {st.returncode} in {st.seconds:.1f} s: " +
                                  " ".join(ln.strip() for ln in lines if ln.strip())[:300])

        if not args.no_profile:
            print("\n== profile (in-process, one client)", flush=True)
            prof_others = others_running()
            j0 = machine_jiffies()
            _st, lines = run_child([PYTHON, str(Path(__file__).resolve()), "--profile-worker", "--profile-prefix",
                                    f"benchprof:{stamp}", "--places", ",".join(places), "--profile-requests",
                                    str(args.profile_requests)], prod, label="profile", quiet=True)
            res = next((ln[len("RESULT "):] for ln in lines if ln.startswith("RESULT ")), None)
            if res is None:
                print("    profile failed: " + " | ".join(lines[-5:]), flush=True)
            else:
                result["profile"] = json.loads(res)
                p = result["profile"]
                j1 = machine_jiffies()
                p["machine_busy_cores"] = (j1[0] - j0[0]) / max(j1[1] - j0[1], 1) * (os.cpu_count() or 1)
                p["others"] = sorted(set(prof_others) | set(others_running()))
                print(f"    {ms(p['wall_median'])} median per tip, {p['queries_mean']:.1f} queries, "
                      f"{ms(p['sql_time_mean'])} SQL; audit lock held {ms(p['hold_audit'])}", flush=True)
                for k, v in p["parts"].items():
                    print(f"    {k:45} {v * 1000:7.2f} ms", flush=True)
    finally:
        if pgmon:
            pgmon.close()
        if not args.keep:
            with contextlib.suppress(subprocess.CalledProcessError):
                pg(f"{base}/postgres", f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            shutil.rmtree(var_dir, ignore_errors=True)
        else:
            print(f"    kept database {dbname} and {var_dir}")

    print()
    print(phase_table(result["sweep"] + result["phases"]))
    if not args.no_doc:
        date = datetime.datetime.now(datetime.UTC).date().isoformat()
        cmdline = " ".join([".venv/bin/python", "bench/tip_intake.py", *sys.argv[1:]])
        update_doc(args.doc, date, info, result, cmdline)
    integ = result["integrity"]
    return 0 if integ["lost"] == 0 and integ["duplicated_keys"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
