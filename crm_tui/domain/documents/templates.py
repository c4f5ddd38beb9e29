"""Contract and invoice templates: DOCX files with placeholders (docxtpl, Jinja2 syntax).

Shipped: a supply contract, a services contract and an invoice (``assets``); an admin adds their
own with ``crm template add``, kept in the base so the whole team uses them. A template is
checked when it is added, not when a manager needs it: a name we do not provide is refused with
the list of unknown names, a malformed one with the paragraph where it breaks.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit.trail import record
from crm_tui.domain.documents.context import PLACEHOLDERS, DocumentContext
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message, Phrase
from crm_tui.storage.models import document_templates

if TYPE_CHECKING:
    from jinja2 import nodes

ASSETS = Path(__file__).with_name("assets")
KINDS = ("contract", "invoice")
SHIPPED: dict[str, tuple[str, str]] = {
    "supply": ("contract", "supply.docx"),
    "services": ("contract", "services.docx"),
    "invoice": ("invoice", "invoice.docx"),
}
DEFAULT = {"contract": "supply", "invoice": "invoice"}
NAME_LENGTH = 100
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_DOCX_PREFIX = re.compile(r"^\{%-?\s*(?:tr|tc|p|r)\s")
_OPENERS = {"for": "{% endfor %}", "if": "{% endif %}", "with": "{% endwith %}"}


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    kind: str
    shipped: bool


def _environment() -> Any:
    """The one Jinja environment templates are parsed and rendered with: sandboxed (a tag cannot
    reach Python's internals, ``__class__``, ``__globals__``...), text XML-escaped."""
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True)


def _reaches_inside(tree: nodes.Template) -> bool:
    """Whether a tag reads an underscore name (``x.__class__``, ``x['__globals__']``,
    ``attr('__init__')``): nothing a document needs, the way out of the template."""
    from jinja2 import nodes

    if any(a.attr.startswith("_") for a in tree.find_all(nodes.Getattr)):
        return True
    return any(isinstance(c.value, str) and c.value.startswith("_") for c in tree.find_all(nodes.Const))


def _unsafe_tag(env: Any, content: bytes) -> str | None:
    """The first tag (as typed, shortened) that reaches into Python's internals, or None."""
    from jinja2 import TemplateSyntaxError

    for text in _paragraph_texts(content):
        for tag in _TAG.findall(text):
            plain = _DOCX_PREFIX.sub("{% ", tag)
            words = plain[2:].strip(" -").split()
            closing = _OPENERS.get(words[0], "") if plain.startswith("{%") and words else ""
            try:
                tree = env.parse(plain + closing)
            except TemplateSyntaxError:
                continue
            if _reaches_inside(tree):
                short = " ".join(tag.split())
                return short if len(short) <= 80 else short[:79] + "…"
    return None


def _malformed(place: object, reason: object) -> InvalidInput:
    return InvalidInput(
        "template.malformed", N_("the template breaks at {place}: {reason}"), place=place, reason=reason
    )


def _paragraph_texts(content: bytes) -> list[str]:
    from docx import Document

    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return texts


def _check_tag(env: Any, tag: str) -> str | None:
    """Why one ``{{ }}`` or ``{% %}`` tag does not parse on its own, or None."""
    from jinja2 import TemplateSyntaxError

    plain = _DOCX_PREFIX.sub("{% ", tag)
    words = plain[2:].strip(" -").split()
    closing = _OPENERS.get(words[0], "") if plain.startswith("{%") and words else ""
    if plain.startswith("{%") and words and words[0].startswith("end"):
        return None
    try:
        env.parse(plain + closing)
    except TemplateSyntaxError as exc:
        return str(exc.message)
    return None


def _locate(env: Any, content: bytes) -> tuple[Message, object] | None:
    """The paragraph (1-based, cells after the body) and why it breaks, if one does alone."""
    for number, text in enumerate(_paragraph_texts(content), start=1):
        place = Message("template.paragraph", N_("paragraph {number} «{text}»"), number=number,
                        text=text.strip()[:60])  # fmt: skip
        rest = _TAG.sub("", text)
        if "{{" in rest or "{%" in rest or "}}" in rest or "%}" in rest:
            return place, Phrase(
                N_("a tag opened with two braces (or a brace and a percent sign) is not closed")
            )
        for tag in _TAG.findall(text):
            why = _check_tag(env, tag)
            if why is not None:
                return place, why
    return None


def _xml_of(content: bytes) -> str:
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(content))
    template.init_docx()
    xml = template.patch_xml(template.get_xml())
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _key, part in template.get_headers_footers(uri):
            xml += template.patch_xml(template.get_part_xml(part))
    return str(xml)


def _names(tree: nodes.Template) -> set[str]:
    """The dotted names a template reads (``client.inn``, ``line.product`` for a loop over lines)."""
    from jinja2 import nodes

    aliases: dict[str, str] = {}
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name):
            aliases[loop.target.name] = "line" if loop.iter.name == "lines" else loop.iter.name
    used: set[str] = set()
    inner: set[int] = set()
    for attr in tree.find_all(nodes.Getattr):
        if isinstance(attr.node, nodes.Name):
            base = aliases.get(attr.node.name, attr.node.name)
            used.add(f"{base}.{attr.attr}")
            inner.add(id(attr.node))
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and id(name) not in inner and name.name not in aliases:
            used.add(name.name)
    return used


