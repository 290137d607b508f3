"""Mail backends for the tests: a server that is down, and one that refuses the message."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    """Every send raises, as an SMTP server that drops the connection does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingEmailBackend(BaseEmailBackend):
    """Answers without accepting anything (sent count 0)."""

    def send_messages(self, email_messages):
        return 0
