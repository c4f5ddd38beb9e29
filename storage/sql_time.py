"""Date arithmetic that SQLite and PostgreSQL spell differently, in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, extract, func, type_coerce
from sqlalchemy.engine import Dialect


def days_between(
    dialect: Dialect, later: ColumnElement[Any], earlier: ColumnElement[Any]
) -> ColumnElement[float]:
    """``later - earlier`` in days (fractional), for two dates or two timestamps."""
    if dialect.name == "sqlite":
        return type_coerce(func.julianday(later) - func.julianday(earlier), Float)
    return type_coerce(extract("epoch", later - earlier) / 86400.0, Float)
