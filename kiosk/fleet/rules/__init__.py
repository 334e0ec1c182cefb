"""Shipped Prometheus rule files (YAML data, read with importlib.resources)."""
