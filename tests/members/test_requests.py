"""request_user: the signed-in user of a request, or 403."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from tests.factories import member_create
from tradepost.members.requests import request_user


@pytest.mark.django_db
def test_request_user_is_the_signed_in_user():
    member = member_create()
    request = RequestFactory().get("/")
    request.user = member.user

    assert request_user(request) == member.user


def test_an_anonymous_request_is_refused():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied) as raised:
        request_user(request)

    assert str(raised.value) == "Sign in first."
