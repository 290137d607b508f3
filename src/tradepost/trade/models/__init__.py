"""Trade models, one module per area; each is imported here so Django finds it."""

from tradepost.trade.models.disputes import Dispute  # noqa: F401  (disputes, 7.3, 7.6)
from tradepost.trade.models.feedback import Feedback  # noqa: F401  (feedback, 3.6)
from tradepost.trade.models.idempotency import IdempotencyKey  # noqa: F401
from tradepost.trade.models.ledger import (  # noqa: F401  (protected payment, 7.1)
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from tradepost.trade.models.messaging import (  # noqa: F401  (inquiries and messages, 7.1)
    Conversation,
    Inquiry,
    Message,
    MessageAttachment,
    MessagingPreference,
)
from tradepost.trade.models.orders import (  # noqa: F401  (orders, 7.1)
    Order,
    OrderEvent,
    OrderLine,
)
from tradepost.trade.models.rfq import Quotation, Rfq, RfqAttachment  # noqa: F401  (RFQs, 7.1)
