"""make bench-orders: orders placed, accepted and paid through the API against a real server.

    python bench/orders_bench.py --backend sqlite --workers 2 --threads 2 --clients 4

Builds a throw-away database (a SQLite file, or a PostgreSQL cluster started here on
--pg-port and stopped at the end; skipped with a message when Debian's postgresql is not
installed), migrates it and seeds --clients buyer/supplier pairs through the services (the
registration service, a published listing each, a bearer token each). Then starts gunicorn
(gthread workers, keep-alive) on 127.0.0.1:--port with DEBUG off and drives it from K client
threads over keep-alive `http.client` connections, one buyer/supplier pair each.

Phases, each measured alone so the server's CPU is attributed to one kind of request: the
gunicorn workers' user+system CPU time (/proc/<pid>/stat) before and after the phase,
divided by the requests it served.

- floor: `GET /api/v1/members/me` (bearer auth, reads the member's row): the lightest
  authenticated ninja GET that reads one row;
- place: `POST /api/v1/orders {listing_id, quantity, terms}` (buyer);
- accept: `POST /api/v1/orders/{id}/accept` (supplier);
- pay: `POST /api/v1/orders/{id}/pay {"method": "test_card"}` with an Idempotency-Key;
- peak: the whole cycle (place, accept, pay) closed-loop for --seconds: complete orders/s;
- half peak: the cycle open-loop, paced at half the peak rate, for --seconds: p99.

At the end the ledger proof (`tradepost.trade.selectors.ledger.ledger_check`, what `GET
/api/v1/staff/ledger/check` answers) must say balanced. Targets (issue 11, on this 2-core
machine shared by clients, server and database): each order step within 3x the floor's CPU
per request, at least 100 complete orders/s, p99 under 100 ms at half the peak rate, a
balanced ledger. Reported, not asserted. Writes bench/results/orders-<backend>.json and
prints a markdown table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
TICKS = os.sysconf("SC_CLK_TCK")
TARGET_CPU_X_FLOOR = 3.0
TARGET_ORDERS_PER_S = 100.0
TARGET_P99_MS = 100.0


# --- A throw-away PostgreSQL --------------------------------------------------------------


class Postgres:
    """initdb + pg_ctl in a temporary directory (as user postgres when run as root)."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "pgdata"
        self.port = port
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_pg, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def start(self) -> str:
        if self.as_pg:
            shutil.chown(self.root, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "tradepost", "-A", "trust")
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c jit=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"),
            "-w", "-o", options, "start",
        )  # fmt: skip
        self._run(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "tradepost", "tradepost",
        )  # fmt: skip
        return f"postgres://tradepost@127.0.0.1:{self.port}/tradepost"

    def pids(self) -> list[int]:
        """The postmaster's backends (each connection's server process)."""
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError):
            return []
        return [postmaster, *children(postmaster)]

    def stop(self) -> None:
        subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [*self.as_pg, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


# --- Processes and their CPU ----------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes (fields 14 and 15 of /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


# --- Set-up -----------------------------------------------------------------------------------


def server_env(root: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tradepost.config.settings",
        "TRADEPOST_DATA_DIR": str(root),
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate",
        "CONN_MAX_AGE": "600",
    }


def seed(pairs: int) -> list[dict]:
    """`pairs` buyer/supplier pairs through the services: registration, a published listing
    of the supplier's, a bearer token each."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from tradepost.catalog import services as catalog
    from tradepost.members.services import api_token_create
    from tradepost.terms.registration import RegistrationInput, member_register

    def member(n: int, country: str, phone: str, role: str):
        return member_register(
            data=RegistrationInput(
                site="alibaba",
                company_name=f"Bench {role} {n} Ltd",
                business_type="manufacturer",
                country=country,
                address=f"{n} Bench Road",
                contact_name=f"Contact {n}",
                email=f"{role}{n}@bench{n}.example.com",
                phone=phone,
                password=secrets.token_urlsafe(16),
                attest_legal_age=True,
                attest_business_use=True,
                accept_terms=True,
                roles=[role],
            ),
            ip="203.0.113.7",
        )

    out = []
    for n in range(pairs):
        buyer = member(n, "DE", f"+49 30 9018{n:04d}", "buyer")
        supplier = member(n, "CN", f"+86 138 0013 {n:04d}", "supplier")
        listing = catalog.listing_create(
            member=supplier,
            publish=True,
            data={
                "title": f"Stainless steel pipe flange DN50 lot {n}",
                "description": "Forged stainless steel 304 weld neck flange, PN16, for water.",
                "category": "pumps-valves",
                "currency": "USD",
                "moq": 100,
                "unit": "piece",
                "price_tiers": [
                    {"min_qty": 100, "unit_price": "12.50"},
                    {"min_qty": 500, "unit_price": "11.00"},
                ],
                "keywords": ["flange", "stainless steel"],
            },
        )
        out.append(
            {
                "buyer": api_token_create(user=buyer.user, name="bench")[1],
                "supplier": api_token_create(user=supplier.user, name="bench")[1],
                "listing_id": listing.pk,
            }
        )
    return out


class Server:
    """gunicorn on the loopback, gthread workers (keep-alive)."""

    def __init__(self, env: dict[str, str], port: int, workers: int, threads: int) -> None:
        self.port = port
        self.proc = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [
                str(BIN / "gunicorn"), "tradepost.config.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--worker-class", "gthread", "--threads", str(threads),
                "--keep-alive", "60", "--log-level", "warning", "--backlog", "256",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/categories")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def pids(self) -> list[int]:
        return children(self.proc.pid)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- The clients ------------------------------------------------------------------------------


class Client:
    """One keep-alive connection; a request answers (status, JSON body, milliseconds)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, token: str, body: object = None, **headers: str):
        head = {"Authorization": f"Bearer {token}", **headers}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            head["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            self.conn.request(method, f"/api/v1{path}", body=data, headers=head)
            response = self.conn.getresponse()
            raw = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, f"/api/v1{path}", body=data, headers=head)
            response = self.conn.getresponse()
            raw = response.read()
        ms = (time.perf_counter() - start) * 1000
        return response.status, json.loads(raw) if raw else None, ms


