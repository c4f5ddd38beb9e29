"""The one translation function every user-visible string goes through.

English is the source language. A locale is a plain mapping from the English text to its
translation, so adding Russian means adding a catalogue, not touching screens.
"""

from __future__ import annotations

import os

_CATALOGUES: dict[str, dict[str, str]] = {"en": {}}
_locale = "en"


def set_locale(locale: str) -> None:
    global _locale
    _locale = locale if locale in _CATALOGUES else "en"


def register_catalogue(locale: str, messages: dict[str, str]) -> None:
    _CATALOGUES.setdefault(locale, {}).update(messages)


def _(message: str) -> str:
    return _CATALOGUES.get(_locale, {}).get(message, message)


set_locale(os.environ.get("CRM_LOCALE", "en"))
