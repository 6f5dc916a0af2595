#!/usr/bin/env python
"""The indicator dashboard over the 1,000,000-person demo dataset on PostgreSQL (issue 7).

Target: every dashboard page answers in under 1 second.

1. Database: a fresh PostgreSQL database (``--db-name``, default ``bench_dash_<N>``) on
   ``--postgres-url``, or an existing one given by ``--database-url`` (to save the seed's ten
   minutes). ``manage.py migrate``, then ``manage.py seed_demo --persons N`` unless the database
   already holds N bulk persons (``bench/seed_scale.py``'s ``run_child``: wall, CPU and peak RSS
   of the child). The seed attaches every bulk person to a load-test case (one case per four
   persons, three in four of them as victims: the rows the dashboard's victim figures count), so
   the bench adds no case parties of its own; it checks and reports the counts.
   Programme records: the demo seed enters one district's prevention programme and the
   2006–2009 training (about 1,250 records); ``--programme-copies K`` bulk-enters K more copies
   with other random seeds (``safetynet/programmes/demo.py`` ``bulk_enter``), so programme
   figures are counted over tens of thousands of rows too. Then ``ANALYZE``, as autovacuum would
   shortly after a bulk load. Slow child processes run under ``nice -n 10`` (shared machine).
2. gunicorn (``--workers`` sync workers, ``SAFETYNET_ENV=development`` as ``make run``), signs in
   over HTTP as each of ``--users`` (demo password; a TOTP code from the demo key when the role
   needs a second factor) and discovers the pages to time: every parameterless URL of
   ``safetynet/stats/urls.py``, every link under the stats prefix on those pages (exports,
   printable report, definitions), and the GET filter forms on them, filled in one filter at a
   time (the first real choice of each select, the last 365 days for date inputs) and all at
   once; links on the fully filtered page (its exports) too. Each URL: one warm-up, then
   ``--repeat`` timed GETs (client side: connect + request + whole body). Median, p95, max.
3. SQL: a child process signs in with Django's test client on the same database and fetches
   each URL once more under ``CaptureQueriesContext``: query count, SQL time, the slowest
   queries, and ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest distinct ones. pg_stat_statements
   is used as well when the server preloads it (it is not on the dev machine:
   ``shared_preload_libraries`` needs a server restart).
4. A Markdown table on stdout; ``--doc`` appends a dated section to docs/benchmarks.md (a rerun on
   the same date replaces this script's own section of that date). The database is dropped at
   the end unless ``--keep`` or it was given by ``--database-url``.

    .venv/bin/python bench/dashboard_scale.py --persons 1000000 --keep --doc
    .venv/bin/python bench/dashboard_scale.py --database-url postgres://postgres@127.0.0.1:5432/bench_dash_1m --doc

Speed is measured here, never in timed unit tests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import html.parser
import http.cookiejar
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed_scale import PYTHON, fmt_ms, fmt_s, machine, pg, run_child  # noqa: E402
from bench.tip_intake import GUNICORN, HOST, free_port  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- dashboard_scale:begin {date} -->"
END = "<!-- dashboard_scale:end {date} -->"
DATA = "<!-- dashboard_scale:data {json} -->"
DEMO_PASSWORD = "safetynet-demo-2026"  # safetynet/core/demo.py DEMO_PASSWORD (checked by the worker)
TARGET = 1.0  # seconds
DEMO_PERSONS_MAX = 5000  # the demo seed's own persons (about 1,200) stay well below this


# --------------------------------------------------------------------------- small helpers

def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def loadavg() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def human(n: int) -> str:
    for div, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n >= div and n % div == 0:
            return f"{n // div}{suffix}"
    return str(n)


def worker_result(lines: list[str]) -> dict | None:
    res = next((ln[len("RESULT "):] for ln in lines if ln.startswith("RESULT ")), None)
    return json.loads(res) if res is not None else None


def django_worker_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetynet.settings")
    import django

    django.setup()


# --------------------------------------------------------------------------- workers (children)

def setup_worker(copies: int) -> None:
    """Programme records at scale (idempotent: copies already entered are counted by their audit
    events), then the row counts the dashboard aggregates."""
    django_worker_setup()
    from django.db import connection, transaction

    from safetynet.agencies.models import Agency
    from safetynet.audit.models import AuditEvent
    from safetynet.audit.services import record
    from safetynet.cases.models import Case, CaseParty
    from safetynet.core import demo
    from safetynet.people.models import Person
    from safetynet.programmes import demo as programmes
    from safetynet.programmes import models as pm

    assert demo.DEMO_PASSWORD == DEMO_PASSWORD, "the demo password changed: update bench/dashboard_scale.py"
    agencies = {a.short_code: a for a in Agency.objects.filter(short_code__in=["NGO-KISH", "UNODC"])}
    done = AuditEvent.objects.filter(action="programme.bench_copy").count()
    t0 = time.perf_counter()
    for i in range(done + 1, copies + 1):
        with transaction.atomic():
            n = programmes.bulk_enter(programmes.kishanganj_specs(seed=2010 + i), agencies["NGO-KISH"])
            n += programmes.bulk_enter(programmes.training_specs(seed=2009 + i), agencies["UNODC"])
            record(actor=None, action="programme.bench_copy", object_type="programmes", object_id=str(i),
                   agency=agencies["UNODC"], changes={"bench": "dashboard_scale", "bulk": n})
    added_s = time.perf_counter() - t0
    victims = CaseParty.objects.filter(role=CaseParty.Role.VICTIM)
    rows = {
        "persons": Person.objects.count(), "cases": Case.objects.count(), "case_parties": CaseParty.objects.count(),
        "victim_parties": victims.count(), "victims_distinct": victims.values("person").distinct().count(),
        "load_test_cases": Case.objects.filter(title="Load-test case").count(),
    }
    for model in (pm.VigilanceCommittee, pm.SelfHelpGroup, pm.AwarenessEvent, pm.PreventionOutcome,
                  pm.CounsellingSession, pm.SentHome, pm.TrainingCentre, pm.TrainingProgramme,
                  pm.TrainingParticipation):
        rows[model._meta.model_name] = model.objects.count()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        rows["db_mb"] = round(cur.fetchone()[0] / 1024 / 1024)
    print("RESULT " + json.dumps({"rows": rows, "copies_added": max(0, copies - done), "copies_total": copies,
                                  "copies_seconds": added_s}))


def urls_worker() -> None:
    """The stats app's prefix and its parameterless URLs, as they are in the code right now."""
    django_worker_setup()
    from django.urls import URLPattern, URLResolver, reverse

    from safetynet.stats import urls as stats_urls

    found: list[str] = []

    def walk(patterns, ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}:{p.namespace}" if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters \
                    and not getattr(p.pattern, "regex", re.compile("")).groups:
                with contextlib.suppress(Exception):
                    found.append(reverse(f"{ns}:{p.name}"))

    walk(stats_urls.urlpatterns, stats_urls.app_name)
    print("RESULT " + json.dumps({"prefix": reverse(f"{stats_urls.app_name}:home"), "urls": sorted(set(found))}))


