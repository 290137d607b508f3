"""Trade services, one module per area."""
