"""The operator console (Django admin at /console/) for members: thin, read-mostly, every change
a service.

Members edit their own profile (5.2), so staff see member records read-only. The staff
actions the Terms give the operator (second accounts under 4.1, revoking API tokens) go through
`tradepost.members.services`, which write the domain audit rows naming the staff member; the
console adds a LogEntry to the object's history as well. Status changes (4.5, 6.2 i) are
enforcement: `tradepost.trust.admin` adds them to the member page.

logins     staff and member logins, staff roles
members    the member record and its read-only histories
accounts   duplicate signals and second-account approvals (4.1)
audit      status changes, profile revisions, API tokens
"""

from tradepost.members.admin import accounts, audit, logins, members  # noqa: F401
from tradepost.members.admin.members import MemberAdmin

__all__ = ["MemberAdmin"]
