"""Domain errors: one error per meaning, whichever app raises it."""

from tradepost import errors
from tradepost.catalog import services as catalog_services
from tradepost.members import services as member_services


def test_account_not_active_is_one_error_for_every_app():
    assert member_services.AccountNotActive is errors.AccountNotActive
    assert catalog_services.AccountNotActive is errors.AccountNotActive
    assert issubclass(errors.AccountNotActive, errors.PermissionDeniedError)
    assert (errors.AccountNotActive.code, errors.AccountNotActive.status) == (
        "account_not_active",
        403,
    )
