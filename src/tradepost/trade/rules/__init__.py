"""Trade rules, one module per area."""
