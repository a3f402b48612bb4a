"""Property services' forms, one module per part."""
