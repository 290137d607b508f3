"""Trust & Safety models, one module per area; each is imported here so Django finds it."""

from tradepost.trust.models.links import (  # noqa: F401  (related accounts, 4.1, 4.5, 6.2 i)
    IdentitySignal,
    Link,
    LinkStatus,
    MemberCluster,
    SharingAlert,
    SignalKind,
    SignalValue,
)
