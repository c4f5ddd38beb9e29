"""The one translation function every user-visible string goes through.

English is the source language. A locale is a plain mapping from the English text to its
translation, so adding Russian means adding a catalogue, not touching screens. Which language is
in force is a setting (``crm_tui.config``: the settings file, ``CRM_LOCALE``); the entry points
call ``set_locale`` before they import the screens, whose labels are translated at import.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "ru")
"""The languages a locale may ask for; one without a catalogue yet shows English."""

_CATALOGUES: dict[str, dict[str, str]] = {"en": {}}
_locale = "en"
_LOCALE_NAME = re.compile(r"([A-Za-z]{2,3})(?:[_-][A-Za-z]{2})?(?:\.[\w-]+)?(?:@\w+)?")


def language_of(locale: str) -> str | None:
    """The language of a locale name (``ru``, ``ru_RU.UTF-8``, ``en-GB``; ``C`` and ``POSIX`` are
    English), or None if it is not a locale name or not a language of ``LANGUAGES``."""
    text = locale.strip()
    if text in ("C", "POSIX", "C.UTF-8"):
        return "en"
    found = _LOCALE_NAME.fullmatch(text)
    language = found.group(1).lower() if found else None
    return language if language in LANGUAGES else None


def set_locale(language: str) -> None:
    """Translate into ``language`` (one of ``LANGUAGES``) from now on."""
    global _locale
    _locale = language


def current_locale() -> str:
    """The language in force."""
    return _locale


def register_catalogue(locale: str, messages: dict[str, str]) -> None:
    _CATALOGUES.setdefault(locale, {}).update(messages)


def _(message: str) -> str:
    return _CATALOGUES.get(_locale, {}).get(message, message)
