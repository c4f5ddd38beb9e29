"""Only Textual's public API (shared/DESIGN.md): no private Textual module, no underscore name of
Textual's read, called or overridden, so that a Textual upgrade breaks only what Textual says it
may break. Our own private names on our own objects are ours: a name counts as Textual's when
Textual defines it (a method, a class attribute, an attribute it sets on ``self``)."""

from __future__ import annotations

import ast
import importlib
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import textual

ROOT = Path(__file__).resolve().parents[2]
CODE = ("crm_tui", "storage", "importers", "scheduling", "screens", "widgets")
"""Our code, each folder once: the links in crm_tui/ to the folders beside it are not followed."""
TEXTUAL_OBJECTS = frozenset(
    {"app", "screen", "widget", "self.app", "self.screen", "self.app.screen", "pilot.app"}
)
"""Receivers that are Textual objects whatever their class: an underscore name of Textual's on
them is Textual's even where we happen to use the same name for something of ours."""


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def our_files() -> Iterator[Path]:
    for folder in CODE:
        for directory, _dirs, files in os.walk(ROOT / folder):  # links to folders not followed
            for name in sorted(files):
                if name.endswith(".py"):
                    yield Path(directory) / name


def module_of(path: Path) -> str:
    """``screens/card/opener.py`` is ``crm_tui.screens.card.opener`` (setuptools' package-dir)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts if parts[0] == "crm_tui" else ["crm_tui", *parts])


def defined_names(tree: ast.Module | ast.ClassDef) -> set[str]:
    """The private names a module or a class defines: functions and methods, classes, module and
    class attributes, attributes set on anything (local variables are no one's business)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
    for scope in [tree, *(node for node in ast.walk(tree) if isinstance(node, ast.ClassDef))]:
        for statement in scope.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else []
            if isinstance(statement, ast.AnnAssign):
                targets = [statement.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return {name for name in names if private(name)}


def class_names(node: ast.ClassDef) -> set[str]:
    """The private names one class defines itself (not its nested classes): methods, class
    attributes, attributes its methods set on ``self``."""
    names = {n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    for statement in node.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            names |= {
                target.attr
                for target in ast.walk(statement)
                if isinstance(target, ast.Attribute)
                and isinstance(target.ctx, ast.Store)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            }
    return {name for name in names if private(name)}


@cache
def textual_trees() -> dict[str, ast.Module]:
    """Textual's modules by name, parsed."""
    root = Path(textual.__file__).parent
    trees = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        trees[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"))
    return trees


@cache
def textual_names() -> frozenset[str]:
    """Every private name Textual defines, in any of its modules."""
    return frozenset().union(*(defined_names(tree) for tree in textual_trees().values()))


@cache
def textual_classes() -> dict[tuple[str, str], set[str]]:
    """The private names each Textual class defines itself, by module and qualified name."""
    found = {}

    def visit(module: str, body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                found[(module, prefix + node.name)] = class_names(node)
                visit(module, node.body, f"{prefix}{node.name}.")

    for module, tree in textual_trees().items():
        visit(module, tree.body, "")
    return found


def textual_names_of(cls: type) -> set[str]:
    """The private names of the Textual classes ``cls`` inherits from: what a subclass must not
    define again (it would override or overwrite Textual's own)."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.split(".")[0] == "textual":
            names |= {name for name in vars(base) if private(name)}
            names |= textual_classes().get((base.__module__, base.__qualname__), set())
    return names


def private_uses(tree: ast.Module, ours: set[str]) -> list[tuple[int, str]]:
    """Lines of ``tree`` that import a private Textual module or name, or read an underscore
    name of Textual's (one ``ours`` does not define, or any on a Textual object)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            modules, names = [node.module or ""], [alias.name for alias in node.names]
        elif isinstance(node, ast.Attribute) and private(node.attr):
            receiver = ast.unparse(node.value)
            if receiver == "textual" or (
                node.attr in textual_names() and (node.attr not in ours or receiver in TEXTUAL_OBJECTS)
            ):
                found.append((node.lineno, ast.unparse(node)))
            continue
        else:
            continue
        for module in modules:
            if module.split(".")[0] == "textual" and (
                any(private(part) for part in module.split(".")) or any(private(name) for name in names)
            ):
                found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def overrides(path: Path, tree: ast.Module) -> list[tuple[int, str]]:
    """Private names that a subclass of a Textual class defines again (a method of DataTable's
    replaced, an attribute of Widget's overwritten). Only modules that import Textual can hold
    such a class (and only they are imported here: the CLI's ``__main__`` runs when imported)."""
    if not any(
        isinstance(node, ast.Import | ast.ImportFrom) and "textual" in ast.unparse(node)
        for node in ast.walk(tree)
    ):
        return []
    module = importlib.import_module(module_of(path))
    found: list[tuple[int, str]] = []

    def visit(body: list[ast.stmt], scope: object) -> None:
        for node in body:
            if not isinstance(node, ast.ClassDef):
                continue
            cls = getattr(scope, node.name, None)
            if not isinstance(cls, type):
                continue
            clashes = class_names(node) & textual_names_of(cls)
            found.extend((node.lineno, f"{node.name}.{name}") for name in sorted(clashes))
            visit(node.body, cls)

    visit(tree.body, module)
    return found


def test_our_code_uses_only_public_textual() -> None:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in our_files()}
    ours: set[str] = set().union(*(defined_names(tree) for tree in trees.values()))
    problems = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT)
        problems += [f"{where}:{line}: {text}" for line, text in private_uses(tree, ours)]
        problems += [f"{where}:{line}: overrides {name}" for line, name in overrides(path, tree)]
    assert len(trees) > 100
    assert problems == []


def test_the_check_finds_what_issue_17_found() -> None:
    """The private calls the card and the record table made before (and a few more kinds)."""
    ours = {"_kept", "_show_card", "_compositor"}  # ours too, yet on a Textual object
    source = """
from textual._types import SegmentLines
import textual._compositor
from textual.app import _get_environ
started, mounted = self.app._get_screen(screen)
screen._refresh_layout(app.size)
widget._clear_arrangement_cache()
self._clear_arrangement_cache()
self._refresh_layout(self.app.size)
regions = self.screen._compositor
cell = self._row_locations.get_key(0)
"""
    found = [text for _line, text in private_uses(ast.parse(source), ours)]
    assert found == [
        "from textual._types import SegmentLines",
        "import textual._compositor",
        "from textual.app import _get_environ",
        "self.app._get_screen",
        "screen._refresh_layout",
        "widget._clear_arrangement_cache",
        "self._clear_arrangement_cache",
        "self._refresh_layout",
        "self.screen._compositor",
        "self._row_locations",
    ]
    fine = "self._kept[mode] = screen\nself._show_card(card)\nopener._kept\n"
    assert private_uses(ast.parse(fine), ours) == []
