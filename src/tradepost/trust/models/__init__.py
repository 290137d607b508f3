"""Trust & Safety models, one module per area; each is imported here so Django finds it."""

from tradepost.trust.models.actions import Action, Appeal  # noqa: F401
from tradepost.trust.models.cases import (  # noqa: F401  (complaints and cases, 5.4, 6.3, 6.5)
    Case,
    CaseEvidence,
    CaseStatus,
    Complaint,
    ComplaintSource,
    ComplaintStatus,
    Ground,
)
from tradepost.trust.models.evidence import AppealEvidence  # noqa: F401  (appeals, DSA Art. 20)
from tradepost.trust.models.ip import (  # noqa: F401  (rights claims, 5.4, 6.1 iv)
    ClaimStatus,
    CounterNotice,
    IPClaim,
    IPClaimListing,
    IPDocument,
    IPRight,
    RightKind,
    RightStatus,
)
from tradepost.trust.models.links import (  # noqa: F401  (related accounts, 4.1, 4.5, 6.2 i)
    IdentitySignal,
    Link,
    LinkStatus,
    MemberCluster,
    SharingAlert,
    SignalKind,
    SignalValue,
)
from tradepost.trust.models.penalties import (  # noqa: F401  (points and strikes, 6.2)
    IPStrike,
    PenaltyPoint,
    PrescriptionStatus,
)
from tradepost.trust.models.requests import (  # noqa: F401
    DisclosureRequest,
    InformationRequest,
    InformationRequestFile,
)
