"""make bench-trust: related-account clusters on a synthetic graph (clause 6.2 (i)).

    python bench/bench_trust.py --members 1000000 --signals 3000000

Builds a throw-away SQLite database (migrated, then bulk-loaded with raw executemany, not
through the services): MEMBERS members and SIGNALS identity signals of a seeded graph shaped
like a marketplace's: one email each (1% shared by pairs of second accounts), a device for most
(a third of them on shared office or family devices, 2-8 members each), client addresses and
/24 networks drawn with a heavy skew (NATs and test clients shared by thousands, which the
cap must ignore), a few phones. Then measures, in one run:

- floor: merely reading every signal row from the database (the same query the rebuild runs,
  fetched and dropped);
- rebuild: `trust.services.links.clusters_rebuild()` (read, derive the linked pairs, cluster,
  write the roots), in its transaction;
- the clustering step itself (scipy's csgraph over the linked pairs) against networkx's
  connected_components on the same edges (graph built from the edge arrays, in a child
  process so its memory does not count in ours);
- incremental add latency: single `signal_record` calls through the service (a new device, a
  device shared with another member, which links and unites clusters, a login from a pooled
  network, a repeat sighting), each its own transaction; p50/p99;
- peak memory (maxrss) of this process, and of the networkx child.

Writes bench/results/trust.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
T0 = datetime(2026, 11, 3, tzinfo=UTC)
TARGETS = {"rebuild_x_floor": 3.0, "speedup_vs_networkx": 10.0, "add_p99_ms": 5.0, "peak_mb": 1024}
KIND_SHARE = {  # of the signals, by kind
    "email": 1 / 3,
    "device": 0.27,
    "ip": 0.2,
    "ip_prefix": 0.17,
    "phone": None,  # the rest
}


def configure(root: Path) -> Path:
    path = root / "bench.sqlite3"
    os.environ.update(
        DATABASE_URL=f"sqlite:///{path}",
        DJANGO_SETTINGS_MODULE="tradepost.config.settings",
        TRADEPOST_DATA_DIR=str(root),
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    return path


# --- The synthetic graph -------------------------------------------------------------------


def skewed(rng, n: int, pool: int, a: float = 1.3) -> np.ndarray:
    """n draws from 0..pool-1, heavy-tailed (a few values drawn very often)."""
    return (rng.zipf(a, n) - 1) % pool


def graph(n_members: int, n_signals: int, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per kind: (member index, value index within the kind)."""
    rng = np.random.default_rng(seed)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    n_email = min(n_members, int(n_signals * KIND_SHARE["email"]))
    members = np.arange(n_email)
    values = members.copy()
    second = rng.choice(n_email, size=n_email // 100, replace=False)  # 1%: a second account
    values[second] = rng.integers(0, n_email, size=second.size)
    out["email"] = (members, values)
    n_device = int(n_signals * KIND_SHARE["device"])
    members = rng.permutation(n_members)[:n_device] if n_device <= n_members else None
    if members is None:
        members = rng.integers(0, n_members, n_device)
    values = np.arange(n_device)
    shared = rng.random(n_device) < 1 / 3
    # Shared devices: groups of 2-8 consecutive shared members take one device id.
    idx = np.flatnonzero(shared)
    group = np.cumsum(rng.integers(2, 9, size=idx.size))
    group_id = np.searchsorted(group, np.arange(idx.size), side="right")
    values[idx] = n_device + group_id
    out["device"] = (members, values)
    n_ip = int(n_signals * KIND_SHARE["ip"])
    out["ip"] = (rng.integers(0, n_members, n_ip), skewed(rng, n_ip, max(1, n_ip // 3)))
    n_prefix = int(n_signals * KIND_SHARE["ip_prefix"])
    out["ip_prefix"] = (
        rng.integers(0, n_members, n_prefix),
        skewed(rng, n_prefix, max(1, n_prefix // 12)),
    )
    n_phone = n_signals - n_email - n_device - n_ip - n_prefix
    out["phone"] = (rng.integers(0, n_members, n_phone), rng.integers(0, n_phone * 10, n_phone))
    # One signal per (member, value): drop repeated draws.
    for kind, (m, v) in out.items():
        key = np.unique(m.astype(np.int64) << 32 | v.astype(np.int64))
        out[kind] = (key >> 32, key & 0xFFFFFFFF)
    return out


def sql_literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def filler(conn, table: str, overrides: dict[str, str]) -> tuple[list[str], list[str]]:
    """Column names and SQL expressions for a table's rows (`x` is the row number): every
    NOT NULL column gets a value of its type, so the load keeps up with migrations."""
    cols, exprs = [], []
    for _, name, kind, notnull, _default, _pk in conn.execute(f"PRAGMA table_info({table})"):
        cols.append(name)
        kind = kind.lower()
        if name in overrides:
            exprs.append(overrides[name])
        elif not notnull:
            exprs.append("NULL")
        elif "int" in kind or "bool" in kind or "decimal" in kind or "real" in kind:
            exprs.append("0")
        elif "datetime" in kind or "date" in kind:
            exprs.append(sql_literal(T0.isoformat(sep=" ")))
        else:
            exprs.append("''")
    return cols, exprs


def without_indexes(conn, tables: list[str]) -> list[str]:
    """Drop the tables' plain indexes for the load (re-created after: one sort each instead of
    millions of random inserts); answers their CREATE statements."""
    placeholders = ",".join("?" * len(tables))
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({placeholders})",
        tables,
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def load(conn, n_members: int, kinds: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """Users and members (generated in SQL), signal values and signals (from the graph, raw
    executemany in batches)."""
    started = time.perf_counter()
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    batch = 100_000
    ucols, uexprs = filler(
        conn, "members_user",
        {"id": "x", "username": "printf('de%010d', x)", "password": "'!'", "is_active": "1"},
    )  # fmt: skip
    mcols, mexprs = filler(
        conn, "members_member",
        {"id": "x", "user_id": "x", "member_id": "printf('de%010d', x)", "status": "'active'",
         "country": "'DE'"},
    )  # fmt: skip
    seq = "WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < ?) "
    conn.execute("BEGIN")
    conn.execute(
        f"{seq}INSERT INTO members_user ({','.join(ucols)}) SELECT {','.join(uexprs)} FROM seq",
        [n_members],
    )
    conn.execute(
        f"{seq}INSERT INTO members_member ({','.join(mcols)}) SELECT {','.join(mexprs)} FROM seq",
        [n_members],
    )
    conn.execute("COMMIT")
    members_s = time.perf_counter() - started
    indexes = without_indexes(conn, ["trust_identitysignal", "trust_signalvalue"])
    conn.execute("BEGIN")
    next_id = 1
    first_seen = T0.isoformat(sep=" ")
    n_values = n_signals = 0
    for kind, (m, v) in kinds.items():
        uniq, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
        ids = next_id + np.arange(uniq.size)
        next_id += uniq.size
        n_values += uniq.size
        for s in range(0, uniq.size, batch):
            conn.executemany(
                "INSERT INTO trust_signalvalue (id, kind, digest, display, member_count) "
                "VALUES (?, ?, ?, '', ?)",
                (
                    (i, kind, f"{kind[:2]}{i:030x}", c)
                    for i, c in zip(
                        ids[s : s + batch].tolist(), counts[s : s + batch].tolist(), strict=True
                    )
                ),
            )
        value_ids = ids[inverse]
        mm, vv = m + 1, value_ids
        n_signals += mm.size
        for s in range(0, mm.size, batch):
            conn.executemany(
                "INSERT INTO trust_identitysignal "
                "(member_id, value_id, kind, source, country, first_seen, last_seen) "
                f"VALUES (?, ?, '{kind}', 'bench', '', '{first_seen}', '{first_seen}')",
                zip(mm[s : s + batch].tolist(), vv[s : s + batch].tolist(), strict=True),
            )
    conn.execute("COMMIT")
    index_started = time.perf_counter()
    for sql in indexes:
        conn.execute(sql)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA foreign_keys=ON")
    return {
        "members": n_members,
        "signals": n_signals,
        "values": n_values,
        "load_members_s": round(members_s, 1),
        "load_indexes_s": round(time.perf_counter() - index_started, 1),
        "load_total_s": round(time.perf_counter() - started, 1),
    }


# --- Measurements ----------------------------------------------------------------------------


def floor_read(connection, sql: str, batch: int) -> tuple[float, int]:
    started = time.perf_counter()
    n = 0
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            n += len(rows)
    return time.perf_counter() - started, n


NX_CHILD = """
import sys, time
import numpy as np
import networkx as nx
edges = np.load(sys.argv[1])
t = time.perf_counter()
g = nx.Graph()
g.add_edges_from(zip(edges[0].tolist(), edges[1].tolist()))
built = time.perf_counter() - t
comps = sum(1 for c in nx.connected_components(g) if len(c) >= 2)
total = time.perf_counter() - t
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(total, built, comps, int(hwm[0].split()[1]) if hwm else -1)
"""


def peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM; ru_maxrss would carry a parent's over exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def networkx_time(a: np.ndarray, b: np.ndarray, root: Path) -> dict:
    path = root / "edges.npy"
    np.save(path, np.stack([a, b]))
    out = subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", NX_CHILD, str(path)], capture_output=True, text=True, check=True
    )
    total, built, comps, rss = out.stdout.split()
    return {"s": float(total), "build_s": float(built), "clusters": int(comps),
            "peak_mb": int(rss) / 1024}  # fmt: skip


def incremental(n_members: int, samples: int, seed: int) -> dict:
    from tradepost.members.models import Member
    from tradepost.trust.services.links import signal_record

    rng = np.random.default_rng(seed + 1)
    latencies: dict[str, list[float]] = {"new": [], "shared": [], "network": [], "repeat": []}
    cpu: list[float] = []
    now = T0 + timedelta(days=30)
    seen: list[tuple[Member, str, str]] = []
    for i in range(samples):
        member = Member(pk=int(rng.integers(1, n_members + 1)))
        roll = i % 4
        if roll == 0:
            case, kind, value = "new", "device", f"bench-new-{i}"
        elif roll == 1:
            case, kind = "shared", "device"
            value = seen[int(rng.integers(0, len(seen)))][2] if seen else f"bench-new-{i}"
        elif roll == 2:
            case, kind = "network", "ip_prefix"
            value = f"10.{int(rng.integers(0, 40))}.{int(rng.integers(0, 256))}.0/24"
        else:
            case = "repeat"
            member, kind, value = seen[int(rng.integers(0, len(seen)))]
        started, cpu_started = time.perf_counter(), time.process_time()
        signal_record(member=member, kind=kind, value=value, source="bench", now=now)
        latencies[case].append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if case in ("new", "shared"):
            seen.append((member, kind, value))
        now += timedelta(seconds=1)
    every = sorted(x for values in latencies.values() for x in values)

    def pct(xs: list[float], p: float) -> float:
        xs = sorted(xs)
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]

    return {
        "samples": len(every),
        "p50_ms": pct(every, 50),
        "p99_ms": pct(every, 99),
        "max_ms": every[-1],
        # CPU time of this process per add: on a shared machine, what the add costs when it
        # runs, without the time spent waiting for a CPU or for SQLite's WAL checkpoints.
        "cpu_p50_ms": pct(cpu, 50),
        "cpu_p99_ms": pct(cpu, 99),
        "by_case": {
            case: {"n": len(xs), "p50_ms": pct(xs, 50), "p99_ms": pct(xs, 99)}
            for case, xs in latencies.items()
            if xs
        },
    }


def load_into(args) -> None:
    """The child process: migrate, build the graph, bulk-load it; print what it loaded. Its
    memory (the graph's arrays) does not count in the measuring process's peak."""
    configure(Path(args.load_into))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    kinds = graph(args.members, args.signals, args.seed)
    connection.ensure_connection()
    print(json.dumps(load(connection.connection, args.members, kinds)))


def run(args) -> dict:
    root = Path(tempfile.mkdtemp(prefix="tradepost-bench-trust-"))
    db_path = configure(root)
    try:
        started = time.perf_counter()
        child = subprocess.run(  # noqa: S603 (this interpreter, this script)
            [sys.executable, __file__, "--load-into", str(root), "--members", str(args.members),
             "--signals", str(args.signals), "--seed", str(args.seed)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        loaded = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"loaded in {time.perf_counter() - started:.0f} s: {loaded}", flush=True)
        # Read the database through read() calls, not a memory map: mapped pages of the
        # file would count in this process's peak memory although they are the page cache.
        os.environ["SQLITE_MMAP_BYTES"] = "0"
        import django

        django.setup()
        from django.db import connection

        from tradepost.policy.related_accounts import load_related_accounts_policy
        from tradepost.trust.rules import links as rules
        from tradepost.trust.services import links

        floor_read(connection, links.SIGNALS_SQL, links.READ_BATCH)  # warm the page cache
        floor_s, rows = floor_read(connection, links.SIGNALS_SQL, links.READ_BATCH)
        result = links.clusters_rebuild()
        rebuild_s = sum(result.seconds.values())
        # The clustering step alone, on the rebuild's linked pairs, against networkx.
        policy = load_related_accounts_policy()
        members, values, bits = links.signals_read()
        a, b = links.linked_edges(members, values, bits, policy=policy, marked={})
        del members, values, bits
        n = int(a.max(initial=0)) + 1 if a.size else 1
        n = max(n, args.members + 1)
        started = time.perf_counter()
        labels = rules.components(n, a, b)
        cluster_s = time.perf_counter() - started
        sizes = np.bincount(labels)
        ours_clusters = int((sizes >= 2).sum())
        nx = networkx_time(a, b, root)
        del labels
        latency = incremental(args.members, args.samples, args.seed)
        peak_mb = peak_rss_kb() / 1024
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
            "database": "sqlite (mmap off)",
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "db_mb": round(db_path.stat().st_size / 2**20),
            "loaded": loaded,
            "floor_s": floor_s,
            "floor_rows": rows,
            "rebuild_s": rebuild_s,
            "rebuild_steps_s": result.seconds,
            "linked_pairs": result.linked_pairs,
            "clustered_members": result.clustered_members,
            "clusters": result.clusters,
            "cluster_s": cluster_s,
            "cluster_clusters": ours_clusters,
            "networkx": nx,
            "incremental": latency,
            "peak_mb": peak_mb,
            "targets": TARGETS,
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def print_table(r: dict) -> None:
    inc = r["incremental"]
    nx = r["networkx"]
    speedup = nx["s"] / r["cluster_s"] if r["cluster_s"] else float("inf")
    x_floor = r["rebuild_s"] / r["floor_s"]
    steps = ", ".join(f"{k} {v:.2f}" for k, v in r["rebuild_steps_s"].items())
    lines = [
        ("members / signals / values",
         f"{r['loaded']['members']:,} / {r['loaded']['signals']:,} / {r['loaded']['values']:,}",
         ""),
        ("linked pairs / clusters (members)",
         f"{r['linked_pairs']:,} / {r['clusters']:,} ({r['clustered_members']:,})", ""),
        ("floor: read every signal row", f"{r['floor_s']:.2f} s", ""),
        ("rebuild (read+pairs+cluster+write)", f"{r['rebuild_s']:.2f} s = {x_floor:.2f}x floor",
         f"<= {TARGETS['rebuild_x_floor']}x  {'OK' if x_floor <= 3 else 'MISS'}"),
        ("  rebuild steps (s)", steps, ""),
        ("clustering step (scipy csgraph)", f"{r['cluster_s'] * 1000:.0f} ms", ""),
        ("networkx connected_components", f"{nx['s']:.2f} s (graph build {nx['build_s']:.2f})",
         ""),
        ("  speed-up vs networkx", f"{speedup:.0f}x",
         f">= {TARGETS['speedup_vs_networkx']:.0f}x  {'OK' if speedup >= 10 else 'MISS'}"),
        ("incremental add p50 / p99", f"{inc['p50_ms']:.2f} / {inc['p99_ms']:.2f} ms "
         f"({inc['samples']} adds, max {inc['max_ms']:.1f})",
         f"p99 < {TARGETS['add_p99_ms']} ms  {'OK' if inc['p99_ms'] < 5 else 'MISS'}"),
        ("  CPU time per add p50 / p99", f"{inc['cpu_p50_ms']:.2f} / {inc['cpu_p99_ms']:.2f} ms",
         ""),
        *(
            (f"  {case}", f"{v['p50_ms']:.2f} / {v['p99_ms']:.2f} ms (n={v['n']})", "")
            for case, v in inc["by_case"].items()
        ),
        ("peak memory (this process)", f"{r['peak_mb']:.0f} MB",
         f"< {TARGETS['peak_mb']} MB  {'OK' if r['peak_mb'] < 1024 else 'MISS'}"),
        ("peak memory (networkx child)", f"{nx['peak_mb']:.0f} MB", ""),
    ]  # fmt: skip
    width = max(len(a) for a, _, _ in lines)
    value_width = max(len(b) for _, b, _ in lines)
    load = ", ".join(str(x) for x in r["load_average"])
    print(f"\nbench-trust (SQLite, {r['db_mb']} MB database, {r['when']}, load average {load} "
          f"on {r['machine']['cpus']} CPUs)")  # fmt: skip
    for a, b, c in lines:
        print(f"  {a:<{width}}  {b:<{value_width}}  {c}")
    if nx["clusters"] != r["cluster_clusters"]:
        print(f"  !! networkx found {nx['clusters']} clusters, csgraph {r['cluster_clusters']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--signals", type=int, default=3_000_000)
    parser.add_argument("--samples", type=int, default=4000, help="incremental adds to time")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--load-into", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_into:
        load_into(args)
        return
    report = run(args)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "trust.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"written: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
