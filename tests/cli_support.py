"""Running `crm` as ops do: the OS login from USER, exit codes, stdout and stderr.

``crm`` runs the command in this process: starting an interpreter per command was most of the
suite's time. It gives the command what a fresh process would have: its own environment (the OS
login of ``user``: ``crm_tui.config.os_login`` answers it, as the tests cannot change their uid;
Moscow time, no CRM_DATABASE_URL but the one asked for), no engine left
from before, the locale of a fresh import, an empty stdin that is not a terminal, plain
output 80 columns wide as through a pipe, WARNING log records on stderr, and an exit code from
``SystemExit`` or 1 with the traceback on stderr, as the interpreter would print it; and it puts
back the test's own state afterwards.

``textual_loaded`` cannot look at this process, which has Textual loaded for the app tests. It
answers for ``crm`` from the modules the command imported (every import statement it ran, even
of a module already loaded here): a new interpreter imports them all and tells whether that
loaded Textual.

``crm_process`` runs a real interpreter, for what only a process can show: that Textual is not
imported by the command itself, the interpreter's own exit code, what one process does to another.
"""

from __future__ import annotations

import builtins
import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.util import resolve_name
from pathlib import Path
from typing import Any

from click.testing import CliRunner

CliResult = subprocess.CompletedProcess[str]

FRESH_LOCALE = "en"
"""The language of a freshly imported ``crm_tui.i18n``, until the settings put theirs in force."""

PIPE_SIZE = {"COLUMNS": "80", "LINES": "25"}
"""What a process writing into a pipe gets from Rich and Click when no terminal is near."""


class InProcessResult(subprocess.CompletedProcess[str]):
    """A result of ``crm``: the same fields as a process's, from a run in this process, and the
    modules the command imported."""

    def __init__(
        self, args: list[str], returncode: int, stdout: str, stderr: str, imported: set[str]
    ) -> None:
        super().__init__(args, returncode, stdout, stderr)
        self.imported = frozenset(imported)


def _overrides(
    user: str, data_dir: Path | None, extra_env: Mapping[str, str] | None
) -> dict[str, str | None]:
    """The variables a command's environment sets or removes (None) on top of this process's."""
    env: dict[str, str | None] = {"CRM_DATABASE_URL": None, **PIPE_SIZE}
    env.update(CRM_TZ="Europe/Moscow")
    if data_dir is not None:
        env["CRM_DATA_DIR"] = str(data_dir)
    env.update(extra_env or {})
    return env


def crm(
    *args: str,
    user: str = "root",
    data_dir: Path | None = None,
    check: bool = False,
    extra_env: dict[str, str] | None = None,
) -> CliResult:
    """Run ``crm *args`` in this process as ``user``; ``check`` asserts exit code 0.

    ``CRM_TEST_CLI=process`` runs every one in a real process instead, to compare the two."""
    if os.environ.get("CRM_TEST_CLI") == "process":
        return crm_process(*args, user=user, data_dir=data_dir, check=check, extra_env=extra_env)
    with (
        _fresh_process(_overrides(user, data_dir, extra_env)) as (out, err),
        logged_in_as(user),
        _imports() as imported,
    ):
        code = _run_main(["crm", *args])
        sys.stdout.flush()
        sys.stderr.flush()
    output, errors = _as_text(out.getvalue()), _as_text(err.getvalue())
    result = InProcessResult(["crm", *args], code, output, errors, imported)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@contextmanager
def _fresh_process(env: Mapping[str, str | None]) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    from crm_tui import i18n
    from crm_tui.storage.database import dispose_engines

    saved_locale = i18n._locale
    saved_argv, saved_hook = sys.argv, sys.excepthook
    root = logging.getLogger()
    dispose_engines()
    try:
        with CliRunner().isolation(env=env) as (out, err, _mixed):
            i18n.set_locale(FRESH_LOCALE)
            last_resort = logging.StreamHandler(sys.stderr)
            last_resort.setLevel(logging.WARNING)
            root.addHandler(last_resort)
            try:
                yield out, err
            finally:
                root.removeHandler(last_resort)
    finally:
        dispose_engines()
        i18n.set_locale(saved_locale)
        sys.argv, sys.excepthook = saved_argv, saved_hook


@contextmanager
def logged_in_as(login: str) -> Iterator[None]:
    """The operating system says this process runs as ``login`` (``crm_tui.config.os_login``)."""
    from crm_tui import config

    real = config.os_login
    config.os_login = lambda: login
    try:
        yield
    finally:
        config.os_login = real


