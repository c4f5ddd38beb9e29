"""Reading a 1CClientBankExchange file: Windows-1251 text of ``key=value`` lines, a header, then
``СекцияДокумент=...`` ... ``КонецДокумента`` sections, ``КонецФайла`` at the end.

The whole file is read before anything is written: a file in another encoding or format is
refused in one line naming the line where it goes wrong, and nothing is stored.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from crm_tui.domain.documents.payments import PaymentIn, payment_reference
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.amounts import normalise_amount
from crm_tui.domain.values.dates import normalise_date
from crm_tui.domain.values.requisites import normalise_inn
from crm_tui.domain.values.text import normalise_text
from crm_tui.i18n import N_, Message

SIGNATURE = "1CClientBankExchange"
_MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class StatementDocument:
    line: int
    kind: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Statement:
    header: dict[str, str]
    documents: list[StatementDocument]


def _bad(line: int, msgid: str, **params: object) -> InvalidInput:
    return InvalidInput(
        "bank.format",
        N_("line {line}: {problem}"),
        line=line,
        problem=Message("bank.problem", msgid, **params),
    )


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
"""A byte sequence UTF-8 could have made: a line without one is no UTF-8 text (or plain ASCII)."""
_NEWLINE = re.compile(rb"\n")


def _decode(data: bytes) -> list[str]:
    """The lines in Windows-1251; the first line that reads as UTF-8 text, or holds a byte no
    Windows-1251 text has, is refused by its number. Only the lines holding a UTF-8-like sequence
    are tried as UTF-8, and the file is decoded once, so a statement of 10,000 payments is read in
    a fraction of a second."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise _bad(1, N_("the file is in UTF-8; a client-bank exchange file is in Windows-1251"))
    ends = [m.start() for m in _NEWLINE.finditer(data)]
    suspects = sorted({bisect_left(ends, m.start()) for m in _UTF8_SEQUENCE.finditer(data)})
    broken: int | None
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError as exc:
        broken = bisect_left(ends, exc.start)
    else:
        broken = None
    lines = data.split(b"\n")
    for index in suspects:
        if broken is not None and broken < index:
            break
        raw = lines[index]
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        raise _bad(index + 1, N_("the file is in UTF-8; a client-bank exchange file is in Windows-1251"))
    if broken is not None:
        raise _bad(broken + 1, N_("a byte that is no Windows-1251 text"))
    return [line.rstrip("\r") for line in text.split("\n")]


def read_statement(data: bytes) -> Statement:
    """The statement's header and documents, or ``bank.format`` naming the line."""
    lines = _decode(data)
    if not lines or lines[0].strip().lstrip("\ufeff") != SIGNATURE:
        raise _bad(1, N_("not a client-bank exchange file: it must start with 1CClientBankExchange"))
    header: dict[str, str] = {}
    documents: list[StatementDocument] = []
    current: StatementDocument | None = None
    in_account = False
    ended = False
    for number, text in enumerate(lines[1:], start=2):
        line = text.strip()
        if not line or ended:
            continue
        if line == "КонецФайла":
            ended = True
            continue
        if line == "КонецДокумента":
            if current is None:
                raise _bad(number, N_("КонецДокумента without СекцияДокумент"))
            documents.append(current)
            current = None
            continue
        if line == "КонецРасчСчет":
            in_account = False
            continue
        if line == "СекцияРасчСчет":
            in_account = True
            continue
        key, sep, value = line.partition("=")
        if not sep or not key:
            raise _bad(number, N_("{text!r} is not key=value"), text=line[:60])
        if key == "СекцияДокумент":
            if current is not None:
                raise _bad(number, N_("a new СекцияДокумент before КонецДокумента"))
            current = StatementDocument(number, value.strip(), {})
        elif current is not None:
            current.fields[key] = value.strip()
        elif not in_account:
            header[key] = value.strip()
    if current is not None:
        raise _bad(current.line, N_("СекцияДокумент is not closed by КонецДокумента"))
    if not ended:
        raise _bad(len(lines), N_("the file ends without КонецФайла: it is cut short"))
    return Statement(header, documents)


def read_file(path: Path) -> bytes:
    """The file's bytes; a missing file, a folder or one we may not read refused in one line of
    the catalogue naming it (never the system's English message)."""
    try:
        if path.is_dir():
            raise InvalidInput(
                "bank.folder", N_("{file}: a folder, not a bank statement file"), file=str(path)
            )
        if path.stat().st_size > _MAX_BYTES:
            raise InvalidInput("bank.too_big", N_("{file}: larger than 200 MB"), file=str(path))
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("bank.missing", N_("{file}: no such file"), file=str(path)) from None
    except PermissionError:
        raise InvalidInput("bank.forbidden", N_("{file}: no permission to read it"), file=str(path)) from None
    except OSError:
        raise InvalidInput("bank.unreadable", N_("{file}: the file cannot be read"), file=str(path)) from None


def _text(value: str) -> str:
    return normalise_text(value).value or ""


def incoming(statement: Statement, our_inn: str, our_account: str) -> list[tuple[int, PaymentIn]]:
    """The payments to us (``line``, payment): documents whose payee is our INN or account (every
    document when we have neither), each with its identity; a bad amount or date names its line."""
    found: list[tuple[int, PaymentIn]] = []
    for doc in statement.documents:
        f = doc.fields
        payee_inn, payee_account = f.get("ПолучательИНН", ""), f.get("ПолучательСчет", "")
        if (our_inn or our_account) and payee_inn != our_inn and payee_account != our_account:
            continue
        amount = normalise_amount(f.get("Сумма", "")).value
        if amount is None or amount <= 0:
            raise _bad(doc.line, N_("Сумма {text!r} is not an amount"), text=f.get("Сумма", ""))
        day = normalise_date(f.get("ДатаПоступило") or f.get("Дата", "")).value
        if day is None:
            raise _bad(doc.line, N_("Дата {text!r} is not a date"), text=f.get("Дата", ""))
        inn = normalise_inn(f.get("ПлательщикИНН", "")).value
        payer = f.get("Плательщик1") or f.get("Плательщик", "")
        key = "|".join((f.get("Дата", ""), f.get("Номер", ""), f.get("ПлательщикИНН", ""),
                        f.get("ПлательщикСчет", ""), str(amount), payee_account))  # fmt: skip
        identity = "bank:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        purpose = _text(f.get("НазначениеПлатежа", ""))
        written = f.get("Дата", "")  # the payment order's own date, which 1C's payment keeps
        arrived = f.get("ДатаПоступило") or written
        ordered = day if arrived == written else normalise_date(written).value or day
        reference = payment_reference(f.get("Номер", ""), ordered, amount, inn)
        found.append(
            (doc.line, PaymentIn(identity, amount, day, inn, _text(payer), purpose, "bank", reference))
        )
    return found
