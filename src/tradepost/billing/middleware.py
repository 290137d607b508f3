"""Read-only mode (clause 9.1): while a read-only maintenance window or incident is in
progress, every write answers 503 with `Retry-After`; reads keep working and nothing is half
written, since the write never reaches a view.

The check reads the cached list of open windows (`selectors.operations.open_windows`): no
query on most requests, one when the cache has expired. Logging in and out and choosing the
language stay writable for everyone, and the console pages that end a window stay writable for
staff (`[read_only]` in operations.toml).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from tradepost.billing.selectors.operations import read_only_decision
from tradepost.policy.operations import load_operations_policy

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/api/"


class ReadOnlyModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in WRITE_METHODS or self._always_writable(request):
            return self.get_response(request)
        decision = read_only_decision()
        if not decision.read_only or decision.window is None:
            return self.get_response(request)
        message = _(
            "%(title)s: the site is read-only for maintenance. Nothing was changed; "
            "please try again later."
        ) % {"title": decision.window.title}
        response: HttpResponse
        if request.path.startswith(API_PREFIX):
            response = JsonResponse(
                {
                    "error": {
                        "code": "maintenance",
                        "message": message,
                        "fields": {},
                        "retry_after": decision.retry_after,
                        "window_id": decision.window.id,
                        "clause": decision.clause,
                    }
                },
                status=503,
            )
        else:
            response = TemplateResponse(
                request,
                "billing/operations/read_only.html",
                {
                    "message": message,
                    "window": decision.window,
                    "retry_after": decision.retry_after,
                },
                status=503,
            )
            response.render()
        response["Retry-After"] = str(decision.retry_after)
        return response

    @staticmethod
    def _always_writable(request: HttpRequest) -> bool:
        policy = load_operations_policy().read_only
        path = request.path
        if any(path.startswith(prefix) for prefix in policy.writable_paths):
            return True
        user = getattr(request, "user", None)
        return bool(
            user is not None
            and user.is_authenticated
            and user.is_staff
            and any(path.startswith(prefix) for prefix in policy.staff_writable_paths)
        )
