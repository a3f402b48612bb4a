"""Property services' operations: each takes an ``Actor`` and runs as one transaction."""
