"""The screens translate a string when they show it, never when their module is imported, and
every translated string is one the catalogue's extractor can see.

A ``_()`` run at import freezes the language the process had then: the app imported in English
and switched to Russian (by the settings, or a test drawing the same screen in both languages)
would show those strings in English. Strings made at import (labels, column titles, section
names) are ``N_()`` and go through ``_()`` where they are shown. And Babel reads the source:
a ``_("...")`` inside an f-string is invisible to it, so its msgid never reaches the catalogue.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AREA = ("screens", "widgets", "crm_tui/app")
TRANSLATING = frozenset({"_", "ngettext", "counted"})
"""Calls that translate now (``N_`` only marks)."""


def sources() -> Iterator[Path]:
    for name in AREA:
        path = ROOT / name
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def calls_at_import(tree: ast.AST) -> Iterator[ast.Call]:
    """Translating calls that run when the module is imported: in the module's or a class's
    body, a decorator or a default value; a function's body runs later."""

    def visit(node: ast.AST) -> Iterator[ast.Call]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for early in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if early is not None:
                    yield from visit(early)
            return
        if isinstance(node, ast.Lambda):
            for early in node.args.defaults:
                yield from visit(early)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATING:
            yield node
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    yield from visit(tree)


def calls_in_fstrings(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if not isinstance(inner, ast.Call):
                    continue
                if isinstance(inner.func, ast.Name) and inner.func.id in TRANSLATING | {"N_"}:
                    yield inner


def where(path: Path, node: ast.Call) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:70]}"


def test_no_string_is_translated_when_its_module_is_imported() -> None:
    found = [
        where(p, c) for p in sources() for c in calls_at_import(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert found == [], "translated at import (use N_ there and _ where it is shown):\n" + "\n".join(found)


def test_no_string_is_translated_inside_an_f_string() -> None:
    found = [
        where(p, c) for p in sources() for c in calls_in_fstrings(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert found == [], (
        "the catalogue's extractor cannot see these (format the msgid instead):\n" + "\n".join(found)
    )


def test_the_check_sees_what_runs_at_import() -> None:
    code = """
LABELS = {"a": _("A")}
class Screen:
    TITLE = _("Title")
    def compose(self, hint=_("Hint")):
        return _("Shown")
    @decorate(_("Decorated"))
    def later(self):
        return f"{_('hidden')}"
"""
    tree = ast.parse(code)
    at_import = sorted(ast.unparse(c) for c in calls_at_import(tree))
    assert at_import == ["_('A')", "_('Decorated')", "_('Hint')", "_('Title')"]
    assert [ast.unparse(c) for c in calls_in_fstrings(tree)] == ["_('hidden')"]
