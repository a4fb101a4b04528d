"""The catalogue: units, fields, services and counters (service points)."""
