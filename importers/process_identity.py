"""Which process runs an import batch, and whether it still does.

A batch records the process that runs it: its pid, the host and the time the process started.
The start time tells the same process from a later one that got the same pid; the host, that
a pid on another machine (a team on one PostgreSQL server) says nothing here. Linux gives the
start time in ``/proc``; elsewhere it is unknown and the pid alone is asked.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache

START_TOLERANCE = 2.0
"""Seconds two readings of one process's start time may differ by (clock ticks, rounding)."""


@dataclass(frozen=True)
class ProcessIdentity:
    pid: int
    host: str
    started: float | None


def this_process() -> ProcessIdentity:
    """This process, as a batch records it."""
    pid = os.getpid()
    return ProcessIdentity(pid, host_name(), process_started(pid))


@cache
def host_name() -> str:
    return socket.gethostname()[:255]


@cache
def _boot_time() -> float | None:
    try:
        with open("/proc/stat", encoding="ascii") as f:
            for line in f:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def process_started(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), or ``None`` where unknown."""
    return _stat(pid)[1]


def _stat(pid: int) -> tuple[str | None, float | None]:
    """The state letter of process ``pid`` (``Z`` for a zombie) and its start time, from
    ``/proc``; ``(None, None)`` where there is none."""
    boot = _boot_time()
    if boot is None:
        return None, None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None, None
    # The command name (field 2) may hold spaces and parentheses: count from the last ")".
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        ticks = int(fields[19])  # field 22, starttime, in clock ticks since boot
    except (IndexError, ValueError):
        return None, None
    return fields[0], boot + ticks / os.sysconf("SC_CLK_TCK")


def is_gone(pid: int | None, host: str | None, started: float | None) -> bool:
    """Whether the process a batch names has certainly ended. A process on another host, or a
    batch that names none, cannot be told gone from here: ``False``."""
    if pid is None or host != host_name():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process: it exists
    except OSError:
        return False
    state, now_started = _stat(pid)
    if state == "Z":
        return True  # killed, not yet waited for by its parent: it does no more work
    if started is None or now_started is None:
        # No start time recorded, or none to read here: the pid is all there is to go by.
        return False
    return abs(now_started - started) > START_TOLERANCE
