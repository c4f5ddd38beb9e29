"""The parsing process ends with the importing process that started it.

A parent killed with SIGKILL closes nothing in order: a child reading a big sheet would go on
for minutes, holding the sheet in memory, before a closed pipe told it. This module is the
child's first import (it imports nothing heavy: on a busy machine the child's other imports
take seconds, in which its parent may die): Linux then kills the child with its parent
(``PR_SET_PDEATHSIG``); elsewhere, and if the parent is gone already, a thread watches the
parent's pid.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

PARENT_ENV = "CRM_PARSE_PARENT"
"""The importing process's pid, which the child watches."""
CHECK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def _die() -> None:
    """End at once, as the parent did: no cleanup, no flushing of half a parse."""
    os.kill(os.getpid(), signal.SIGKILL)


def end_with_parent() -> None:
    parent = int(os.environ.get(PARENT_ENV, "0") or 0)
    if not parent:
        return
    if sys.platform == "linux":
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(CHECK_SECONDS)
        _die()

    if os.getppid() != parent:
        _die()  # died before the signal was asked for
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
