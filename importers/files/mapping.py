"""Which column is which: suggested from the header text, overridden by the person importing.

Every manager names columns differently ("Тел.", "Телефоны", "Phone number", "Моб."). Headers
are folded (case, ё, punctuation) and compared with a RU/EN synonym list: an exact synonym scores
100, a header that contains a synonym plus a word or two ("Контактный телефон", "Телефон 2")
scores a little less, a typo is caught by rapidfuzz's ratio. Below the threshold a column stays
unmapped and the caller decides (custom field, note, ignore). Explicit mappings (``--map``, a
TOML file, a remembered mapping found by ``header_signature``) always win.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from os import PathLike
from pathlib import Path

from crm_tui.domain.imports.errors import MappingError
from crm_tui.domain.imports.mapping import (
    FIELDS,
    IGNORE,
    MULTI_VALUED,
    PORTRAIT_PREFIX,
    ColumnMap,
    ColumnMapping,
    PortraitTarget,
    column_letter,
    portrait_key,
)
from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import N_, Quoted
from crm_tui.importers.files.vocabulary import Vocabulary, fold_header

DEFAULT_THRESHOLD = 80

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "наименование", "наименование клиента", "наименование организации", "наименование компании",
        "наименование контрагента", "полное наименование", "название", "название компании",
        "компания", "организация", "клиент", "контрагент", "покупатель", "заказчик",
        "client", "client name", "company", "company name", "customer", "organization", "organisation",
        "account", "account name", "name",
    ),
    "legal_form": (
        "форма собственности", "организационно правовая форма", "опф", "правовая форма", "legal form",
    ),
    "inn": (
        "инн", "инн клиента", "инн организации", "инн контрагента", "tax id", "inn", "tin", "taxpayer id",
    ),
    "inn_kpp": ("инн кпп", "инн и кпп"),
    "kpp": ("кпп", "kpp"),
    "ogrn": ("огрн", "огрнип", "огрн огрнип", "ogrn"),
    "phone": (
        "телефон", "тел", "телефоны", "моб", "мобильный", "мобильный телефон", "сотовый", "рабочий телефон",
        "контактный телефон", "номер телефона", "phone", "phone number", "phones", "mobile", "tel",
        "telephone",
    ),
    "email": (
        "e mail", "email", "emails", "почта", "эл почта", "электронная почта", "адрес электронной почты",
        "емейл", "имейл", "мейл", "mail", "e mail address", "email address",
    ),
    "city": ("город", "city", "населенный пункт", "нас пункт", "town"),
    "region": ("регион", "region", "область", "субъект рф", "край область"),
    "contact_name": (
        "контактное лицо", "контакт", "фио", "фио контакта", "фио контактного лица", "контактное лицо фио",
        "contact person", "contact", "contact name", "представитель",
    ),
    "contact_position": ("должность", "должность контакта", "position", "job title"),
    "owner": (
        "ответственный", "менеджер", "ответственный менеджер", "куратор", "owner", "manager",
        "account manager", "sales manager", "responsible",
    ),
    "next_action": (
        "дата след контакта", "дата следующего контакта", "следующий звонок", "дата следующего звонка",
        "след звонок", "дата следующего действия", "следующее действие", "next action date", "next action",
        "next call", "next contact", "follow up", "follow up date", "перезвонить",
    ),
    "note": (
        "комментарий", "комментарии", "примечание", "примечания", "заметки", "notes", "note", "comment",
        "comments",
    ),
    "deal_amount": (
        "сумма сделки", "сумма", "сумма руб", "бюджет", "deal amount", "amount", "deal value", "deal size",
    ),
    "address": (
        "адрес", "юридический адрес", "фактический адрес", "почтовый адрес", "юр адрес", "факт адрес",
        "адрес доставки", "address", "legal address",
    ),
}  # fmt: skip

PORTRAIT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "headcount": (
        "численность", "численность сотрудников", "численность персонала", "кол во сотрудников",
        "количество сотрудников", "число сотрудников", "сотрудников", "штат", "employees", "headcount",
    ),
    "annual_turnover": ("оборот", "годовой оборот", "выручка", "годовая выручка", "turnover", "revenue"),
    "conflict_level": ("конфликтность", "уровень конфликтности", "conflict level"),
    "market_segment": ("сегмент рынка", "рыночный сегмент", "market segment"),
}  # fmt: skip
"""Headers that mean one of the shipped portrait fields (besides its label in the base)."""

_DUPLICATE = re.compile(r" \([0-9]+\)$")
CLIENT_VOCABULARY = Vocabulary(SYNONYMS)
match_field = CLIENT_VOCABULARY.match
"""``(field, confidence 0..100)`` for one header of a client file."""


@lru_cache(maxsize=16)
def vocabulary(portrait: tuple[PortraitTarget, ...] = ()) -> Vocabulary:
    """The client fields' synonyms, plus each portrait field's label and known headers."""
    if not portrait:
        return CLIENT_VOCABULARY
    extra = {t.field: (t.label, t.key.replace("_", " "), *PORTRAIT_SYNONYMS.get(t.key, ())) for t in portrait}
    return Vocabulary({**SYNONYMS, **extra})


def _check_target(target: str, header: str, portrait: Sequence[PortraitTarget] | None = ()) -> str:
    """The field a column is sent to, checked. ``portrait`` is the base's portrait fields;
    ``None`` (the CLI's options, read before the base is open) leaves a portrait target to the
    import, which checks it against the base and can list the fields there are (an empty or
    misspelt key refused here could name none)."""
    field = target.strip().lower()
    if field in FIELDS or field == IGNORE:
        return field
    key = portrait_key(field)
    if key is not None and portrait is None:
        return field
    if key is not None and portrait and any(t.key == key for t in portrait):
        return field
    if key is not None and not portrait:
        raise MappingError(
            "mapping.portrait_unknown",
            N_("no portrait field '{field}' for column '{column}': the base has no portrait fields yet"),
            field=key,
            column=header,
        )
    if key is not None:
        raise MappingError(
            "mapping.portrait_unknown",
            N_("no portrait field '{field}' for column '{column}'; the portrait's fields are: {fields}"),
            field=key,
            column=header,
            fields=", ".join(t.field for t in portrait or ()),
        )
    valid = ", ".join((*FIELDS, IGNORE, PORTRAIT_PREFIX + "<key>"))
    raise MappingError(
        "mapping.field_unknown",
        N_("unknown field '{field}' for column '{column}'; valid fields: {fields}"),
        field=target.strip(),
        column=header,
        fields=valid,
    )


def unique_headers(texts: Sequence[str], first_column: int = 0) -> list[str]:
    """Header texts made unique: a repeated "Телефон" becomes "Телефон (2)", an empty one
    "Column C" (``first_column`` is the sheet column of ``texts[0]``)."""
    labels: list[str] = []
    seen: set[str] = set()
    for index, text in enumerate(texts):
        label = text or f"Column {column_letter(first_column + index)}"
        base, n = label, 1
        while label.casefold() in seen:
            n += 1
            label = f"{base} ({n})"
        seen.add(label.casefold())
        labels.append(label)
    return labels


def _resolve_explicit(
    headers: Sequence[str],
    explicit: Mapping[str, str],
    strict: bool,
    portrait: Sequence[PortraitTarget] = (),
) -> dict[int, str]:
    """Column index -> field for every explicit entry; a header may be written in any case, and
    "Телефон" also names the repeated "Телефон (2)". Not ``strict`` (a remembered mapping), an
    entry for a portrait field the admin has since removed is dropped."""
    folded = [fold_header(_DUPLICATE.sub("", h)) for h in headers]
    chosen: dict[int, str] = {}
    for header, target in explicit.items():
        try:
            field = _check_target(target, header, portrait)
        except MappingError as exc:
            if strict or exc.code != "mapping.portrait_unknown":
                raise
            continue
        key = fold_header(header)
        indexes = [i for i, h in enumerate(headers) if h == header or (key and folded[i] == key)]
        if not indexes and strict:
            listed = Quoted([h for h in headers if h])
            raise MappingError(
                "mapping.column_unknown",
                N_("no column '{column}' in the file; the columns are {columns}"),
                column=header,
                columns=listed,
            )
        for index in indexes:
            chosen[index] = field
    taken: dict[str, int] = {}
    for index, field in sorted(chosen.items()):
        if field in taken and field not in MULTI_VALUED and field != IGNORE:
            raise MappingError(
                "mapping.field_twice",
                N_("columns '{first}' and '{second}' are both mapped to {field}, which holds one value"),
                first=headers[taken[field]],
                second=headers[index],
                field=field,
            )
        taken[field] = index
    return chosen


def suggest_mapping(
    headers: Sequence[str],
    explicit: Mapping[str, str] | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    strict: bool = True,
    portrait: Sequence[PortraitTarget] = (),
) -> ColumnMap:
    """A ``ColumnMap`` for a header row: explicit entries first, then the best suggestions.

    A single-valued field goes to the most confident column; a runner-up for phone or e-mail is
    kept as a second phone/e-mail, any other runner-up is left unmapped. ``portrait`` is the
    base's portrait fields: a column may feed one (its header is the field's label, or
    ``--map "Кол-во сотрудников=portrait.headcount"``).
    Raises ``MappingError`` for an unknown target field, or a header not in the file unless
    ``strict`` is off (a remembered mapping may name columns this file lacks).
    """
    targets = tuple(portrait)
    fixed = _resolve_explicit(headers, explicit or {}, strict, targets)
    match = vocabulary(targets).match
    suggestions = {i: match(h) if h else (None, 0) for i, h in enumerate(headers) if i not in fixed}
    taken = {field for field in fixed.values() if field not in MULTI_VALUED}
    ranked = sorted(suggestions.items(), key=lambda item: (-item[1][1], item[0]))
    columns: dict[int, ColumnMapping] = {}
    for index, (suggested, score) in ranked:
        # a single-valued field already given to a better (or an explicit) column stays there
        if suggested is None or score < threshold or suggested in taken:
            columns[index] = ColumnMapping(index, headers[index], None, score, guess=suggested)
            continue
        if suggested not in MULTI_VALUED:
            taken.add(suggested)
        columns[index] = ColumnMapping(index, headers[index], suggested, score, guess=suggested)
    for index, field in fixed.items():
        target = None if field == IGNORE else field
        columns[index] = ColumnMapping(index, headers[index], target, 100, "explicit")
    return ColumnMap(tuple(columns[i] for i in range(len(headers))), targets)


def parse_map_option(text: str) -> tuple[str, str]:
    """``"Тел.=phone"`` -> ``("Тел.", "phone")``; the split is at the last '='."""
    header, sep, target = text.rpartition("=")
    if not sep or not header.strip() or not target.strip():
        raise MappingError(
            "mapping.option_invalid",
            N_("--map '{option}' is not HEADER=FIELD (for example --map \"Тел.=phone\")"),
            option=text,
        )
    return header.strip(), _check_target(target, header.strip(), None)


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """Several ``--map`` options as one ``{header: field}``; a later option for a header wins."""
    return dict(parse_map_option(option) for option in options)


def load_mapping_file(path: str | PathLike[str]) -> dict[str, str]:
    """``{header: field}`` from a TOML file with a ``[columns]`` table (``"Тел." = "phone"``)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingError(
            "mapping.file_unreadable",
            N_("{file}: cannot be read: {reason}"),
            file=path.name,
            reason=file_reason(exc),
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(
            "mapping.file_not_toml",
            N_("{file}: not a valid TOML file: {reason}"),
            file=path.name,
            reason=str(exc),
        ) from exc
    columns = data.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingError(
            "mapping.file_no_columns",
            N_('{file}: expected a [columns] table of "header" = "field" lines'),
            file=path.name,
        )
    return {str(header): _check_target(target, str(header), None) for header, target in columns.items()}


def header_signature(headers: Iterable[str]) -> str:
    """A stable key for a header row, so a mapping remembered for one file fits the next one.

    Folded headers in order, empty trailing columns ignored: "Тел." and "ТЕЛ" give the same key.
    """
    folded = [fold_header(h) for h in headers]
    while folded and not folded[-1]:
        folded.pop()
    return hashlib.sha256("\x1f".join(folded).encode("utf-8")).hexdigest()[:16]
