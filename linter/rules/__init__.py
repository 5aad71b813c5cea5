"""Built-in Python rules (one module each, `acgNNN_<name>.py`) and the registry."""
