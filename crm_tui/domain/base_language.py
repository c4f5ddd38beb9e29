"""The base's language: what the system writes into a base is in it, whoever reads it later.

A base gets its language once, when it is created: the language in force for whoever creates it
(``crm_tui.i18n``: the settings, ``CRM_LOCALE`` or ``LANG=ru_RU.UTF-8``). The shipped funnel, its
stages, lost reasons and playbooks, the portrait's fields, and the tasks the system opens by
itself (a stuck deal's reminder, a refusal to analyse, a segment's call) are written in it; a
Russian manager opening an English base later sees its stages as they were named, and nothing
stored is ever renamed. A base made before bases had a language was made in English.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.i18n import LANGUAGES, current_locale, in_language
from crm_tui.storage.tables.deals import pipelines

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

BASE_LANGUAGE_KEY = "base.language"
FORMER_LANGUAGE = "en"
"""The language of a base made before bases had one."""


def base_language(session: Unit) -> str:
    """The language the base was created in."""
    return language_of_setting(get_setting(session, BASE_LANGUAGE_KEY))


def language_of_setting(stored: object) -> str:
    return stored if isinstance(stored, str) and stored in LANGUAGES else FORMER_LANGUAGE


def settle_base_language(session: Unit, now: datetime, language: str | None = None) -> str:
    """Give a new base (no pipeline yet) ``language``, by default the language in force, once; a
    base that has its funnel already keeps the language it has (``base_language``)."""
    stored = get_setting(session, BASE_LANGUAGE_KEY)
    if stored in LANGUAGES:
        return str(stored)
    new = session.scalar(select(pipelines.c.id).limit(1)) is None
    language = (language or current_locale()) if new else FORMER_LANGUAGE
    put_setting(session, BASE_LANGUAGE_KEY, language, at=now, user_id=None)
    return language


def base_text(session: Unit, context: str, message: str) -> str:
    """``message`` (a msgid of ``context``, marked with ``NC_``) in the base's language."""
    return in_language(base_language(session), message, context=context)
