"""The fund's forms, one module per stage."""
