"""The service catalogue: data-defined public services (release 1), their schema, loader and holidays."""
