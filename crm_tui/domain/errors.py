"""Domain failures whose message is a complete line for the user."""

from __future__ import annotations


class DomainError(Exception):
    pass


class UnknownUser(DomainError):
    pass


class NotFound(DomainError):
    pass


class AccessDenied(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class StaleEdit(DomainError):
    """Someone saved the record after it was read; the edit was refused, not merged."""
