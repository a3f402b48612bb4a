"""Errors raised by the domain core."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. ``message`` is meant for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RuleViolation(DomainError):
    """A value that breaks a rule, naming the offending field (``units[3].area``)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the actor)."""
