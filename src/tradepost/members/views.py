"""Member pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "members/register.html")


def login_view(request: HttpRequest) -> HttpResponse:
    return render(request, "members/login.html")


def logout_view(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def account(request: HttpRequest) -> HttpResponse:
    return render(request, "members/account.html")


def lockout_response(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes lockout: 429 with a message (JSON for the API, a page otherwise)."""
    if response is not None and response.status_code == 429:
        return response
    message = (
        "Too many failed login attempts for this account from your address. "
        "Try again later or reset your password."
    )
    if request.path.startswith("/api/"):
        body = {"error": {"code": "login_throttled", "message": message, "fields": {}}}
        return JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
    resp = render(request, "members/login.html", {"throttled": message}, status=429)
    return resp
