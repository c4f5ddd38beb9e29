"""Storage failures a person can act on: one line, worded when shown, with a stable code."""

from __future__ import annotations

from crm_tui.i18n import MessageError


class StorageError(MessageError):
    """Base for errors whose text is a complete sentence for the user (see ``MessageError``)."""

    default_code = "storage_error"


class DatabaseUnavailable(StorageError):
    default_code = "database.unavailable"


class BadDatabaseURL(StorageError):
    default_code = "database.bad_url"


class SchemaTooNew(StorageError):
    default_code = "database.schema_too_new"


class DatabaseMissing(StorageError):
    """A database file that is not there, where nothing asked for a new one: a mistyped path
    must not quietly become an empty base."""

    default_code = "database.missing"
