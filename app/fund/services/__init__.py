"""The fund's services, one module per stage: projects, deposit files, per-unit accounts, emergency applications, deadlines."""
