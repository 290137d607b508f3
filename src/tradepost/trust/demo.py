"""Trust & Safety demo data for `tradepost demo_data`: demo staff, one login per staff role,
and a small enforcement story told through the trust services, so every step has its real
audit row, notice and statement of reasons.

The story (clauses 4.1, 5.4, 5.9, 6.2, 6.3 c, 6.4): three related accounts (a shared device,
a shared phone), a complaint about one of them that became a case, established for penalty
points (the 6-point serious warning), a feature restriction in force and its appeal awaiting
a decision, a suspension of the whole cluster awaiting a second staff member's approval, a
rights holder's approved trademark and its claim against a listing with the counter-notice
window open, an information request and a disclosure request awaiting legal review.

Only members made for this story are restricted: the members of the other tours stay as
they are. Idempotent: each part is loaded only when what it makes is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from pypdf import PdfWriter

from tradepost.catalog import services as catalog_services
from tradepost.catalog.models import Listing
from tradepost.members import identity
from tradepost.members.models import Member, StaffRole, User
from tradepost.terms.registration import RegistrationInput, member_register
from tradepost.trust.models import Case, Complaint
from tradepost.trust.models.actions import Action, ActionKind, ActionSource, ActionStatus
from tradepost.trust.models.ip import IPClaim, IPRight
from tradepost.trust.models.links import IdentitySignal, SignalKind
from tradepost.trust.models.requests import DisclosureRequest, InformationRequest
from tradepost.trust.services import links
from tradepost.trust.services.actions import action_take, appeal_file, appeal_link
from tradepost.trust.services.cases import case_assign, case_evidence_add
from tradepost.trust.services.complaints import complaint_establish, complaint_file_by_staff
from tradepost.trust.services.disclosure import DisclosureInput, disclosure_request_register
from tradepost.trust.services.ip import ip_claim_file, ip_right_register, ip_right_review
from tradepost.trust.services.requests import information_request_create

DEMO_STAFF_PASSWORD = "quayside-ledger-staff-2020"  # noqa: S105 (documented demo password)
SIGNAL_SOURCE = "demo"
SHARED_DEVICE = "demo-device-0f3c9a71e2b84d55"
DISCLOSURE_REFERENCE = "DEMO-AG-KOELN-2026-0417"


@dataclass(frozen=True)
class DemoMember:
    site: str
    company_name: str
    business_type: str
    country: str
    address: str
    contact_name: str
    email: str
    phone: str
    registration_number: str
    roles: tuple[str, ...]
    access_country: str | None = None


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str
    shows: str


# Demo staff with the documented password; the administrator is the existing `demo-admin`
# (its password is generated and printed, it is a superuser). Two of each role whose
# decisions need a second person (four eyes): trust & safety, legal counsel.
DEMO_STAFF = (
    DemoStaff("demo-support", StaffRole.SUPPORT, "reads accounts, cases and actions"),
    DemoStaff("demo-ts-agent", StaffRole.TRUST_SAFETY, "took the actions, proposed the suspension"),
    DemoStaff("demo-ts-lead", StaffRole.TRUST_SAFETY, "approves the suspension, decides appeals"),
    DemoStaff("demo-compliance", StaffRole.COMPLIANCE, "information requests, transparency"),
    DemoStaff("demo-legal", StaffRole.LEGAL, "registered the disclosure request"),
    DemoStaff("demo-legal-2", StaffRole.LEGAL, "decides the disclosure request"),
)

# The members of the Trust & Safety story, no one else's tour. The cluster: Sunrise and
# Brightpath share a device, Brightpath and Lotus a phone.
SUBJECT = "sales@yiwu-sunrise-gifts.example.com"
LINKED_SUPPLIER = "export@brightpath-audio.example.com"
LINKED_BUYER = "buy@lotus-sourcing.example.com"
RIGHTS_HOLDER = "legal@nordwave-audio.example.com"

TRUST_DEMO_MEMBERS = (
    DemoMember(
        site="alibaba",
        company_name="Yiwu Sunrise Gifts Trading Co., Ltd.",
        business_type="trading_company",
        country="CN",
        address="Building 5, International Trade City, Futian Road, Yiwu, Zhejiang 322000",
        contact_name="Wang Fang",
        email=SUBJECT,
        phone="+86 579 8555 0101",
        registration_number="91330782MA2E00003Y",
        roles=("supplier",),
    ),
    DemoMember(
        site="alibaba",
        company_name="Shenzhen Brightpath Audio Technology Co., Ltd.",
        business_type="manufacturer",
        country="CN",
        address="6 Gushu Industrial Park, Xixiang, Bao'an District, Shenzhen 518126",
        contact_name="Liu Yang",
        email=LINKED_SUPPLIER,
        phone="+86 755 2930 0202",
        registration_number="91440300MA5G00004Z",
        roles=("supplier",),
    ),
    DemoMember(
        site="alibaba",
        company_name="Lotus Sourcing Limited",
        business_type="trading_company",
        country="HK",
        address="Room 1808, 18/F, Nan Fung Centre, 264 Castle Peak Road, Tsuen Wan",
        contact_name="Ho Mei Ling",
        email=LINKED_BUYER,
        phone="+852 2408 0303",
        registration_number="71234568",
        roles=("buyer",),
    ),
    DemoMember(
        site="alibaba",
        company_name="Nordwave Audio GmbH",
        business_type="manufacturer",
        country="DE",
        address="Speicherstadt, Am Sandtorkai 40, 20457 Hamburg",
        contact_name="Jonas Weber",
        email=RIGHTS_HOLDER,
        phone="+49 40 3290 4400",
        registration_number="HRB 654321",
        roles=("buyer", "supplier"),
    ),
)

CLAIMED_LISTING = {
    "title": "Portable Bluetooth speaker 10 W, Nordwave wave-grille design",
    "description": "Bluetooth 5.3 speaker, 10 W, IPX5, 12 hours of play, wave-pattern grille "
    "with the NORDWAVE mark printed on the front.",
    "category": "audio-headphones",
    "currency": "USD",
    "moq": 500,
    "unit": "piece",
    "price_tiers": [
        {"min_qty": 500, "unit_price": "7.40"},
        {"min_qty": 2000, "unit_price": "6.80"},
    ],
    "keywords": ["bluetooth speaker", "portable speaker"],
}


def demo_member_register(spec: DemoMember, *, password: str) -> bool:
    """Register a demo member as production does (clause 2.1 entity, Terms acceptance) unless
    its email or phone is already a member's. Answers whether it registered one."""
    phone = identity.clean_phone(spec.phone, country=spec.country)
    if Member.objects.filter(Q(email=spec.email) | Q(phone=phone)).exists():
        return False
    member_register(
        data=RegistrationInput(
            site=spec.site,
            company_name=spec.company_name,
            business_type=spec.business_type,
            country=spec.country,
            access_country=spec.access_country,
            address=spec.address,
            contact_name=spec.contact_name,
            email=spec.email,
            phone=spec.phone,
            registration_number=spec.registration_number,
            roles=list(spec.roles),
            password=password,
            attest_legal_age=True,
            attest_business_use=True,
            accept_terms=True,
        ),
        ip=None,
    )
    return True


