"""The fund's tables, one module per stage: projects, per-unit accounts, emergency applications."""
