import pytest

from tests.conftest import ApiClient
from tests.factories import PASSWORD, member_create, staff_create
from tradepost.members.models import Member, User


def login_token(member: Member, *, remote_addr: str = "198.51.100.10") -> str:
    response = ApiClient(remote_addr=remote_addr).post(
        "/auth/login", {"login": member.member_id, "password": PASSWORD}
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def member(db) -> Member:
    return member_create(country="DE")


@pytest.fixture
def member_api(member) -> ApiClient:
    """An API client holding a bearer token for `member`."""
    return ApiClient(token=login_token(member))


@pytest.fixture
def staff(db) -> User:
    return staff_create(username="agent")
