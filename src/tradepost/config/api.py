"""The JSON API root: mounts every app's router and maps errors to HTTP in one place.

Every error answers {"error": {"code", "message", "fields"}} with a 4xx status.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from tradepost.errors import DomainError, Throttled

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal API token (or the login token)."""

    def authenticate(self, request: HttpRequest, token: str):
        from tradepost.members.services import api_token_authenticate

        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SessionCookie(APIKeyCookie):
    """The web session (CSRF-checked for unsafe methods), for pages that call the API."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Tradepost API",
    version="1",
    description=(
        "Tradepost: a B2B marketplace whose Terms of Use are executable rules. "
        "Authenticate with `Authorization: Bearer <token>` (POST /auth/login or a personal "
        "API token) or the web session cookie."
    ),
    auth=[BearerToken(), SessionCookie()],
    urls_namespace="api",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields=None, **extra
) -> HttpResponse:
    body = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return api.create_response(request, {"error": body}, status=status)


def _loc_to_field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    response = api.create_response(request, {"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_loc_to_field(err.get("loc", ())), []).append(err.get("msg", "Invalid"))
    return error_response(request, 422, "invalid_input", "The request has invalid fields.", fields)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return error_response(request, 401, "not_authenticated", "Log in or send a valid API token.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = "malformed_request" if exc.status_code == 400 else "http_error"
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON (UTF-8)."
    return error_response(request, exc.status_code, code, message)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return error_response(request, 413, "payload_too_large", "The request body is too large.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, 403, "permission_denied", "You may not do that.")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("Unhandled API error", exc_info=exc)
    return error_response(request, 500, "server_error", "Something went wrong on our side.")


def _mount() -> None:
    from tradepost.members.api import auth_router
    from tradepost.members.api import router as members_router

    api.add_router("/auth", auth_router, tags=["auth"])
    api.add_router("/", members_router, tags=["members"])


_mount()
