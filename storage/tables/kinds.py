"""The kinds the tables store (a client's kind and status, a channel's kind, a portrait field's
kind of answer), apart from the tables: the import's parsing process reads rows by them and
loads no database layer, and screens show them."""

from __future__ import annotations

from enum import StrEnum


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    CHOICE = "choice"
    MULTI = "multi"
    BOOL = "bool"


class ClientKind(StrEnum):
    COMPANY = "company"
    PERSON = "person"


class ClientStatus(StrEnum):
    LEAD = "lead"
    PROSPECT = "prospect"
    CUSTOMER = "customer"


class ChannelKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    MESSENGER = "messenger"
