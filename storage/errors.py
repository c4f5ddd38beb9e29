"""Storage failures a person can act on; their messages are shown as they are."""

from __future__ import annotations


class StorageError(Exception):
    """Base for errors whose message is a complete sentence for the user."""


class DatabaseUnavailable(StorageError):
    pass


class BadDatabaseURL(StorageError):
    pass


class SchemaTooNew(StorageError):
    pass
