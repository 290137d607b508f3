"""The audit trail: one append-only record of every staff action, status change, enforcement
step and disclosure, written by every app (it sits below them all)."""
