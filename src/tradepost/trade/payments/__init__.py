"""Payment providers behind one small interface; the built-in one is SIMULATED (no money
moves anywhere): it is the embedded default for development, tests and demos."""

from __future__ import annotations

from tradepost.trade.payments.base import PaymentProvider
from tradepost.trade.payments.simulated import SimulatedProvider

_provider: PaymentProvider | None = None


def payment_provider() -> PaymentProvider:
    """The provider in use: the SIMULATED one (the only one built in). Tests may swap it
    with `set_payment_provider`."""
    return _provider or SimulatedProvider()


def set_payment_provider(provider: PaymentProvider | None) -> None:
    global _provider
    _provider = provider
