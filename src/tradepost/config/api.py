"""The JSON API root: mounts every app's router and maps errors to HTTP in one place.

Every error answers {"error": {"code", "message", "fields"}} with a 4xx status.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from tradepost.errors import DomainError, Throttled
from tradepost.members.api_auth import BearerToken, SessionCookie

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


class UnsupportedMediaType(Exception):
    """The body is not declared as JSON."""


class JSONParser(Parser):
    """Parse a body only when it is declared JSON. An HTML form on another site can post
    text/plain or form-encoded bodies without a CORS preflight (a login CSRF); it cannot post
    application/json."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        content_type = (request.content_type or "").lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(content_type)
        return super().parse_body(request)


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "Stable, for programs."},
                "message": {"type": "string", "description": "For people."},
                "fields": {
                    "type": "object",
                    "description": "Field name to its messages; empty when no field is at fault.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

# Every operation can answer these (the body, the path's object, a rule, a limit).
ERROR_RESPONSES: dict[str, str] = {
    "400": "The request cannot be read (malformed JSON or multipart body).",
    "401": "Not authenticated: log in or send a valid API token (or wrong credentials).",
    "403": "Not allowed: a rule refused it, Terms or an agreement must be accepted first, or a "
    "session-authenticated change came without its CSRF token.",
    "404": "Not found, or not yours (the two answer alike).",
    "409": "Conflicts with the current state.",
    "413": "The request body is too large.",
    "422": "Invalid fields; `fields` names each with its messages.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
}
MEDIA_TYPE_ERROR = ("415", "The body is not sent in the media type this operation takes.")
# Clause 9.1: while a read-only maintenance window is in progress (tradepost.billing.middleware).
MAINTENANCE_ERROR = (
    "503",
    "Read-only maintenance (code `maintenance`): nothing was changed; retry after "
    "`Retry-After` seconds.",
)
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def document_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Publish the one error shape for every 4xx each operation can answer, so clients (and
    the schemathesis run in CI) know every status the API may give; codes an operation
    already documents keep their own entry."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            errors = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                errors[MEDIA_TYPE_ERROR[0]] = MEDIA_TYPE_ERROR[1]
            if method.lower() in WRITE_METHODS:
                errors[MAINTENANCE_ERROR[0]] = MAINTENANCE_ERROR[1]
            responses = operation.setdefault("responses", {})
            documented = {str(status) for status in responses}
            for status, description in sorted(errors.items()):
                if status in documented:
                    continue
                responses[int(status)] = {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
    return schema


class TradepostAPI(NinjaAPI):
    """NinjaAPI whose every answer under the mount point is the JSON error shape, even for a
    method a path does not take (405) or a path that does not exist (404)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_error_responses(schema)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and not asyncio.iscoroutinefunction(
                pattern.callback
            ):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        urls.append(re_path(r"^", _unknown_path, name="unknown-path"))
        return urls


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allow = response.get("Allow", "")
            response = error_response(
                request, 405, "method_not_allowed", f"This path takes: {allow}."
            )
            response["Allow"] = allow
        return response

    return wrapper


@csrf_exempt
def _unknown_path(request: HttpRequest) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


api = TradepostAPI(
    title="Tradepost API",
    version="1",
    description=(
        "Tradepost: a B2B marketplace whose Terms of Use are executable rules. "
        "Authenticate with `Authorization: Bearer <token>` (POST /auth/login or a personal "
        "API token) or the web session cookie."
    ),
    auth=[BearerToken(), SessionCookie()],
    parser=JSONParser(),
    urls_namespace="api",
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    **extra: Any,
) -> HttpResponse:
    body = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return api.create_response(request, {"error": body}, status=status)


def _loc_to_field(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, {"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_loc_to_field(err.get("loc", ())), []).append(err.get("msg", "Invalid"))
    return error_response(request, 422, "invalid_input", "The request has invalid fields.", fields)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "not_authenticated", "Log in or send a valid API token.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, UnsupportedMediaType):
        return error_response(
            request, 415, "unsupported_media_type", "Send the body as application/json."
        )
    code = "malformed_request" if exc.status_code == 400 else "http_error"
    message = str(exc)
    if exc.status_code == 403 and "CSRF" in message:
        code, message = "csrf_failed", "Send the CSRF token with a session-authenticated change."
    if message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON (UTF-8)."
    return error_response(request, exc.status_code, code, message)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "payload_too_large", "The request body is too large.")


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """Any endpoint that takes files or form fields: a multipart body Django cannot read (no
    boundary, a truncated part) is the client's error, not ours."""
    return error_response(
        request,
        400,
        "malformed_request",
        "The body is not valid multipart/form-data (send it with a boundary and whole parts).",
    )


@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def _bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Django's own refusals of a request (too many form fields or files, and the like)."""
    return error_response(request, 400, "malformed_request", "The request cannot be processed.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "permission_denied", "You may not do that.")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error", exc_info=exc)
    return error_response(request, 500, "server_error", "Something went wrong on our side.")


def _mount() -> None:
    from tradepost.billing.api import router as billing_router
    from tradepost.billing.api import staff_router as billing_staff_router
    from tradepost.billing.liability_api import staff_router as liability_staff_router
    from tradepost.billing.operations_api import router as operations_router
    from tradepost.billing.promotions_api import router as promotions_router
    from tradepost.billing.subscriptions_api import router as billing_subscriptions_router
    from tradepost.billing.verification_api import router as verification_router
    from tradepost.catalog.api import router as catalog_router
    from tradepost.catalog.member_api import router as member_account_router
    from tradepost.catalog.search_api import router as search_router
    from tradepost.compliance.api import router as compliance_staff_router
    from tradepost.members.api import auth_router
    from tradepost.members.api import router as members_router
    from tradepost.notices.api import router as notices_router
    from tradepost.terms.api import router as terms_router
    from tradepost.terms.registration_api import router as registration_router
    from tradepost.trade.api import member_router as trade_member_router
    from tradepost.trade.api import staff_router as trade_staff_router
    from tradepost.trust.api import member_router as trust_member_router
    from tradepost.trust.api import staff_router

    api.add_router("/auth", auth_router, tags=["auth"])
    api.add_router("/", registration_router, tags=["members"])
    api.add_router("/", member_account_router, tags=["members"])
    api.add_router("/", members_router, tags=["members"])
    api.add_router("/", catalog_router, tags=["catalog"])
    api.add_router("/", search_router, tags=["search"])
    api.add_router("/notices", notices_router, tags=["notices"])
    api.add_router("/terms", terms_router, tags=["terms"])
    api.add_router("/staff", staff_router, tags=["staff"])
    api.add_router("/", trust_member_router, tags=["trust"])
    api.add_router("/", trade_member_router, tags=["trade"])
    api.add_router("/staff", trade_staff_router, tags=["staff"])
    api.add_router("/staff", compliance_staff_router, tags=["staff"])
    api.add_router("/", billing_router, tags=["billing"])
    api.add_router("/staff", billing_staff_router, tags=["staff"])
    api.add_router("/", promotions_router, tags=["billing"])
    api.add_router("/", billing_subscriptions_router, tags=["billing"])
    api.add_router("/", verification_router, tags=["billing"])
    api.add_router("/", operations_router, tags=["billing"])
    api.add_router("/staff", liability_staff_router, tags=["staff"])


_mount()
