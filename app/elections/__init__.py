"""Nominations, vetting, committees and their terms."""
