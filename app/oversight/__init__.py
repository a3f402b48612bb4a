"""Certification, orders, petitions, the street office dashboard."""
