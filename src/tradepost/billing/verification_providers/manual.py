"""The built-in manual provider: nothing is checked automatically; staff record every check
in the console."""

from __future__ import annotations

from tradepost.billing.verification_providers.base import ClaimIn, ProviderSubmission


class ManualProvider:
    name = "manual"

    def submit(self, *, request_id: int, country: str, claims: list[ClaimIn]) -> ProviderSubmission:
        return ProviderSubmission(reference=f"manual:{request_id}")