@contextmanager
def _imports() -> Iterator[set[str]]:
    """The modules named by the import statements run in the block (and their submodules named
    in ``from ... import``), whether or not they were loaded already."""
    names: set[str] = set()
    original = builtins.__import__

    def record(
        name: str,
        globals: Mapping[str, Any] | None = None,
        locals: Mapping[str, Any] | None = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> Any:
        module = original(name, globals, locals, fromlist, level)
        full = resolve_name("." * level + name, (globals or {}).get("__package__") or "") if level else name
        names.add(full)
        names.update(f"{full}.{item}" for item in fromlist or () if item != "*")
        return module

    builtins.__import__ = record
    try:
        yield names
    finally:
        builtins.__import__ = original


def _run_main(argv: list[str]) -> int:
    """The exit code the interpreter would give ``crm`` run with ``argv``."""
    from crm_tui.cli import main

    sys.argv = argv
    try:
        main()
    except SystemExit as exc:
        return _exit_code(exc.code)
    except Exception:
        traceback.print_exc()
        return 1
    return 0


def _as_text(output: bytes) -> str:
    """Bytes written as a process's pipe read with ``text=True`` (universal newlines)."""
    return output.decode().replace("\r\n", "\n").replace("\r", "\n")


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def crm_process(
    *args: str,
    user: str = "root",
    data_dir: Path | None = None,
    check: bool = False,
    extra_env: dict[str, str] | None = None,
) -> CliResult:
    """Run ``crm *args`` in a new interpreter, which reports on stderr whether it loaded Textual;
    the interpreter is told its OS login is ``user`` (the tests cannot change their uid)."""
    env = dict(os.environ)
    for name, value in _overrides(user, data_dir, extra_env).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    code = (
        f"import sys; from crm_tui import config; config.os_login = lambda: {user!r}\n"
        "from crm_tui.cli import main\n"
        "try:\n    main()\nfinally:\n"
        "    sys.stderr.write('\\nTEXTUAL_LOADED=%s' % ('textual' in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def error_line(result: CliResult) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln and not ln.startswith("TEXTUAL_LOADED")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def textual_loaded(result: CliResult) -> bool:
    """Whether the command's process loaded Textual (for ``crm``: would have, see above)."""
    if isinstance(result, InProcessResult):
        return _load_textual(result.imported | {"crm_tui.cli"})
    return "TEXTUAL_LOADED=True" in result.stderr


_NO_TEXTUAL: set[str] = set()
"""Modules that a new interpreter imported without loading Textual."""

_IMPORT_ALL = """
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        pass  # a name from a `from ... import` that is not a module
print("textual" in sys.modules)
"""


def _load_textual(modules: frozenset[str]) -> bool:
    """Whether a new interpreter importing ``modules`` loads Textual."""
    if any(name == "textual" or name.startswith("textual.") for name in modules):
        return True
    unknown = sorted(modules - _NO_TEXTUAL)
    if not unknown:
        return False
    found = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *unknown], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = found.stdout.strip() == "True"
    if not loaded:
        _NO_TEXTUAL.update(unknown)
    return loaded


HEAVY_MODULES = (
    "sqlmodel",
    "pydantic",
    "textual",
    "alembic",
    "openpyxl",
    "python_calamine",
    "rapidfuzz",
    "numpy",
    "fpdf",
    "docx",
    "lxml",
    "PIL",
    "phonenumbers",
    "crm_tui.storage.records",
)
"""What a light command (a read from a script, cron, a telephony hook) must not import: each
costs tens of milliseconds or more to load, and they serve imports, documents, the app."""

_WHO_IMPORTS = """
import sys
HEAVY = set(sys.argv[1].split(","))
found = {}

class Watch:
    def find_spec(self, name, path=None, target=None):
        heavy = name if name in HEAVY else name.split(".")[0]
        if heavy in HEAVY and heavy not in found:
            frame = sys._getframe(1)
            while frame is not None and (
                frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen_importlib"))
                or (frame.f_globals.get("__name__", "") + ".").startswith(heavy + ".")
            ):
                frame = frame.f_back
            found[heavy] = frame.f_globals.get("__name__", "?") if frame is not None else "?"
        return None

sys.meta_path.insert(0, Watch())
from crm_tui import config
login = sys.argv[2]
config.os_login = lambda: login
sys.argv[1:3] = []
from crm_tui.cli import main
try:
    main()
finally:
    sys.stderr.write("\\nHEAVY=" + ";".join(f"{k}<-{v}" for k, v in sorted(found.items())) + "\\n")
"""


def heavy_imports(*args: str, user: str = "root", modules: Sequence[str] = HEAVY_MODULES) -> dict[str, str]:
    """Run ``crm *args`` in a new interpreter as ``user``; the ``modules`` (by default the
    ``HEAVY_MODULES``) it imported, each with the module whose import statement loaded it. The
    command must succeed."""
    env = {k: v for k, v in {**os.environ, **_overrides(user, None, None)}.items() if v is not None}
    result = subprocess.run(
        [sys.executable, "-c", _WHO_IMPORTS, ",".join(modules), user, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = result.stderr.rsplit("HEAVY=", 1)[1].strip()
    return dict(item.split("<-", 1) for item in line.split(";") if item)
