"""Trade selectors, one module per area."""