def demo_staff_load() -> int:
    """One staff login per role (the administrator is `demo-admin`); answers how many were
    made. An existing user keeps its password."""
    made = 0
    for spec in DEMO_STAFF:
        if User.objects.filter(username=spec.username).exists():
            continue
        user = User.objects.create_user(
            spec.username,
            DEMO_STAFF_PASSWORD,
            email=f"{spec.username}@tradepost.example.com",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=spec.role))
        made += 1
    return made


def _pdf(title: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"DEMO {title}"})
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(
        "demo-registration-certificate.pdf", buffer.getvalue(), content_type="application/pdf"
    )


def _staff(username: str) -> User:
    return User.objects.get(username=username)


def _cluster(members: dict[str, Member], now: datetime) -> int:
    """Clauses 4.1, 6.2 (i): the signals that relate the three accounts, recorded as a login
    and a profile would record them, so the links carry their evidence sentences."""
    subject, supplier, buyer = members[SUBJECT], members[LINKED_SUPPLIER], members[LINKED_BUYER]
    if IdentitySignal.objects.filter(member=subject, kind=SignalKind.DEVICE).exists():
        return 0
    for member in (subject, supplier):
        links.signal_record(
            member=member,
            kind=SignalKind.DEVICE,
            value=SHARED_DEVICE,
            source=SIGNAL_SOURCE,
            country=member.country,
            now=now,
        )
    phone = supplier.identifiers.filter(kind="phone").values_list("value", flat=True).first()
    links.signal_record(
        member=buyer, kind=SignalKind.PHONE, value=phone or "", source=SIGNAL_SOURCE, now=now
    )
    return 1


