import pytest

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tests.members.conftest import login_token
from tradepost.catalog import search
from tradepost.members.models import Member, User

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def indexed(monkeypatch) -> list:
    """Records every call to the search index (catalog.search.index_listing)."""
    calls: list = []
    monkeypatch.setattr(
        search, "index_listing", lambda listing: calls.append((listing.pk, listing.status))
    )
    return calls


@pytest.fixture
def supplier(db) -> Member:
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def supplier_api(supplier) -> ApiClient:
    return ApiClient(token=login_token(supplier))


@pytest.fixture
def moderator(db) -> User:
    return staff_create(username="moderator", superuser=True)


@pytest.fixture
def console(client, moderator):
    client.force_login(moderator, backend=LOGIN_BACKEND)
    return client


@pytest.fixture
def supplier_client(client, supplier):
    client.force_login(supplier.user, backend=LOGIN_BACKEND)
    return client
