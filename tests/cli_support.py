"""Running `crm` as ops do: a separate process, the OS login from USER, exit codes and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def crm(
    *args: str,
    user: str = "root",
    data_dir: Path | None = None,
    check: bool = False,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CRM_DATABASE_URL"}
    env.update(USER=user, LOGNAME=user, CRM_TZ="Europe/Moscow")
    if data_dir is not None:
        env["CRM_DATA_DIR"] = str(data_dir)
    env.update(extra_env or {})
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


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln and not ln.startswith("TEXTUAL_LOADED")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def textual_loaded(result: subprocess.CompletedProcess[str]) -> bool:
    return "TEXTUAL_LOADED=True" in result.stderr