_keys = iter(range(10**9))
_keys_lock = threading.Lock()


def key() -> str:
    with _keys_lock:
        return f"bench-{os.getpid()}-{next(_keys)}"


def step_place(c: Client, pair: dict) -> tuple[float, int]:
    status, body, ms = c.call(
        "POST",
        "/orders",
        pair["buyer"],
        {"listing_id": pair["listing_id"], "quantity": 120, "terms": "FOB Shanghai, 30 days."},
    )
    assert status == 201, (status, body)
    return ms, body["id"]


def step_accept(c: Client, pair: dict, order_id: int) -> float:
    status, body, ms = c.call("POST", f"/orders/{order_id}/accept", pair["supplier"])
    assert status == 200 and body["status"] == "accepted", (status, body)
    return ms


def step_pay(c: Client, pair: dict, order_id: int) -> float:
    status, body, ms = c.call(
        "POST",
        f"/orders/{order_id}/pay",
        pair["buyer"],
        {"method": "test_card"},
        **{"Idempotency-Key": key()},
    )
    assert status == 200 and body["status"] == "paid", (status, body)
    return ms


def step_floor(c: Client, pair: dict) -> float:
    status, body, ms = c.call("GET", "/members/me", pair["buyer"])
    assert status == 200, (status, body)
    return ms


