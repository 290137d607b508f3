"""Payment providers behind one small interface; the built-in one is SIMULATED (no money
moves anywhere): it is the embedded default for development, tests and demos."""
