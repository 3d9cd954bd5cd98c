"""Per-report extraction stages (see pipeline.py for the order they run in)."""