def queries_worker(plan_path: Path, explain: int) -> None:
    """Each (user, url) of the plan once under CaptureQueriesContext (no warm-up: the HTTP run
    already warmed the database's cache; the wall time here includes first-request work), then
    EXPLAIN ANALYZE of the slowest distinct SELECTs."""
    django_worker_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plan = json.loads(plan_path.read_text())
    out: dict = {"pages": [], "plans": []}
    slow: dict[str, dict] = {}
    for username, urls in plan.items():
        client = Client(HTTP_HOST=HOST)
        login(ClientFetch(client), username)
        for url in urls:
            error = ""
            with CaptureQueriesContext(connection) as cq:
                t0 = time.perf_counter()
                try:
                    consume(client.get(url))
                except Exception as e:  # e.g. a query cancelled by statement_timeout: report it, go on
                    error = f"{type(e).__name__}: {str(e)[:200]}"
                wall = time.perf_counter() - t0
            qs = [{"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in cq.captured_queries]
            top = sorted(qs, key=lambda q: -q["ms"])[:5]
            out["pages"].append({"user": username, "url": url, "queries": len(qs), "wall": wall, "error": error,
                                 "sql_ms": sum(q["ms"] for q in qs),
                                 "top": [{"ms": q["ms"], "sql": q["sql"][:600]} for q in top]})
            for q in qs:
                if not q["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                s = slow.setdefault(q["sql"], {"ms": 0.0, "calls": 0, "pages": set()})
                s["ms"] = max(s["ms"], q["ms"])
                s["calls"] += 1
                s["pages"].add(url)
    for sql, s in sorted(slow.items(), key=lambda kv: -kv[1]["ms"])[:explain]:
        try:
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                lines = [r[0] for r in cur.fetchall()]
        except Exception as e:  # cancelled by statement_timeout: show the estimated plan instead
            with connection.cursor() as cur:
                cur.execute("EXPLAIN " + sql)
                lines = [f"(EXPLAIN ANALYZE did not finish: {type(e).__name__}; estimated plan)"] + [
                    r[0] for r in cur.fetchall()]
        out["plans"].append({"ms": s["ms"], "calls": s["calls"], "pages": sorted(s["pages"]), "sql": sql,
                             "plan": lines})
    print("RESULT " + json.dumps(out))


def consume(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


# --------------------------------------------------------------------------- signing in

class HttpFetch:
    """A cookie-keeping urllib client on gunicorn. ``get``/``post`` return (status, final URL, body)."""

    def __init__(self, port: int, timeout: float = 300.0):
        self.base = f"http://{HOST}:{port}"
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _open(self, req: urllib.request.Request, timeout: float) -> tuple[int, str, bytes, dict]:
        try:
            # Our own gunicorn on 127.0.0.1 (http only, fixed base URL).
            with self.opener.open(req, timeout=timeout) as resp:  # noqa: S310
                return resp.status, resp.geturl(), resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.geturl(), e.read(), dict(e.headers or {})
        except (TimeoutError, urllib.error.URLError) as e:
            if isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None), TimeoutError):
                return 0, req.full_url, b"", {}  # 0: no answer within the timeout
            raise

    def get(self, path: str) -> tuple[int, str, bytes, dict]:
        return self._open(urllib.request.Request(self.base + path), self.timeout)  # noqa: S310 (http://127.0.0.1)

    def post(self, path: str, data: dict) -> tuple[int, str, bytes]:
        req = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(data).encode(),  # noqa: S310
                                     headers={"Referer": self.base + path})
        status, url, body, _h = self._open(req, 60.0)
        return status, url, body


class ClientFetch:
    """The same interface over Django's test client (in-process), following redirects."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str) -> tuple[int, str, bytes, dict]:
        r = self.client.get(path, follow=True)
        url = r.redirect_chain[-1][0] if r.redirect_chain else path
        return r.status_code, url, r.content, dict(r.headers)

    def post(self, path: str, data: dict) -> tuple[int, str, bytes]:
        r = self.client.post(path, data, follow=True)
        url = r.redirect_chain[-1][0] if r.redirect_chain else path
        return r.status_code, url, r.content


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp_code(username: str, at: float) -> str:
    """The demo account's current code (safetynet.accounts.totp.demo_key_for + django-otp's TOTP)."""
    import hashlib

    from django_otp.oath import TOTP

    key = hashlib.sha1(f"safetynet-demo:{username}".encode(), usedforsecurity=False).digest()
    t = TOTP(key, step=30, t0=0, digits=6, drift=0)
    t.time = at
    return f"{t.token():06d}"


def login(fetch, username: str) -> None:
    """Sign in through the login form (and the second-factor form when the role needs it)."""
    _s, _u, body, _h = fetch.get("/accounts/login/?next=/healthz")
    m = CSRF.search(body)
    status, url, body = fetch.post("/accounts/login/", {
        "username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": m.group(1).decode() if m else ""})
    if "/accounts/login" in urllib.parse.urlsplit(url).path:
        raise SystemExit(f"sign-in as {username} failed (HTTP {status})")
    for _attempt in range(3):
        if "/accounts/verify" not in urllib.parse.urlsplit(url).path:
            return
        m = CSRF.search(body)
        # A code is accepted once: if this user signed in during this 30 s step, take the next one.
        status, url, body = fetch.post("/accounts/verify/", {
            "token": totp_code(username, time.time()), "csrfmiddlewaretoken": m.group(1).decode() if m else ""})
        if "/accounts/verify" in urllib.parse.urlsplit(url).path:
            time.sleep(31 - time.time() % 30)
    raise SystemExit(f"second factor for {username} failed (HTTP {status})")


# --------------------------------------------------------------------------- discovering pages

class PageParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                               "fields": []})
        elif self.forms and tag == "select" and a.get("name"):
            self._select = {"kind": "select", "name": a["name"], "options": []}
            self.forms[-1]["fields"].append(self._select)
        elif self._select is not None and tag == "option":
            self._select["options"].append(a.get("value", ""))
        elif self.forms and tag == "input" and a.get("name"):
            self.forms[-1]["fields"].append({"kind": (a.get("type") or "text").lower(), "name": a["name"],
                                             "value": a.get("value", ""), "checked": "checked" in a})

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def discover(fetch: HttpFetch, prefix: str, seeds: list[str], limit: int, per_shape: int,
             prefer: list[str]) -> list[str]:
    """URLs under the stats prefix reachable from the seed pages: their links, and their GET forms
    filled in one field at a time and all at once; then the links of those filtered pages (their
    exports). At most ``per_shape`` URLs per path and set of parameter names (a choropleth's
    hundred district links are one shape), ``limit`` in all."""
    today = datetime.date.today()
    year_ago = today - datetime.timedelta(days=365)
    found: list[str] = []
    shapes: dict[tuple, int] = {}

    def add(url: str, base: str) -> str | None:
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(base, url))
        if parts.netloc and parts.netloc != urllib.parse.urlsplit(fetch.base).netloc:
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        shape = (parts.path, frozenset(k for k, _v in urllib.parse.parse_qsl(parts.query)))
        if not parts.path.startswith(prefix) or path in found or len(found) >= limit \
                or shapes.get(shape, 0) >= per_shape:
            return None
        shapes[shape] = shapes.get(shape, 0) + 1
        found.append(path)
        return path

    def pick(options: list[str], links: list[str]) -> str:
        """A preferred value (where the demo data is), else the one most linked to, else the first."""
        for p in prefer:
            if p in options:
                return p
        counts = {o: sum(f"={urllib.parse.quote(o, safe='')}" in h for h in links) for o in options}
        best = max(options, key=lambda o: counts[o])
        return best if counts[best] else options[0]

    def scan(path: str, forms_too: bool) -> None:
        status, _url, body, headers = fetch.get(path)
        if status != 200 or "html" not in headers.get("Content-Type", ""):
            return
        p = PageParser()
        p.feed(body.decode("utf-8", "replace"))
        links = [h for h in p.links if not h.startswith("#")]
        for h in links:
            add(h, fetch.base + path)
        if not forms_too:
            return
        for form in p.forms:
            action = urllib.parse.urljoin(fetch.base + path, form["action"] or path)
            if form["method"] != "get" or not urllib.parse.urlsplit(action).path.startswith(prefix):
                continue
            base_q = [(f["name"], f["value"]) for f in form["fields"] if f["kind"] == "hidden"]
            choices: list[list[tuple[str, str]]] = []
            dates: list[tuple[str, str]] = []
            for f in form["fields"]:
                if f["kind"] == "select" and [o for o in f["options"] if o]:
                    choices.append([(f["name"], pick([o for o in f["options"] if o], links))])
                elif f["kind"] == "date":  # one period: the last 365 days
                    start = any(w in f["name"] for w in ("start", "from", "since", "after", "begin"))
                    dates.append((f["name"], (year_ago if start else today).isoformat()))
                elif f["kind"] in ("checkbox", "radio") and f["value"]:
                    choices.append([(f["name"], f["value"])])
            if dates:
                choices.append(dates)
            variants = [[kv for c in choices for kv in c], *choices] if len(choices) > 1 else choices
            for v in variants:
                add(f"{urllib.parse.urlsplit(action).path}?{urllib.parse.urlencode(base_q + v)}", action)

    for s in seeds:
        add(s, fetch.base)
    scanned: set[str] = set()
    while len(scanned) < len(found) < limit:  # breadth first
        url = next(u for u in found if u not in scanned)
        scanned.add(url)
        if re.search(r"\.(csv|xlsx|pdf|json|zip|png|svg)$", urllib.parse.urlsplit(url).path):
            continue  # a download: nothing to follow
        # Forms on the unfiltered pages; on a filtered page only its links (its exports).
        scan(url, forms_too="?" not in url)
    return found


# --------------------------------------------------------------------------- gunicorn

class Gunicorn:
    def __init__(self, env: dict, port: int, workers: int, log: Path):
        self.port = port
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        with log.open("a") as out:
            # Our own argv (this virtualenv's gunicorn), no shell.
            self.proc = subprocess.Popen(  # noqa: S603
                [GUNICORN, "safetynet.wsgi:application", "-b", f"{HOST}:{port}", "-w", str(workers), "-k", "sync",
                 "--timeout", "600", "--error-logfile", "-", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self, timeout: float = 90.0) -> None:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            with contextlib.suppress(OSError):
                # Our own gunicorn on 127.0.0.1.
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn not answering /healthz after {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # the session this bench started
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# --------------------------------------------------------------------------- timing

def time_urls(fetch: HttpFetch, urls: list[str], repeat: int, max_seconds: float, warmup: bool) -> list[dict]:
    rows = []
    for url in urls:
        statuses: set[int] = set()
        size, headers = 0, {}
        if warmup:
            status, _u, body, headers = fetch.get(url)
            statuses.add(status)
        times: list[float] = []
        t_start = time.monotonic()
        for _ in range(repeat if 0 not in statuses else 0):
            t0 = time.perf_counter()
            status, _u, body, headers = fetch.get(url)
            times.append(time.perf_counter() - t0)
            statuses.add(status)
            size = len(body)
            if status == 0 or (time.monotonic() - t_start > max_seconds and len(times) >= 3):
                break  # status 0: no answer within --timeout; one such run is enough to know
        if not times:
            times = [fetch.timeout]
        row = {"url": url, "status": "/".join("timeout" if s == 0 else str(s) for s in sorted(statuses)), "bytes": size,
               "type": headers.get("Content-Type", "").split(";")[0], "n": len(times),
               "median": statistics.median(times), "p95": pct(times, 0.95), "max": max(times), "times": times}
        rows.append(row)
        print(f"    {url}: HTTP {row['status']}, {size / 1024:.0f} KB, median {fmt_ms(row['median'])}, "
              f"p95 {fmt_ms(row['p95'])}, max {fmt_ms(row['max'])} (n={len(times)})", flush=True)
    return rows


def pg_stat_statements(db_url: str) -> bool:
    try:
        if "pg_stat_statements" not in pg(db_url, "SHOW shared_preload_libraries"):
            return False
        pg(db_url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        pg(db_url, "SELECT pg_stat_statements_reset()")
        return True
    except (subprocess.CalledProcessError, OSError):
        return False


def pgss_top(db_url: str) -> list[dict]:
    sql = ("SELECT json_agg(t) FROM (SELECT calls, round(mean_exec_time::numeric, 1) AS mean_ms, "
           "round(max_exec_time::numeric, 1) AS max_ms, left(query, 300) AS query FROM pg_stat_statements "
           "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
           "ORDER BY total_exec_time DESC LIMIT 10) t")
    out = pg(db_url, sql)
    return json.loads(out) if out else []


# --------------------------------------------------------------------------- report

def short_sql(sql: str, width: int = 110) -> str:
    s = re.sub(r"\s+", " ", sql)
    s = re.sub(r'SELECT .*? FROM', "SELECT … FROM", s, count=1) if len(s) > width else s
    return (s[: width - 1] + "…") if len(s) > width else s


def table(result: dict) -> str:
    q = {(p["user"], p["url"]): p for p in result.get("queries", {}).get("pages", [])}
    head = ["user", "page", "HTTP", "size", "n", "median", "p95", "max", "< 1 s", "queries", "SQL (one run)",
            "slowest query"]
    out = ["| " + " | ".join(head) + " |", "|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|"]
    for user, rows in result["timings"].items():
        for r in rows:
            p = q.get((user, r["url"]), {})
            top = p.get("top") or [{}]
            slowest = (f"{top[0]['ms']:,.0f} ms: `{short_sql(top[0]['sql'], 70)}`" if top[0] else "–")
            size = f"{r['bytes'] / 1024:,.0f} KB" if r["bytes"] >= 1024 else f"{r['bytes']} B"
            ok = "yes" if r["p95"] is not None and r["p95"] < TARGET else "**no**"
            out.append("| " + " | ".join([
                user, f"`{r['url']}`", r["status"], size, str(r["n"]), fmt_ms(r["median"]), fmt_ms(r["p95"]),
                fmt_ms(r["max"]), ok, str(p.get("queries", "–")),
                f"{p['sql_ms']:,.0f} ms" if p else "–", slowest.replace("|", "\\|")]) + " |")
    return "\n".join(out)


def plans_md(result: dict, lines_per_plan: int) -> str:
    out = []
    for i, p in enumerate(result.get("queries", {}).get("plans", []), 1):
        exec_line = next((ln for ln in p["plan"] if ln.startswith("Execution Time")), "")
        out += [f"{i}. {p['ms']:,.0f} ms in the page run ({exec_line.strip() or 'EXPLAIN ANALYZE'}), "
                f"pages: {', '.join(f'`{u}`' for u in p['pages'][:4])}" +
                (f" and {len(p['pages']) - 4} more" if len(p["pages"]) > 4 else ""),
                "", "   ```sql", "   " + short_sql(p["sql"], 400), "   ```", "   ```"]
        out += ["   " + ln for ln in p["plan"][:lines_per_plan]]
        if len(p["plan"]) > lines_per_plan:
            out.append(f"   … ({len(p['plan']) - lines_per_plan} more plan lines)")
        out += ["   ```", ""]
    return "\n".join(out)


def section(date: str, info: dict, result: dict, cmdline: str, args) -> str:
    mem_gib = 0
    with contextlib.suppress(OSError, StopIteration, ValueError):
        kib = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                       if ln.startswith("MemTotal")))
        mem_gib = round(kib / 1024 / 1024)
    rows = result.get("setup", {}).get("rows", {})
    seed = result.get("seed")
    pgv = info.get("postgresql", "?").split(" ")[0]
    slow = [(u, r) for u, rs in result["timings"].items() for r in rs if r["p95"] is None or r["p95"] >= TARGET]
    lines = [
        BEGIN.format(date=date),
        f"## Indicator dashboard at {result['persons']:,} persons (PostgreSQL) — {date}",
        "",
        f"- Date: {info['date']}",
        f"- Machine: {info['nproc']} cores, {mem_gib} GiB, PostgreSQL {pgv} on {HOST} ({info['cpu']}, {info['os']}; "
        f"shared with other work: load average before the run {' '.join(info['load_before'])})",
        f"- Software: Python {info['python']}, Django {info['django']}; gunicorn `-w {args.workers} -k sync`, "
        f"SAFETYNET_ENV={args.env}",
        f"- Command: `{cmdline}`",
        f"- Data: {rows.get('persons', 0):,} persons, {rows.get('cases', 0):,} cases, "
        f"{rows.get('case_parties', 0):,} case parties of which {rows.get('victim_parties', 0):,} victims "
        f"(the seed's bulk persons are parties to its load-test cases, 3 in 4 as victims); programme records: "
        f"{rows.get('vigilancecommittee', 0):,} committees, {rows.get('selfhelpgroup', 0):,} self-help groups, "
        f"{rows.get('awarenessevent', 0):,} awareness events, {rows.get('preventionoutcome', 0):,} outcomes, "
        f"{rows.get('trainingprogramme', 0):,} training programmes, {rows.get('trainingparticipation', 0):,} "
        f"participation rows (demo seed + {result.get('setup', {}).get('copies_total', 0)} bulk copies); "
        f"database {rows.get('db_mb', 0):,} MB after ANALYZE",
        ("- Seed: " + (f"`seed_demo --persons {result['persons']:,}` {fmt_s(seed['seconds'])} wall, "
                       f"{fmt_s(seed['cpu_seconds'])} CPU, peak RSS {seed['max_rss_mb']:.0f} MB (under nice -n 10)"
                       if seed else "reused an already seeded database (`--database-url`)")),
        *([f"- Note: {args.note}"] if args.note else []),
        f"- Timing: real HTTP from one client, one request at a time, after one warm-up per URL; "
        f"n = timed requests (up to {args.repeat}); queries and SQL time from one more in-process run "
        f"(Django test client, `CaptureQueriesContext`); pg_stat_statements: "
        f"{'used' if result.get('pgss') else 'not preloaded on this server, so EXPLAIN ANALYZE instead'}",
        "- Load average (1/5/15 min) before → after timing each user: " + "; ".join(
            f"{u}: {a} → {b}" for u, (a, b) in result.get("load", {}).items()) +
        f" ({info['nproc']} cores; other helpers' tests and builds were running on the same machine)",
        "",
        table(result),
        "",
        (f"**{len(slow)} of {sum(len(rs) for rs in result['timings'].values())} pages miss the 1 s target** "
         f"(p95)." if slow else "Every page met the 1 s target (p95)."),
        "",
    ]
    if result.get("queries", {}).get("plans"):
        lines += ["Slowest distinct queries, with `EXPLAIN (ANALYZE, BUFFERS)` run right after:", "",
                  plans_md(result, args.plan_lines)]
    if result.get("pgss_top"):
        lines += ["pg_stat_statements, top by total time:", "", "| calls | mean | max | query |",
                  "|---:|---:|---:|---|"]
        lines += [f"| {r['calls']} | {r['mean_ms']} ms | {r['max_ms']} ms | `{short_sql(r['query'], 100)}` |"
                  for r in result["pgss_top"]]
        lines.append("")
    compact = {k: v for k, v in result.items() if k not in ("queries", "pgss_top")}
    compact["timings"] = {u: [{k: v for k, v in r.items() if k != "times"} for r in rs]
                          for u, rs in result["timings"].items()}
    lines += [DATA.format(json=json.dumps({"info": info, "result": compact}, separators=(",", ":"))),
              END.format(date=date)]
    return "\n".join(lines) + "\n"


def update_doc(path: Path, date: str, text_section: str) -> None:
    text = path.read_text()
    begin, end = BEGIN.format(date=date), END.format(date=date)
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        _old, after = rest.split(end, 1)
        text = before + text_section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + text_section
    path.write_text(text)
    print(f"\nupdated {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


# --------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=lambda s: int(s.replace("_", "").replace(",", "")), default=1_000_000)
    ap.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--database-url", help="an existing database to reuse (seeded if it lacks the persons)")
    ap.add_argument("--db-name", help="name of the fresh database (default bench_dash_<N>)")
    ap.add_argument("--programme-copies", type=int, default=40,
                    help="bulk copies of the demo programme records to add (default 40: ~50,000 records)")
    ap.add_argument("--users", default="me.officer,researcher", help="demo users to sign in as")
    ap.add_argument("--repeat", type=int, default=7, help="timed GETs per URL (after one warm-up)")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="stop timing a URL after this (at least 3 runs)")
    ap.add_argument("--max-urls", type=int, default=30, help="at most this many URLs per user")
    ap.add_argument("--per-shape", type=int, default=2,
                    help="at most this many URLs with the same path and parameter names")
    ap.add_argument("--prefer", default="IN-WB,IN-WB-N24P,this_year",
                    help="filter values to pick when a select offers them (where the demo data is)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds to wait for a page (and the app's statement_timeout)")
    ap.add_argument("--no-warmup", dest="warmup", action="store_false", help="no untimed first GET per URL")
    ap.add_argument("--env", default="development", choices=["development", "test"], help="SAFETYNET_ENV")
    ap.add_argument("--cache-seconds", type=int, default=None,
                    help="SAFETYNET_DASHBOARD_CACHE_SECONDS for the app (0: every request counts again; "
                         "default: the app's own, 300)")
    ap.add_argument("--explain", type=int, default=4, help="EXPLAIN ANALYZE this many slowest queries")
    ap.add_argument("--plan-lines", type=int, default=18, help="plan lines per query in the doc")
    ap.add_argument("--nice", type=int, default=10, help="niceness of migrate/seed/setup children")
    ap.add_argument("--max-seed-minutes", type=float, default=40.0)
    ap.add_argument("--doc", nargs="?", type=Path, const=DOC, default=None,
                    help="append a dated section to docs/benchmarks.md (or this file)")
    ap.add_argument("--note", default="", help="a line of notes for the doc section")
    ap.add_argument("--json", type=Path, help="also write the full result (plans included) here")
    ap.add_argument("--keep", action="store_true", help="keep the database this run created")
    ap.add_argument("--worker", choices=["setup", "urls", "queries"], help=argparse.SUPPRESS)
    ap.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker == "setup":
        setup_worker(args.programme_copies)
        return 0
    if args.worker == "urls":
        urls_worker()
        return 0
    if args.worker == "queries":
        queries_worker(args.plan, args.explain)
        return 0

    def stop(signum, _frame):
        raise SystemExit(128 + signum)  # runs the cleanup below (gunicorn, database, var dir)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # a background job ignores SIGINT unless it is handled
    base = args.postgres_url.rstrip("/")
    info = machine(argparse.Namespace(postgres="", postgres_url=base))
    print(f"{info['date']} · {info['cpu']} · {info['nproc']} CPUs · Python {info['python']} · "
          f"Django {info['django']} · PostgreSQL {info.get('postgresql')}", flush=True)
    created = ""
    if args.database_url:
        db_url = args.database_url
    else:
        created = args.db_name or f"bench_dash_{human(args.persons)}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", created):
            raise SystemExit("--db-name: lower-case letters, digits and _ only")
        exists = f"SELECT count(*) FROM pg_database WHERE datname = '{created}'"  # noqa: S608 (checked above)
        if pg(f"{base}/postgres", exists) != "0":
            raise SystemExit(f"database {created} exists: reuse it with --database-url {base}/{created}, "
                             "or drop it first")
        pg(f"{base}/postgres", f'CREATE DATABASE "{created}"')
        db_url = f"{base}/{created}"
    var_dir = Path(tempfile.mkdtemp(prefix="safetynet-bench-dash-"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SAFETYNET_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(SAFETYNET_VAR_DIR=str(var_dir), SAFETYNET_ENV=args.env, PYTHONUNBUFFERED="1", DATABASE_URL=db_url)
    # The app's queries are cancelled by PostgreSQL after --timeout (libpq reads PGOPTIONS), so a
    # runaway query does not keep a core busy after the client gave up.
    app_env = dict(env, PGOPTIONS=f"-c statement_timeout={int(args.timeout * 1000)}")
    if args.cache_seconds is not None:
        app_env["SAFETYNET_DASHBOARD_CACHE_SECONDS"] = str(args.cache_seconds)
    nice = ["nice", "-n", str(args.nice)] if args.nice and shutil.which("nice") else []
    me = str(Path(__file__).resolve())
    result: dict = {"persons": args.persons, "database": db_url.rsplit("/", 1)[-1], "timings": {}}
    server: Gunicorn | None = None
    print(f"\n== database {result['database']} (var dir {var_dir})", flush=True)
    try:
        # --skip-checks: the URL checks import every app's views, and other work in the same checkout
        # may be half-edited; these commands need the models only.
        st, lines, _ = run_child([*nice, PYTHON, "manage.py", "migrate", "--noinput", "-v0", "--skip-checks"], env,
                                 label="migrate")
        if st.returncode:
            raise SystemExit("migrate failed: " + " | ".join(lines[-3:]))
        persons = int(pg(db_url, "SELECT count(*) FROM people_person"))
        if persons < args.persons:
            if persons > DEMO_PERSONS_MAX:
                raise SystemExit(f"{result['database']} holds {persons:,} persons, fewer than {args.persons:,}: "
                                 "a partial seed; drop it and start again")
            st, lines, aborted = run_child(
                [*nice, PYTHON, "manage.py", "seed_demo", "--persons", str(args.persons), "--quiet-logins",
                 "--skip-checks"], env, label="seed", abort_after=args.max_seed_minutes * 60)
            if aborted or st.returncode:
                raise SystemExit("seed failed: " + (aborted or " | ".join(lines[-3:])))
            result["seed"] = {"seconds": st.seconds, "cpu_seconds": st.cpu_seconds, "max_rss_mb": st.max_rss_mb}
        st, lines, _ = run_child([*nice, PYTHON, me, "--worker", "setup", "--programme-copies",
                                  str(args.programme_copies)], env, label="setup")
        setup = worker_result(lines)
        if st.returncode or setup is None:
            raise SystemExit("setup failed: " + " | ".join(lines[-5:]))
        result["setup"] = setup
        r = setup["rows"]
        print(f"    rows: {json.dumps(r)}", flush=True)
        if r["victim_parties"] < 0.7 * args.persons:
            print(f"    !! only {r['victim_parties']:,} victim case parties for {args.persons:,} persons", flush=True)
        t0 = time.perf_counter()
        pg(db_url, "ANALYZE")
        result["analyze_s"] = time.perf_counter() - t0

        st, lines, _ = run_child([PYTHON, me, "--worker", "urls"], env, label="urls", quiet=True)
        found = worker_result(lines)
        if found is None:
            raise SystemExit("listing the stats URLs failed: " + " | ".join(lines[-5:]))
        result["pgss"] = pg_stat_statements(db_url)

        port = free_port()
        server = Gunicorn(app_env, port, args.workers, var_dir / "gunicorn.log")
        server.ready()
        users = [u.strip() for u in args.users.split(",") if u.strip()]
        for user in users:
            fetch = HttpFetch(port, args.timeout)
            login(fetch, user)
            urls = discover(fetch, found["prefix"], [found["prefix"], *found["urls"]], args.max_urls,
                            args.per_shape, [p for p in args.prefer.split(",") if p])
            print(f"\n== {user}: {len(urls)} URLs", flush=True)
            load_before = loadavg()
            result["timings"][user] = time_urls(fetch, urls, args.repeat, args.max_seconds, args.warmup)
            result.setdefault("load", {})[user] = [load_before, loadavg()]
        if result["pgss"]:
            result["pgss_top"] = pgss_top(db_url)
        server.stop()
        server = None

        plan_file = var_dir / "plan.json"
        plan_file.write_text(json.dumps({u: [r["url"] for r in rows] for u, rows in result["timings"].items()}))
        print("\n== queries (in-process, one run per page)", flush=True)
        st, lines, _ = run_child([PYTHON, me, "--worker", "queries", "--plan", str(plan_file), "--explain",
                                  str(args.explain)], app_env, label="queries", quiet=True)
        q = worker_result(lines)
        if q is None:
            print("    failed: " + " | ".join(lines[-5:]), flush=True)
        else:
            result["queries"] = q
            for p in q["pages"]:
                print(f"    {p['user']} {p['url']}: {p['queries']} queries, {p['sql_ms']:,.0f} ms SQL, "
                      f"{fmt_ms(p['wall'])} in-process {p['error']}", flush=True)
    finally:
        if server is not None:
            server.stop()
        if created and not args.keep:
            with contextlib.suppress(subprocess.CalledProcessError):
                pg(f"{base}/postgres", f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
        elif created:
            print(f"    kept database {created}: reuse it with --database-url {db_url}")
        shutil.rmtree(var_dir, ignore_errors=True)

    print()
    print(table(result))
    if result.get("queries", {}).get("plans"):
        print()
        print(plans_md(result, args.plan_lines))
    if args.json:
        args.json.write_text(json.dumps({"info": info, "result": result}, indent=1, default=str))
    if args.doc:
        date = datetime.datetime.now(datetime.UTC).date().isoformat()
        argv = sys.argv[1:]
        if "--note" in argv and argv.index("--note") + 1 < len(argv):
            argv[argv.index("--note") + 1] = '"…"'  # the note is printed on its own line
        cmdline = " ".join([".venv/bin/python", "bench/dashboard_scale.py", *argv])
        update_doc(args.doc, date, section(date, info, result, cmdline, args))
    slow = [r for rows in result["timings"].values() for r in rows if r["p95"] is None or r["p95"] >= TARGET]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
