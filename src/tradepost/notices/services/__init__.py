"""Use cases that change notice state (clauses 1.3, 11.1, 11.2). One function per use case.

Deemed receipt is decided by `rules.deemed_receipt` from what the platform recorded and kept
at the earliest qualifying event (`rules.earliest_receipt`). Side effects (queueing email
sends, starting a fan-out) run on commit; if one is lost, the rows it would have acted on
are still pending and the `retry` and `fanout` commands pick them up.

issuing    notices to members: issue, record a physical dispatch, mark read (11.2)
emails     the email of a notice: send, retry with backoff, sweep, re-arm (11.2 a)
campaigns  a new Terms version: public posting and batched fan-out (1.3, 11.2 b)
inbound    legal notices to the platform (11.1)
"""

from tradepost.notices.services.campaigns import (
    COPY_NOTE,
    DEFAULT_BATCH_SIZE,
    notice_campaign_batch,
    notice_campaign_resume,
    notice_campaign_run,
    terms_update_post,
)
from tradepost.notices.services.emails import (
    RETRY_SWEEP_GRACE,
    SEND_LEASE,
    SEND_RECORD_CHUNK,
    SendReport,
    email_deliveries_rearm,
    email_deliveries_retry_due,
    email_deliveries_send,
)
from tradepost.notices.services.inbound import inbound_notice_register
from tradepost.notices.services.issuing import (
    notice_issue,
    notice_mark_read,
    notice_record_dispatch,
)

__all__ = [
    "COPY_NOTE",
    "DEFAULT_BATCH_SIZE",
    "RETRY_SWEEP_GRACE",
    "SEND_LEASE",
    "SEND_RECORD_CHUNK",
    "SendReport",
    "email_deliveries_rearm",
    "email_deliveries_retry_due",
    "email_deliveries_send",
    "inbound_notice_register",
    "notice_campaign_batch",
    "notice_campaign_resume",
    "notice_campaign_run",
    "notice_issue",
    "notice_mark_read",
    "notice_record_dispatch",
    "terms_update_post",
]