def _case_story(members: dict[str, Member], now: datetime) -> int:
    """A complaint (6.3 c) that became a case, established for 6 penalty points (the serious
    warning of the 6-point threshold), a second complaint joining the case, a feature
    restriction in force with its appeal, and a cluster suspension awaiting approval."""
    subject = members[SUBJECT]
    if Complaint.objects.filter(subject=subject).exists():
        return 0
    agent, lead = _staff("demo-ts-agent"), _staff("demo-ts-lead")
    first = complaint_file_by_staff(
        member_id=subject.member_id,
        ground="6.3 c",
        description=(
            "The business licence number on the account does not match the one on the "
            "licence copy the member sent to a buyer; the company address is a shared "
            "mailbox in the Yiwu market."
        ),
        listing_ids=[],
        by=agent,
        complainant_name="Harbour Inspection Services Ltd.",
        complainant_email="checks@harbour-inspection.example.com",
    )
    case_assign(case_id=first.case_id, by=lead, assignee_username=agent.username)
    case_evidence_add(
        case_id=first.case_id,
        by=agent,
        note=(
            "The related-accounts cluster shows Brightpath on the same device and Lotus "
            "Sourcing with Brightpath's phone: the three may be one operator."
        ),
    )
    complaint_establish(
        complaint_id=first.pk,
        by=agent,
        reason="The registry extract shows another company under that number.",
    )
    complaint_file_by_staff(
        member_id=subject.member_id,
        ground="6.3 c",
        description="A second buyer reports the same mismatching licence number.",
        listing_ids=[],
        by=agent,
        complainant_name="Lakeside Procurement Oy",
        complainant_email="sourcing@lakeside-procurement.example.com",
    )
    case = Case.objects.get(pk=first.case_id)
    restriction = action_take(
        member=subject,
        kind=ActionKind.RESTRICT_FEATURE,
        feature="promotions",
        clause="6.3 c",
        reason="Promotions are paused while the false registration information is examined.",
        facts="Complaint established: the licence number belongs to another company.",
        ends_at=now + timedelta(days=30),
        by=agent,
        source=ActionSource.NOTICE,
        case=case,
        now=now,
    )
    appeal_file(
        member=subject,
        action_id=restriction.pk,
        statement=(
            "Our licence was renewed in 2025 and the number changed; the new certificate is "
            "attached to our profile. Please lift the restriction."
        ),
    )
    action_take(
        member=subject,
        kind=ActionKind.SUSPEND,
        clause="6.3 c",
        include_related=True,
        reason=(
            "False registration information, and the related accounts appear to be run by "
            "the same operator (clause 6.2 (i))."
        ),
        facts="See the case: established complaint, second complaint, related cluster.",
        ends_at=now + timedelta(days=30),
        by=agent,
        source=ActionSource.NOTICE,
        case=case,
        now=now,
    )
    return 1


