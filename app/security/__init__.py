"""Authorization: named permission predicates, checked in the service layer."""
