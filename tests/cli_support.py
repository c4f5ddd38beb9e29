"""Running `crm` as ops do: the OS login from USER, exit codes, stdout and stderr.

``crm`` runs the command in this process: starting an interpreter per command was most of the
suite's time. It gives the command what a fresh process would have: its own environment (the OS
login in USER/LOGNAME, Moscow time, no CRM_DATABASE_URL but the one asked for), no engine left
from before, the locale a fresh import chooses, an empty stdin that is not a terminal, plain
output 80 columns wide as through a pipe, WARNING log records on stderr, and an exit code from
``SystemExit`` or 1 with the traceback on stderr, as the interpreter would print it; and it puts
back the test's own state afterwards.

``crm_process`` runs a real interpreter, for what only a process can show: that Textual is not
imported (``textual_loaded``), the interpreter's own exit code, what one process does to another.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

CliResult = subprocess.CompletedProcess[str]

PIPE_SIZE = {"COLUMNS": "80", "LINES": "25"}
"""What a process writing into a pipe gets from Rich and Click when no terminal is near."""


class InProcessResult(subprocess.CompletedProcess[str]):
    """A result of ``crm``: the same fields as a process's, from a run in this process."""


def _overrides(
    user: str, data_dir: Path | None, extra_env: Mapping[str, str] | None
) -> dict[str, str | None]:
    """The variables a command's environment sets or removes (None) on top of this process's."""
    env: dict[str, str | None] = {"CRM_DATABASE_URL": None, **PIPE_SIZE}
    env.update(USER=user, LOGNAME=user, CRM_TZ="Europe/Moscow")
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
    with _fresh_process(_overrides(user, data_dir, extra_env)) as (out, err):
        code = _run_main(["crm", *args])
        sys.stdout.flush()
        sys.stderr.flush()
    result = InProcessResult(["crm", *args], code, _as_text(out.getvalue()), _as_text(err.getvalue()))
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
            i18n.set_locale(os.environ.get("CRM_LOCALE", "en"))
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
    """Run ``crm *args`` in a new interpreter, which reports on stderr whether it loaded Textual."""
    env = dict(os.environ)
    for name, value in _overrides(user, data_dir, extra_env).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    code = (
        "import sys; from crm_tui.cli import main\n"
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
    """Whether the process loaded Textual: only a real process can tell (this one has it loaded)."""
    assert not isinstance(result, InProcessResult), "textual_loaded needs a real process: use crm_process"
    return "TEXTUAL_LOADED=True" in result.stderr
