"""Trust & Safety reads, one module per area."""
