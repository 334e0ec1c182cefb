"""The service catalogue: data-defined public services (services.md §6), their schema, loader and holidays."""
