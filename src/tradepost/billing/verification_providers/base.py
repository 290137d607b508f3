"""The verification provider interface (clause 7.2): who checks a supplier's claims.

The built-in provider is manual: staff compare the claims with the documents and official
registers and record each check. A third-party provider (a company-registry or KYB service)
implements the same small interface; it may answer some checks at once and leave the rest
to staff. Providers return results rather than raising, so the service decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ClaimIn:
    """A field the supplier asks to have verified and the value it claims."""

    field: str
    claimed_value: str


@dataclass(frozen=True)
class ProviderCheck:
    """What a provider found for one field: `result` is a `CheckResult` value."""

    field: str
    result: str
    verified_value: str = ""
    note: str = ""


@dataclass(frozen=True)
class ProviderSubmission:
    reference: str = ""
    checks: list[ProviderCheck] = field(default_factory=list)


class VerificationProvider(Protocol):
    name: str

    def submit(
        self, *, request_id: int, country: str, claims: list[ClaimIn]
    ) -> ProviderSubmission: ...