def run_threads(target, count: int) -> None:
    errors: list[BaseException] = []

    def wrap(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def phase(server: Server, extra_pids, name: str, work, clients: int) -> dict:
    """Run `work(i, times)` on `clients` threads; latency per request, server CPU per request."""
    times: list[list[float]] = [[] for _ in range(clients)]
    pids = server.pids()
    db_pids = extra_pids()
    cpu0, db0 = cpu_seconds(pids), cpu_seconds(db_pids)
    start = time.perf_counter()
    run_threads(lambda i: work(i, times[i]), clients)
    wall = time.perf_counter() - start
    cpu1, db1 = cpu_seconds(pids), cpu_seconds(db_pids)
    flat = [t for ts in times for t in ts]
    n = len(flat)
    return {
        "phase": name,
        "requests": n,
        "seconds": round(wall, 3),
        "per_s": round(n / wall, 1),
        "p50_ms": round(percentile(flat, 0.5), 2),
        "p99_ms": round(percentile(flat, 0.99), 2),
        "cpu_ms": round((cpu1 - cpu0) * 1000 / max(n, 1), 2),
        "db_cpu_ms": round((db1 - db0) * 1000 / max(n, 1), 2) if db_pids else None,
    }


def measure(port: int, server: Server, extra_pids, pairs: list[dict], args) -> dict:
    k = args.clients
    conns = [Client(port) for _ in range(k)]
    per = max(1, args.requests // k)
    orders: list[list[int]] = [[] for _ in range(k)]

    def warm(i: int) -> None:
        for _ in range(10):
            step_floor(conns[i], pairs[i])
            _, oid = step_place(conns[i], pairs[i])
            step_accept(conns[i], pairs[i], oid)
            step_pay(conns[i], pairs[i], oid)

    run_threads(warm, k)
    rows = {}
    rows["floor"] = phase(
        server,
        extra_pids,
        "floor",
        lambda i, ts: ts.extend(step_floor(conns[i], pairs[i]) for _ in range(per)),
        k,
    )

    def place(i: int, ts: list[float]) -> None:
        for _ in range(per):
            ms, oid = step_place(conns[i], pairs[i])
            ts.append(ms)
            orders[i].append(oid)

    rows["place"] = phase(server, extra_pids, "place", place, k)
    rows["accept"] = phase(
        server,
        extra_pids,
        "accept",
        lambda i, ts: ts.extend(step_accept(conns[i], pairs[i], o) for o in orders[i]),
        k,
    )
    rows["pay"] = phase(
        server,
        extra_pids,
        "pay",
        lambda i, ts: ts.extend(step_pay(conns[i], pairs[i], o) for o in orders[i]),
        k,
    )

    def cycle(c: Client, pair: dict, ts: list[float]) -> None:
        ms1, oid = step_place(c, pair)
        ms2 = step_accept(c, pair, oid)
        ms3 = step_pay(c, pair, oid)
        ts += [ms1, ms2, ms3]

    def closed(i: int, ts: list[float]) -> None:
        end = time.perf_counter() + args.seconds
        while time.perf_counter() < end:
            cycle(conns[i], pairs[i], ts)

    peak = phase(server, extra_pids, "peak (full cycle)", closed, k)
    peak["orders_per_s"] = round(peak["requests"] / 3 / peak["seconds"], 1)
    rows["peak"] = peak

    rate = peak["orders_per_s"] / 2
    interval = 1 / rate
    total = int(rate * args.seconds)
    paced_threads = 2 * k
    paced_conns = [Client(port) for _ in range(paced_threads)]
    slot = iter(range(total))
    slot_lock = threading.Lock()
    t0 = time.perf_counter() + 0.2
    lag: list[float] = []

    def paced(i: int, ts: list[float]) -> None:
        pair = pairs[i % k]
        while True:
            with slot_lock:
                n = next(slot, None)
            if n is None:
                return
            due = t0 + n * interval
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            else:
                lag.append(-wait * 1000)
            cycle(paced_conns[i], pair, ts)

    half = phase(server, extra_pids, "half peak (paced)", paced, paced_threads)
    half["orders_per_s"] = round(half["requests"] / 3 / half["seconds"], 1)
    half["target_rate"] = round(rate, 1)
    half["late_starts"] = len(lag)
    half["max_start_lag_ms"] = round(max(lag), 1) if lag else 0.0
    rows["half"] = half
    return rows


# --- Reporting ----------------------------------------------------------------------------------


def table(rows: dict, check: dict) -> str:
    floor = rows["floor"]["cpu_ms"] or 1e-9
    lines = [
        "| step | requests | p50 ms | p99 ms | CPU ms/request | x floor | target | met? |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    f = rows["floor"]
    lines.append(
        f"| floor: GET /members/me | {f['requests']} | {f['p50_ms']} | {f['p99_ms']} "
        f"| {f['cpu_ms']} | 1.0 | - | - |"
    )
    for name in ("place", "accept", "pay"):
        r = rows[name]
        x = r["cpu_ms"] / floor
        met = "yes" if x <= TARGET_CPU_X_FLOOR else "NO"
        lines.append(
            f"| {name} | {r['requests']} | {r['p50_ms']} | {r['p99_ms']} | {r['cpu_ms']} "
            f"| {x:.1f} | <= {TARGET_CPU_X_FLOOR:g}x floor | {met} |"
        )
    p = rows["peak"]
    met = "yes" if p["orders_per_s"] >= TARGET_ORDERS_PER_S else "NO"
    lines.append(
        f"| peak, full cycle: {p['orders_per_s']} orders/s | {p['requests']} | {p['p50_ms']} "
        f"| {p['p99_ms']} | {p['cpu_ms']} | {p['cpu_ms'] / floor:.1f} "
        f"| >= {TARGET_ORDERS_PER_S:g} orders/s | {met} |"
    )
    h = rows["half"]
    met = "yes" if h["p99_ms"] < TARGET_P99_MS else "NO"
    lines.append(
        f"| half peak, paced at {h['target_rate']}/s (got {h['orders_per_s']}) | {h['requests']} "
        f"| {h['p50_ms']} | {h['p99_ms']} | {h['cpu_ms']} | {h['cpu_ms'] / floor:.1f} "
        f"| p99 < {TARGET_P99_MS:g} ms | {met} |"
    )
    lines.append(
        f"| ledger check: {check['transactions']} transactions | - | - | - | - | - "
        f"| balanced | {'yes' if check['balanced'] else 'NO'} |"
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    # A SIGTERM (timeout, Ctrl-C in make) still stops the server and the cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="bench-orders-"))
    pg = None
    try:
        if args.backend == "postgres":
            if not (PG_BIN / "postgres").exists():
                print(f"PostgreSQL skipped: {PG_BIN}/postgres not found (apt install postgresql)")
                return 0
            pg = Postgres(root, args.pg_port)
            database_url = pg.start()
        else:
            database_url = f"sqlite:///{root / 'bench.sqlite3'}"
        env = server_env(root, database_url)
        os.environ.update(env)
        import django

        django.setup()
        started = time.perf_counter()
        pairs = seed(args.clients)
        print(f"seeded {len(pairs)} buyer/supplier pairs in {time.perf_counter() - started:.1f}s")
        from django.db import connections

        connections.close_all()
        server = Server(env, args.port, args.workers, args.threads)
        try:
            extra = pg.pids if pg is not None else list
            rows = measure(args.port, server, extra, pairs, args)
        finally:
            server.stop()
        from tradepost.trade.selectors.ledger import ledger_check

        check = ledger_check()
        load = Path("/proc/loadavg").read_text().strip()
        result = {
            "backend": args.backend,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg": load,
                "python": platform.python_version(),
            },
            "workers": args.workers,
            "threads": args.threads,
            "clients": args.clients,
            "rows": rows,
            "ledger_check": {k: check[k] for k in ("balanced", "transactions")},
            "ledger_problems": (check["unbalanced"] + check["negative_escrow"])[:20],
        }
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"orders-{args.backend}.json"
        out.write_text(json.dumps(result, indent=2, default=str))
        print(
            f"\n## Orders on {args.backend}: gunicorn {args.workers} workers x {args.threads} "
            f"threads (gthread), {args.clients} clients; loadavg {load}\n"
        )
        print(table(rows, check))
        if rows["half"]["late_starts"]:
            print(
                f"\nhalf peak: {rows['half']['late_starts']} cycles started late "
                f"(at most {rows['half']['max_start_lag_ms']} ms)"
            )
        if pg is not None:
            print(
                "\nPostgreSQL server CPU ms/request (beside the workers'): "
                + ", ".join(f"{k} {r['db_cpu_ms']}" for k, r in rows.items())
            )
        print(f"\nledger check: {json.dumps(result['ledger_check'])}; wrote {out}")
        return 0 if check["balanced"] else 1
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--requests", type=int, default=800, help="requests per step phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="peak and paced phases")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--pg-port", type=int, default=55442)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
