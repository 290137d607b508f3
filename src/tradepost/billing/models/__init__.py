"""Billing's models, one module per part of the app (subscriptions, promotions, verification,
operations); each module's models are re-exported here."""

from tradepost.billing.models.operations import *  # noqa: F403
from tradepost.billing.models.promotions import *  # noqa: F403
from tradepost.billing.models.subscriptions import *  # noqa: F403
from tradepost.billing.models.verification import *  # noqa: F403
