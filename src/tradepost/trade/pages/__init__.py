"""Trade pages, one module per area."""
