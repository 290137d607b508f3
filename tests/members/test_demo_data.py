"""`tradepost demo_data`: loads once, prints the staff login every time, and the login works."""

import io
import stat

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tradepost.billing.demo_subscriptions import GOLD_SUPPLIER
from tradepost.compliance.demo import COMPLIANCE_DEMO_MEMBERS
from tradepost.members.models import Member, MemberStatus, StaffRole, User
from tradepost.terms.models import TermsAcceptance
from tradepost.trade.management.commands.demo_data import (
    CREDENTIALS_FILE,
    DEMO_MEMBER_PASSWORD,
    DEMO_MEMBERS,
    STAFF_USERNAME,
)
from tradepost.trust.demo import TRUST_DEMO_MEMBERS

# The paid membership demo registers one more supplier.
ALL_MEMBERS = (
    len(DEMO_MEMBERS)
    + len(TRUST_DEMO_MEMBERS)
    + len(COMPLIANCE_DEMO_MEMBERS)
    + len((GOLD_SUPPLIER,))
)
TOUR_EMAILS = [spec.email for spec in DEMO_MEMBERS]


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo images
    return settings


def run_demo_data(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def stored_password(path) -> str:
    lines = dict(
        line.split("=", 1) for line in path.read_text().splitlines() if not line.startswith("#")
    )
    assert lines["username"] == STAFF_USERNAME
    return lines["password"]


def test_demo_data_loads_once_and_prints_the_login_every_time(db, demo_settings, tmp_path):
    first = run_demo_data()
    members_after_first = sorted(Member.objects.values_list("member_id", flat=True))
    second = run_demo_data()

    password = stored_password(tmp_path / CREDENTIALS_FILE)
    assert first.splitlines()[0] == (
        f"Demo data loaded: 7 demo members, the staff user {STAFF_USERNAME} (Administrator), "
        "the Trust & Safety demo (4 members, 6 staff logins), the trade demo (9 parts), the "
        "compliance demo (2 parts), the maintenance demo (1 part), the paid membership demo "
        "(2 parts), the verification demo (2 parts) and the promotions demo (2 parts)."
    )
    assert second.splitlines()[0] == "Demo data already loaded: nothing changed."
    for output in (first, second):
        assert f"  username         {STAFF_USERNAME}\n" in output
        assert f"  password         {password}\n" in output
        assert "http://127.0.0.1:8000/console/" in output
        assert DEMO_MEMBER_PASSWORD in output
        for member_id in members_after_first:
            assert member_id in output
    assert len(DEMO_MEMBERS) == 7
    assert Member.objects.count() == ALL_MEMBERS == 13
    assert sorted(Member.objects.values_list("member_id", flat=True)) == members_after_first
    assert User.objects.filter(username=STAFF_USERNAME).count() == 1
    assert TermsAcceptance.objects.count() == ALL_MEMBERS


def test_credentials_file_is_private(db, demo_settings, tmp_path):
    run_demo_data()

    mode = stat.S_IMODE((tmp_path / CREDENTIALS_FILE).stat().st_mode)

    assert mode == 0o600


def test_printed_credentials_log_in_to_the_console(db, demo_settings, tmp_path):
    run_demo_data()
    run_demo_data()
    password = stored_password(tmp_path / CREDENTIALS_FILE)
    client = Client()

    login = client.post(
        "/console/login/?next=/console/", {"username": STAFF_USERNAME, "password": password}
    )
    index = client.get("/console/")

    assert login.status_code == 302
    assert login.url == "/console/"
    assert index.status_code == 200
    staff = User.objects.get(username=STAFF_USERNAME)
    assert (staff.is_staff, staff.is_superuser) == (True, True)
    assert list(staff.groups.values_list("name", flat=True)) == [StaffRole.ADMINISTRATOR]


def test_demo_members_log_in_with_the_documented_password(db, demo_settings):
    run_demo_data()

    users = [m.user for m in Member.objects.select_related("user")]

    assert [u.check_password(DEMO_MEMBER_PASSWORD) for u in users] == [True] * ALL_MEMBERS
    assert set(Member.objects.values_list("status", flat=True)) == {MemberStatus.ACTIVE}


def test_demo_members_cover_every_branch_of_clause_2_1(db, demo_settings):
    run_demo_data()

    decided = {
        (m.country, m.access_country, m.site): (m.contracting_entity, m.contracting_rule)
        for m in Member.objects.filter(email__in=TOUR_EMAILS)
    }

    assert decided == {
        ("CN", "CN", "alibaba"): ("hangzhou", "from-mainland-china"),
        ("HK", "HK", "alibaba"): ("alibaba_hk", "from-hong-kong-or-macau"),
        ("DE", "DE", "alibaba"): ("alibaba_sg", "from-elsewhere"),
        ("US", "US", "alibaba"): ("alibaba_sg", "from-elsewhere"),
        ("RU", "RU", "aliexpress"): ("aliexpress_russia", "aliexpress-relevant-jurisdiction"),
        ("KZ", "KZ", "alibaba"): ("alibaba_sg", "alibaba-access-from-relevant-jurisdiction"),
        ("CN", "RU", "alibaba"): ("alibaba_sg", "alibaba-access-from-relevant-jurisdiction"),
    }


def test_a_missing_member_is_loaded_again_and_the_rest_left_alone(db, demo_settings):
    run_demo_data()
    kept = set(Member.objects.values_list("member_id", flat=True))
    gone = Member.objects.get(country="RU")  # a member with no listings, RFQs or orders
    gone.terms_acceptances.all().delete()
    gone.delete()
    gone.user.delete()

    output = run_demo_data()

    assert output.splitlines()[0] == "Demo data loaded: 1 demo member."
    assert Member.objects.count() == ALL_MEMBERS
    assert kept - {gone.member_id} < set(Member.objects.values_list("member_id", flat=True))


def test_the_stored_password_survives_a_new_database(db, demo_settings, tmp_path):
    run_demo_data()
    password = stored_password(tmp_path / CREDENTIALS_FILE)
    from tradepost.catalog.models import SupplierProfileChange

    SupplierProfileChange.objects.all().delete()  # the demo verifications name the staff user
    User.objects.filter(username=STAFF_USERNAME).delete()

    run_demo_data()

    assert stored_password(tmp_path / CREDENTIALS_FILE) == password
    assert User.objects.get(username=STAFF_USERNAME).check_password(password) is True


def test_demo_data_refuses_to_run_without_debug(db, settings, tmp_path):
    settings.DEBUG = False
    settings.DATA_DIR = tmp_path

    with pytest.raises(CommandError) as error:
        run_demo_data()

    assert str(error.value).startswith("demo_data creates a superuser with a known password")
    assert Member.objects.count() == 0
    assert not (tmp_path / CREDENTIALS_FILE).exists()


def test_demo_listings_are_posted_once_through_screening(db, demo_settings, tmp_path):
    from tradepost.catalog.models import LicenceGrant, Listing

    run_demo_data()
    run_demo_data()

    tour = Listing.objects.filter(supplier__email__in=TOUR_EMAILS)
    statuses = sorted(tour.values_list("status", flat=True))
    assert statuses == ["pending_review"] + ["published"] * 6 + ["rejected"]
    refused = tour.get(status="rejected")
    assert refused.screening["decision"] == "refuse"
    assert [m["rule"] for m in refused.screening["matches"]] == [
        "counterfeit.replica",
        "counterfeit.brand_authorisation",
    ]
    assert LicenceGrant.objects.count() == Listing.objects.count()


def test_demo_data_draws_demo_images_once(db, demo_settings):
    from tradepost.catalog.models import Certification, ListingImage, SupplierProfile

    run_demo_data()
    images = sorted(ListingImage.objects.values_list("listing_id", flat=True))
    run_demo_data()

    assert sorted(ListingImage.objects.values_list("listing_id", flat=True)) == images
    assert len(images) == 3 * len(set(images)) == 24
    assert ListingImage.objects.filter(thumbnail="").count() == 0
    with_logo = SupplierProfile.objects.exclude(logo="").exclude(banner_display="")
    assert with_logo.count() == 4
    assert Certification.objects.exclude(verified_at=None).count() == 1
