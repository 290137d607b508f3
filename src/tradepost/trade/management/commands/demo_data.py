"""`tradepost demo_data`: load demo members, their listings, demo staff logins, the Trust &
Safety demo and the trade demo, once.

In the trade app, the highest layer it loads data for (members, their Terms acceptance,
listings, the enforcement story of `trust.demo`, and the conversations, RFQs and orders of
`trade.demo`).

Members are registered through `terms.registration.member_register`, as in production, so each one
carries its clause 2.1 contracting entity and its Terms acceptance. The demo covers every
branch of 2.1: mainland China, Hong Kong, elsewhere, the AliExpress Relevant Jurisdiction
override and Alibaba Sites accessed from a Relevant Jurisdiction (also by a Chinese member).
The Trust & Safety demo has members of its own: the members of the other tours are never
restricted.

Idempotent: a second run changes nothing and says so. Every run prints the staff login
(kept in DATA_DIR/demo_credentials.txt, mode 600) so `make run` always shows it, and the
Trust & Safety demo logins (documented passwords).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tradepost import demo
from tradepost.catalog.demo import demo_images_load, demo_listings_load
from tradepost.members.models import Member, StaffRole, User
from tradepost.trade.demo import demo_trade_load, trade_tour
from tradepost.trust.demo import (
    DEMO_STAFF,
    DEMO_STAFF_PASSWORD,
    TRUST_DEMO_MEMBERS,
    DemoMember,
    demo_member_register,
    demo_staff_load,
    demo_trust_load,
    trust_tour,
)

DEMO_MEMBER_PASSWORD = "harbour-lantern-demo-2020"  # noqa: S105 (documented demo password)
STAFF_USERNAME = "demo-admin"
STAFF_EMAIL = "demo-admin@example.com"
CREDENTIALS_FILE = "demo_credentials.txt"


DEMO_MEMBERS = (
    # 2.1 para 1: from mainland China.
    DemoMember(
        site="alibaba",
        company_name="Hangzhou Westlake Textile Manufacturing Co., Ltd.",
        business_type="manufacturer",
        country="CN",
        address="88 Wensan Road, Xihu District, Hangzhou, Zhejiang 310012",
        contact_name="Li Wei",
        email="sales@westlake-textile.example.com",
        phone="+86 571 8502 2088",
        registration_number="91330106MA27X0001K",
        roles=("supplier",),
    ),
    # 2.1 para 2: from Hong Kong.
    DemoMember(
        site="alibaba",
        company_name="Kowloon Bay Trading Limited",
        business_type="trading_company",
        country="HK",
        address="Unit 1203, 12/F, Enterprise Square, 9 Sheung Yuet Road, Kowloon Bay",
        contact_name="Chan Ka Yan",
        email="trade@kowloonbay-trading.example.com",
        phone="+852 2215 5100",
        registration_number="61234567",
        roles=("buyer", "supplier"),
    ),
    # 2.1 para 3 (a): from elsewhere (a German buyer).
    DemoMember(
        site="alibaba",
        company_name="Rheinland Werkzeughandel GmbH",
        business_type="wholesaler",
        country="DE",
        address="Industriestrasse 12, 50667 Koeln",
        contact_name="Anna Becker",
        email="einkauf@rheinland-werkzeug.example.com",
        phone="+49 30 9018 2200",
        registration_number="HRB 123456",
        roles=("buyer",),
    ),
    # 2.1 para 3 (a): from elsewhere (a US buyer).
    DemoMember(
        site="alibaba",
        company_name="Lakeshore Retail Supply Inc.",
        business_type="retailer",
        country="US",
        address="200 N LaSalle St, Chicago, IL 60601",
        contact_name="Jordan Miller",
        email="purchasing@lakeshore-retail.example.com",
        phone="+1 312 555 0190",
        registration_number="36-1234567",
        roles=("buyer",),
    ),
    # 2.1 para 4: AliExpress Relevant Jurisdiction user (a Russian buyer).
    DemoMember(
        site="aliexpress",
        company_name="OOO Volga Home Goods",
        business_type="retailer",
        country="RU",
        address="ul. Tverskaya 7, Moscow 125009",
        contact_name="Ivan Petrov",
        email="zakupki@volga-home.example.com",
        phone="+7 495 123 4567",
        registration_number="1157746000001",
        roles=("buyer",),
    ),
    # 2.1 para 3 (b): Alibaba Sites accessed from a Relevant Jurisdiction (Kazakhstan).
    DemoMember(
        site="alibaba",
        company_name="Steppe Agro Export LLP",
        business_type="manufacturer",
        country="KZ",
        address="Al-Farabi Avenue 77, Almaty 050040",
        contact_name="Aigerim Nurlanova",
        email="export@steppe-agro.example.com",
        phone="+7 727 250 1234",
        registration_number="190840012345",
        roles=("supplier",),
    ),
    # 2.1 para 3 (b) prevails over para 1: a Chinese member accessing from Russia.
    DemoMember(
        site="alibaba",
        company_name="Shenzhen Pearl River Electronics Co., Ltd.",
        business_type="manufacturer",
        country="CN",
        access_country="RU",
        address="15 Keji South Road, Nanshan District, Shenzhen, Guangdong 518057",
        contact_name="Zhang Min",
        email="overseas@pearlriver-electronics.example.com",
        phone="+86 755 8888 1234",
        registration_number="91440300MA5F00002X",
        roles=("buyer", "supplier"),
    ),
)


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / CREDENTIALS_FILE


def _read_password(path: Path) -> str | None:
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "password" and value.strip():
            return value.strip()
    return None


def _write_credentials(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(
            "# Tradepost demo staff login, written by `tradepost demo_data`. Development only.\n"
            f"username={STAFF_USERNAME}\npassword={password}\n"
        )
    path.chmod(0o600)


class Command(BaseCommand):
    help = (
        "Load demo members and a demo staff login once (idempotent), then print the staff "
        f"login and the demo members. Demo members log in with {DEMO_MEMBER_PASSWORD!r}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the printed links.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (creates a superuser with a known password).",
        )

    def handle(self, *args: Any, base_url: str, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "demo_data creates a superuser with a known password: run it with DEBUG=1 "
                "(development) or pass --force."
            )
        administrator = Group.objects.filter(name=StaffRole.ADMINISTRATOR).first()
        if administrator is None:
            raise CommandError("Run `tradepost migrate` first: the staff role groups are missing.")
        path = credentials_path()
        password = _read_password(path)
        notes: list[str] = []
        if password is None:
            password = secrets.token_urlsafe(18)
            _write_credentials(path, password)
        with transaction.atomic():
            created_staff = self._staff_user(administrator, password, path, notes)
            created = [
                spec
                for spec in DEMO_MEMBERS
                if demo_member_register(spec, password=DEMO_MEMBER_PASSWORD)
            ]
            listings = demo_listings_load()
            images = demo_images_load()
            trust_staff = demo_staff_load()
            trust_members = [
                spec
                for spec in TRUST_DEMO_MEMBERS
                if demo_member_register(spec, password=DEMO_MEMBER_PASSWORD)
            ]
            trust_parts = demo_trust_load()
            trade_parts = demo_trade_load()
            # The apps above trade (compliance ...) add their parts through tradepost.demo.
            extra = [(part, part.load()) for part in demo.parts()]
        if listings:
            notes.append(f"{listings} demo listings posted and screened: see /search/.")
        if listings or images:
            notes.append("Demo pictures, logos and banners drawn for the demo (marked DEMO IMAGE).")
        loaded = []
        if created:
            loaded.append(f"{len(created)} demo member{'' if len(created) == 1 else 's'}")
        if created_staff:
            loaded.append(f"the staff user {STAFF_USERNAME} ({StaffRole.ADMINISTRATOR})")
        if trust_staff or trust_members or trust_parts:
            loaded.append(
                f"the Trust & Safety demo ({len(trust_members)} members, "
                f"{trust_staff} staff logins)"
            )
        if trade_parts:
            loaded.append(f"the trade demo ({trade_parts} parts)")
        for part, count in extra:
            if count:
                noun = "part" if count == 1 else "parts"
                loaded.append(f"the {part.name} demo ({count} {noun})")
        base = base_url.rstrip("/")
        self._report(loaded, password, path, base, notes)
        self._trust_report(base)
        self._trade_report(base)
        for part, _count in extra:
            self.stdout.write("")
            for line in part.report(base):
                self.stdout.write(line)

    def _staff_user(self, group: Group, password: str, path: Path, notes: list[str]) -> bool:
        user = User.objects.filter(username=STAFF_USERNAME).first()
        if user is None:
            user = User.objects.create_user(
                STAFF_USERNAME, password, email=STAFF_EMAIL, is_staff=True, is_superuser=True
            )
            user.groups.add(group)
            return True
        if not user.check_password(password):
            notes.append(
                f"The password of {STAFF_USERNAME} was changed after it was stored in {path}; "
                "the one shown no longer works (this command does not reset it)."
            )
        return False

    def _report(
        self, loaded: list[str], password: str, path: Path, base_url: str, notes: list[str]
    ) -> None:
        out = self.stdout
        if loaded:
            said = loaded[0] if len(loaded) == 1 else f"{', '.join(loaded[:-1])} and {loaded[-1]}"
            out.write(self.style.SUCCESS(f"Demo data loaded: {said}."))
        else:
            out.write("Demo data already loaded: nothing changed.")
        out.write("")
        out.write(f"Operator console   {base_url}/console/")
        out.write(f"  username         {STAFF_USERNAME}")
        out.write(f"  password         {password}")
        out.write(f"  (kept in {path}, mode 600)")
        for note in notes:
            out.write(self.style.WARNING(f"  {note}"))
        out.write(f"Member login       {base_url}/login/  (member ID or email)")
        out.write(f"  password         {DEMO_MEMBER_PASSWORD}  (every demo member)")
        out.write("")
        self._members_table(DEMO_MEMBERS)

    def _members_table(self, specs: tuple[DemoMember, ...]) -> None:
        out = self.stdout
        emails = [spec.email for spec in specs]
        members = sorted(
            Member.objects.filter(email__in=emails), key=lambda m: emails.index(m.email)
        )
        rows = [("Member ID", "Company", "Country", "Site", "Contracting entity", "Clause")]
        for m in members:
            country = (
                m.country
                if m.access_country == m.country
                else f"{m.country}, via {m.access_country}"
            )
            rows.append(
                (
                    m.member_id,
                    m.company_name,
                    country,
                    m.site,
                    m.contracting_entity,
                    m.contracting_clause,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            out.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                out.write("  ".join("-" * w for w in widths))

    def _trust_report(self, base_url: str) -> None:
        """Clause 6.2: where the Trust & Safety demo is, and who to log in as."""
        out = self.stdout
        tour = trust_tour()
        out.write("")
        out.write(f"Trust & Safety     {base_url}/console/trust/")
        out.write(f"  password         {DEMO_STAFF_PASSWORD}  (every staff login below)")
        for staff in DEMO_STAFF:
            out.write(f"  {staff.username:<16} {staff.role} ({staff.shows})")
        if tour.subject is not None:
            subject = tour.subject.member_id
            out.write(f"  cluster          {base_url}/console/trust/link/cluster/{subject}/")
            if tour.case_id is not None:
                case = f"{base_url}/console/trust/case/{tour.case_id}/change/"
                out.write(f"  case             {case}")
            out.write(
                f"  awaiting 2nd     {base_url}/console/trust/action/"
                "?status__exact=pending_approval"
            )
            if tour.appeal_path:
                out.write(f"  appeal link      {base_url}{tour.appeal_path}")
        out.write(
            f"Trust & Safety demo members (password {DEMO_MEMBER_PASSWORD}; "
            "the only members restricted):"
        )
        self._members_table(TRUST_DEMO_MEMBERS)

    def _trade_report(self, base_url: str) -> None:
        """Clause 7.1: where the trade demo is (members above, password above)."""
        out = self.stdout
        tour = trade_tour()
        out.write("")
        out.write(f"Trade              {base_url}/messages/  (buyers: Rheinland, Lakeshore)")
        if tour.open_rfq_id is not None:
            out.write(f"  RFQ comparison   {base_url}/rfqs/{tour.open_rfq_id}/  (Lakeshore)")
        if tour.awarded_rfq_id is not None:
            out.write(f"  awarded RFQ      {base_url}/rfqs/{tour.awarded_rfq_id}/  (Rheinland)")
        for status, pk in tour.orders.items():
            out.write(f"  order {status:<10} {base_url}/my/orders/{pk}/")
        out.write(f"  ledger check     {base_url}/api/v1/staff/ledger/check  (staff)")
