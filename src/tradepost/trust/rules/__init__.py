"""Trust & Safety pure decisions, one module per area (no database, no clock of their own)."""
