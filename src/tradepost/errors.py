"""Domain errors. Services raise these; `tradepost.config.api` maps them to HTTP once."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the platform said no. `code` is stable for clients; `status` is the HTTP 4xx."""

    code = "domain_error"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "fields": self.fields}
        body.update(self.extra)
        return body


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422


class NotFound(DomainError):
    """Missing and not-yours look the same (no ID probing)."""

    code = "not_found"
    status = 404


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403


class AccountNotActive(PermissionDeniedError):
    """The member's account is suspended, terminated or disabled (clauses 4.5, 6.2 i): it may
    not log in, use the API or act. One error for that one meaning, in every app."""

    code = "account_not_active"


class TradeRestricted(PermissionDeniedError):
    """Clause 5.13: compliance screening stops this order or RFQ; `extra` names the rule and
    the clause (never a sanctions-list entry)."""

    code = "trade_restricted"


class FeatureRestricted(PermissionDeniedError):
    """A disciplinary action in force takes this feature away from the member (clause 6.2 ii,
    iv); `extra` names the feature, the action and its clause."""

    code = "feature_restricted"


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Throttled(DomainError):
    code = "throttled"
    status = 429

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
