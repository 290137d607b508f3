"""Trust & Safety pages, one module per area: the members' information requests and the
public transparency report. Thin: parse, call a service or selector, render."""
