"""The operator console's trade pages, one module per area."""
