"""Use cases that change member state. One function per use case, each in a transaction.

Split along the domain's seams; every name is importable from here.
"""

from tradepost.members.services.access import (  # noqa: F401
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    api_token_revoke_by_staff,
    member_authenticate,
    member_status_set,
)
from tradepost.members.services.common import (  # noqa: F401
    REGISTRATION_NUMBER_MAX_LENGTH,
    ROLES,
    SECOND_ACCOUNT_APPROVAL_DAYS,
    AccountNotActive,
    DuplicateAccount,
    InvalidCredentials,
    SecondAccountAlreadyApproved,
)
from tradepost.members.services.profile import (  # noqa: F401
    EDITABLE_FIELDS,
    member_update_profile,
    referee_add,
    referee_remove,
)
from tradepost.members.services.registration import (  # noqa: F401
    RegistrationInput,
    member_create,
    registration_clean,
    registration_refusal_record,
    second_account_approve,
)
