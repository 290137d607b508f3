"""Billing's JSON API (issue 13), mounted under /api/v1/."""

from ninja import Router

router = Router()
staff_router = Router()
