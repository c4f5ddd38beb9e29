"""The unit of work a domain function reads and writes through, ORM or not.

The commands scripts and cron call many times a day (issue 29) read and write through a Core
``Connection``: importing SQLAlchemy's ORM costs them ~65-95 ms of their 350 (its import and its
share of the process's exit). The screens and the jobs keep their ORM ``Session``. A domain
function on both paths takes a ``Unit`` (either of them): one function per rule, whoever calls.
``CoreUnit`` speaks to a ``Connection`` as the domain speaks to a ``Session``: ``execute``,
``scalar``, ``scalars``, ``connection()``, ``get_bind()`` and ``flush()`` (nothing is pending in
Core: written is written).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.orm import Session


class CoreUnit:
    """A transaction's ``Connection`` with the part of ``Session``'s interface the domain uses."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.execute = connection.execute
        self.scalar = connection.scalar
        self.scalars = connection.scalars

    def connection(self) -> Connection:
        return self._connection

    def get_bind(self) -> Engine:
        return self._connection.engine

    def flush(self) -> None:
        """Nothing to write first: a Core statement is executed when it is called."""


if TYPE_CHECKING:
    Unit: TypeAlias = Session | CoreUnit