def _known(name: str) -> bool:
    head, _dot, attr = name.partition(".")
    fields = PLACEHOLDERS.get(head)
    if fields is None:
        return False
    return not attr or attr in fields


def known_names() -> list[str]:
    return sorted(
        [f"{k}.{f}" for k, fs in PLACEHOLDERS.items() for f in fs]
        + [k for k, fs in PLACEHOLDERS.items() if not fs]
    )


def printed_names(content: bytes) -> set[str]:
    """The dotted names a (checked) DOCX template prints: ``client.account``, ``line.product``..."""
    return _names(_environment().parse(_xml_of(content)))


def check_template(content: bytes) -> None:
    """Refused (one line) unless ``content`` is a DOCX whose tags parse and name only what we give."""
    from jinja2 import TemplateSyntaxError

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise InvalidInput("template.not_docx", N_("the file is not a DOCX document (a Word .docx file)"))
    env = _environment()
    try:
        xml = _xml_of(content)
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InvalidInput(
            "template.not_docx",
            N_("the file is not a DOCX document (a Word .docx file): {reason}"),
            reason=str(exc),
        ) from None
    try:
        tree = env.parse(xml)
    except TemplateSyntaxError as exc:
        found = _locate(env, content)
        if found is not None:
            raise _malformed(*found) from None
        raise _malformed(Phrase(N_("the end of the document")), str(exc.message)) from None
    if _reaches_inside(tree):
        raise InvalidInput(
            "template.unsafe",
            N_("the template reaches into the program's internals at {placeholder}: not a document value"),
            placeholder=_unsafe_tag(env, content) or Phrase(N_("a tag in a header or footer")),
        )
    unknown = sorted(n for n in _names(tree) if not _known(n))
    if unknown:
        raise InvalidInput(
            "template.unknown_names",
            N_("the template uses names we do not provide: {names}; known: {known}"),
            names=", ".join(unknown),
            known=", ".join(known_names()),
        )


def add_template(ws: Workspace, name: str, kind: str, content: bytes) -> TemplateInfo:
    require(ws.viewer, Capability.ADD_TEMPLATES)
    name = " ".join(name.split())
    if kind not in KINDS:
        raise InvalidInput("template.kind", N_("kind: {kind!r} is not contract or invoice"), kind=kind)
    if not name or len(name) > NAME_LENGTH or name in SHIPPED:
        raise InvalidInput(
            "template.name", N_("name: {name!r} is empty, too long or a shipped template's"), name=name
        )
    check_template(content)
    with ws.write() as session:
        t = document_templates.c
        if session.scalar(select(t.id).where(t.name == name)) is not None:
            raise InvalidInput("template.exists", N_("a template named {name!r} exists already"), name=name)
        new_id = session.execute(
            insert(document_templates)
            .values(
                kind=kind, name=name, content=content, created_at=ws.now(), created_by_id=ws.viewer.user_id
            )
            .returning(t.id)
        ).scalar_one()
        record(session, at=ws.now(), user_id=ws.viewer.user_id, entity="template", entity_id=int(new_id),
               action="add", changes={"name": name, "kind": kind})  # fmt: skip
    return TemplateInfo(name, kind, False)


def list_templates(session: Session) -> list[TemplateInfo]:
    t = document_templates.c
    added = [TemplateInfo(n, k, False) for n, k in session.execute(select(t.name, t.kind).order_by(t.name))]
    return [TemplateInfo(n, k, True) for n, (k, _f) in SHIPPED.items()] + added


def template_bytes(session: Session, name: str, kind: str) -> bytes:
    """The template ``name`` of ``kind``; refused naming the ones there are."""
    if name in SHIPPED and SHIPPED[name][0] == kind:
        return (ASSETS / SHIPPED[name][1]).read_bytes()
    t = document_templates.c
    found = session.scalar(select(t.content).where(t.name == name, t.kind == kind))
    if found is None:
        names = ", ".join(i.name for i in list_templates(session) if i.kind == kind)
        raise InvalidInput(
            "template.unknown",
            N_("no {kind} template {name!r}; there are: {names}"),
            kind=kind,
            name=name,
            names=names,
        )
    return bytes(found)


def render_docx(content: bytes, ctx: DocumentContext) -> bytes:
    """The template filled with the document's values; text is XML-escaped (a client named
    "A & B <C>" stays that text), and rendered in a sandbox (a template stored before the check
    refused unsafe tags still cannot run anything)."""
    from docxtpl import DocxTemplate
    from jinja2.exceptions import SecurityError

    template = DocxTemplate(io.BytesIO(content))
    try:
        template.render(ctx.template_values(), jinja_env=_environment(), autoescape=True)
    except SecurityError as exc:
        raise InvalidInput(
            "template.unsafe",
            N_("the template reaches into the program's internals at {placeholder}: not a document value"),
            placeholder=str(exc),
        ) from None
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
