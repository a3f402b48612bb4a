"""The fund's services, one module per stage: projects, per-unit accounts, emergency applications, deadlines."""