def _ip_story(members: dict[str, Member], now: datetime) -> int:
    """Clause 5.4: the holder's trademark, approved on its document, a second right awaiting
    review, and a claim against the linked supplier's listing: held, counter-notice open."""
    holder, supplier = members[RIGHTS_HOLDER], members[LINKED_SUPPLIER]
    if IPRight.objects.filter(holder=holder).exists():
        return 0
    right = ip_right_register(
        holder=holder,
        kind="trademark",
        number="018234567",
        jurisdiction="EU",
        title="NORDWAVE",
        documents=[_pdf("EUIPO registration certificate 018234567")],
    )
    ip_right_review(
        right_id=right.pk,
        by=_staff("demo-ts-lead"),
        approve=True,
        reason="EUIPO register checked: NORDWAVE, class 9, held by Nordwave Audio GmbH.",
    )
    ip_right_register(
        holder=holder,
        kind="copyright",
        number="NW-GRILLE-2019",
        jurisdiction="DE",
        title="Wave grille industrial design drawings",
        documents=[_pdf("design drawings 2019")],
    )
    listing = Listing.objects.filter(supplier=supplier).order_by("pk").first()
    if listing is None:
        listing = catalog_services.listing_create(member=supplier, data=dict(CLAIMED_LISTING))
    ip_claim_file(
        holder=holder,
        right_id=right.pk,
        listing_ids=[listing.pk],
        description="The listing sells speakers bearing our NORDWAVE mark; we make no such "
        "speaker and have licensed no one.",
        now=now,
    )
    return 1


def _requests_story(members: dict[str, Member], now: datetime) -> int:
    made = 0
    buyer = members[LINKED_BUYER]
    if not InformationRequest.objects.filter(member=buyer).exists():
        information_request_create(
            member=buyer,
            clause="5.9",
            questions=(
                "Your account gives the phone number of Shenzhen Brightpath Audio Technology. "
                "Please explain how your company is related to Brightpath and send your "
                "business registration certificate."
            ),
            deadline=now + timedelta(days=14),
            by=_staff("demo-ts-agent"),
            now=now,
        )
        made += 1
    if not DisclosureRequest.objects.filter(reference=DISCLOSURE_REFERENCE).exists():
        disclosure_request_register(
            data=DisclosureInput(
                requester_name="KHK Petra Schulz",
                requester_organisation="Polizeipräsidium Köln, Betrugsdezernat",
                requester_type="authority",
                country="DE",
                legal_basis="court_order",
                reference=DISCLOSURE_REFERENCE,
                member_ids=[members[SUBJECT].member_id, buyer.member_id],
                categories=["profile", "contact", "registration"],
                description="Order of the Amtsgericht Köln in a fraud investigation: the "
                "identity and contact details of the two accounts.",
                received_at=now,
            ),
            by=_staff("demo-legal"),
            now=now,
        )
        made += 1
    return made


def demo_trust_load(*, now: datetime | None = None) -> int:
    """Load what is missing of the Trust & Safety story (the demo staff and members exist);
    answers how many parts were loaded, 0 when everything was there."""
    now = now or timezone.now()
    members = {m.email: m for m in Member.objects.filter(email__in=trust_demo_emails())}
    if len(members) < len(TRUST_DEMO_MEMBERS):
        return 0  # a demo email or phone is taken by someone else: no story to tell
    return (
        _cluster(members, now)
        + _case_story(members, now)
        + _ip_story(members, now)
        + _requests_story(members, now)
    )


def trust_demo_emails() -> list[str]:
    return [spec.email for spec in TRUST_DEMO_MEMBERS]


@dataclass(frozen=True)
class TrustTour:
    subject: Member | None
    appeal_path: str
    case_id: int | None
    claim_id: int | None


def trust_tour() -> TrustTour:
    """What the printed tour points at: the subject, its appeal link, the case, the claim."""
    subject = Member.objects.filter(email=SUBJECT).first()
    action = (
        Action.objects.filter(
            member=subject, kind=ActionKind.RESTRICT_FEATURE, status=ActionStatus.IN_FORCE
        )
        .order_by("pk")
        .first()
        if subject
        else None
    )
    case = Case.objects.filter(member=subject).order_by("pk").first() if subject else None
    claim = IPClaim.objects.filter(holder__email=RIGHTS_HOLDER).order_by("pk").first()
    return TrustTour(
        subject=subject,
        appeal_path=appeal_link(action) if action else "",
        case_id=case.pk if case else None,
        claim_id=claim.pk if claim else None,
    )
