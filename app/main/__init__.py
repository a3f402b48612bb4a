"""Home page, language switch, health."""
