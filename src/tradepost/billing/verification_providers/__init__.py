"""Verification providers behind one small interface (clause 7.2); the built-in one is manual
(staff record the checks). Tests and deployments may swap it with `set_verification_provider`."""

from __future__ import annotations

from tradepost.billing.verification_providers.base import VerificationProvider
from tradepost.billing.verification_providers.manual import ManualProvider

_provider: VerificationProvider | None = None


def verification_provider() -> VerificationProvider:
    return _provider or ManualProvider()


def set_verification_provider(provider: VerificationProvider | None) -> None:
    global _provider
    _provider = provider
