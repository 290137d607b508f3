"""Trust & Safety models, one module per area; each is imported here so Django finds it."""

from tradepost.trust.models.actions import Action, Appeal  # noqa: F401
from tradepost.trust.models.requests import (  # noqa: F401
    DisclosureRequest,
    InformationRequest,
    InformationRequestFile,
)
