"""How long it takes to notify every member of a site of a new Terms version (clauses 1.3, 11.2).

    make bench-notify                      # 100,000 members
    .venv/bin/python bench/notify_fanout.py --members 20000 --batch-size 1000

Runs against a fresh embedded SQLite database under var/bench-notify/ (or DATABASE_URL if
set, which must point at a throw-away database). It measures the production path:

1. `terms_version_announce`: the public posting (deemed received on posting, 11.2 b) and the
   campaign;
2. the fan-out, as `tradepost notices fanout` runs it: in-app notice + email delivery row per
   member, a batch per transaction, one send task queued per batch;
3. the email sends, as `tradepost db_worker --batch` runs the queued tasks, through a mail
   backend that builds each MIME message and counts it (no network: SMTP time is the mail
   server's, not ours).

Members are made with bulk_create, not through registration: registration hashes a password
with Argon2 (tens of milliseconds each, over an hour for 100,000) and records identifiers and
Terms acceptance, none of which the fan-out reads. The member rows carry every field the
fan-out and the sender use (site, status, email).

Writes bench/results/notify_fanout_<database>.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

SENT = 0


def _configure(data_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradepost.config.settings")
    os.environ["TRADEPOST_DATA_DIR"] = str(data_dir)
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory
    os.environ["TASKS_BACKEND"] = "database"
    os.environ.pop("EMAIL_HOST", None)
    os.environ["EMAIL_BACKEND"] = "__main__.CountingEmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _backend_class():
    from django.core.mail.backends.base import BaseEmailBackend

    class CountingEmailBackend(BaseEmailBackend):
        """Builds each message as SMTP would send it, then counts it."""

        def send_messages(self, email_messages):
            global SENT
            for message in email_messages:
                message.message().as_bytes()
                SENT += 1
            return len(email_messages)

    return CountingEmailBackend


def _members_create(n: int, site: str) -> float:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import transaction

    from tradepost.members.models import Member, User

    started = time.perf_counter()
    chunk = 5000
    for start in range(0, n, chunk):
        ids = range(start, min(n, start + chunk))
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    username=f"de{i:010d}",
                    password=UNUSABLE_PASSWORD_PREFIX,  # no login: hashing is what we skip
                    email=f"buyer{i}@bench.example",
                )
                for i in ids
            )
            Member.objects.bulk_create(
                Member(
                    user=user,
                    member_id=user.username,
                    site=site,
                    company_name=f"Bench Trading {i} GmbH",
                    business_type="manufacturer",
                    country="DE",
                    access_country="DE",
                    address=f"{i} Industriestrasse, Berlin",
                    contact_name=f"Contact {i}",
                    email=user.email,
                    phone=f"+49309{i:07d}",
                    contracting_entity="alibaba_sg",
                    contracting_rule="from-elsewhere",
                    contracting_clause="2.1 para 3 (a)",
                )
                for i, user in zip(ids, users, strict=True)
            )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--site", default="alibaba")
    args = parser.parse_args()

    data_dir = ROOT / "var" / "bench-notify"
    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    _configure(data_dir)
    sys.modules["__main__"].CountingEmailBackend = _backend_class()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from tradepost.notices import selectors
    from tradepost.notices.models import DeliveryStatus, EmailDelivery, Notice
    from tradepost.terms.models import TermsVersion
    from tradepost.terms.services import terms_version_announce

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    print(f"Creating {args.members:,} members with bulk_create ...")
    members_s = _members_create(args.members, args.site)
    version = TermsVersion.objects.create(
        site=args.site,
        label="Part A: Bench version",
        effective_date=date(2099, 1, 1),
        body="1.1 Bench terms.",
        body_sha256="0" * 64,
    )

    started = time.perf_counter()
    campaign = terms_version_announce(version_pk=version.pk)
    announce_s = time.perf_counter() - started

    print(f"Fan-out of campaign {campaign.pk} in batches of {args.batch_size:,}:")
    started = time.perf_counter()
    call_command("notices", "fanout", str(campaign.pk), "--batch-size", str(args.batch_size))
    fanout_s = time.perf_counter() - started

    print("Sending the queued emails (db_worker --batch) ...")
    started = time.perf_counter()
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
    )
    send_s = time.perf_counter() - started

    campaign.refresh_from_db()
    progress = selectors.campaign_progress(campaign)
    per_member = (
        Notice.objects.filter(campaign=campaign)
        .values("member")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    checks = {
        "notices": Notice.objects.filter(campaign=campaign).count(),
        "members_with_more_than_one_notice": per_member,
        "emails_sent": EmailDelivery.objects.filter(status=DeliveryStatus.SENT).count(),
        "messages_built_by_backend": SENT,
    }
    ok = (
        checks["notices"] == args.members
        and per_member == 0
        and checks["emails_sent"] == args.members
        and checks["messages_built_by_backend"] == args.members
        and campaign.status == "completed"
    )
    result = {
        "benchmark": "notify_fanout",
        "members": args.members,
        "batch_size": args.batch_size,
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "seconds": {
            "migrate": round(migrate_s, 2),
            "members_bulk_create": round(members_s, 2),
            "announce": round(announce_s, 3),
            "fanout": round(fanout_s, 2),
            "email_send": round(send_s, 2),
            "notify_total": round(announce_s + fanout_s + send_s, 2),
        },
        "rates_per_second": {
            "fanout": round(args.members / fanout_s),
            "email_send": round(args.members / send_s),
        },
        "campaign": progress,
        "checks": checks,
        "ok": ok,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"notify_fanout_{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")

    print()
    print(f"{'phase':<34}{'seconds':>10}{'members/s':>12}")
    rows = [
        ("members (bulk_create, not timed)", members_s, None),
        ("announce (posting + campaign)", announce_s, None),
        ("fan-out (notice + email row)", fanout_s, args.members / fanout_s),
        ("email send (db_worker)", send_s, args.members / send_s),
        ("notify total", announce_s + fanout_s + send_s, None),
    ]
    for name, seconds, rate in rows:
        print(f"{name:<34}{seconds:>10.2f}{(f'{rate:,.0f}' if rate else ''):>12}")
    print(f"checks: {checks} -> {'OK' if ok else 'FAILED'}")
    print(f"wrote {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
