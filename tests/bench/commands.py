"""How long the headless commands scripts and cron call take, process start to exit (issue 29).

Run from the repository root on a base built by ``crm demo --size large --no-tui`` (the commands
run as its ``admin``)::

    .venv/bin/python tests/bench/commands.py --db /tmp/large.db
    .venv/bin/python tests/bench/commands.py --db /tmp/large.db --against ../main/.venv/bin/python

``--against`` runs the same commands with another checkout's interpreter, alternating with this
one in the same minutes (the machine's speed swings), and prints both and their ratio. Every
round also times ``python -c pass``: what a process costs before any of our code runs, and the
``BASELINES``: what SQLAlchemy (with and without its ORM) and one query through SQLAlchemy cost
by themselves (pydantic is no longer installed: Typer 0.29 read every parameter through it;
0.28, pinned, does not), the floor under any command that reads the base that way. The commands run with
their bytecode compiled (the warm-up writes it into the scratch folder), as an installed crm's is.
``crm clients log`` writes, so it runs on a copy of the base. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGETS_MS = {
    "clients list --json | head -1": 350.0,
    "clients timeline --json": 350.0,
    "clients log": 350.0,
    "import list": 350.0,
    "task list --json (a manager)": 500.0,
    "schedule tick (nothing due)": 500.0,
}

CRM = "from crm_tui import config; config.os_login = lambda: 'admin'\nfrom crm_tui.cli import main; main()"
"""How a command is run: as the base's admin (the OS login that built it may be anyone), as
tests/cli_support does."""

ONE_QUERY = (
    "import sys, sqlalchemy as sa\n"
    "with sa.create_engine('sqlite:///' + sys.argv[1]).connect() as conn:\n"
    "    print(conn.execute(sa.text('SELECT id, name FROM clients ORDER BY name LIMIT 50')).first())"
)

BASELINES = {
    "python -c pass": "pass",
    "import sqlalchemy": "import sqlalchemy",
    "import sqlalchemy.orm": "import sqlalchemy.orm",
    "sqlalchemy: engine, one query": ONE_QUERY,
}
"""Not our code: what the interpreter, SQLAlchemy and its ORM cost by themselves."""

LAYERS = (
    ("SQLAlchemy Core", "import sqlalchemy"),
    (
        "the tables they read",
        "from crm_tui.storage.tables import activity, clients, deals, imports, portrait, sales, team",
    ),
    ("Typer", "import typer.main"),
    ("crm_tui.cli.main (config, i18n)", "import crm_tui.cli.main"),
)
"""``--layers``: what a command's start spends on each, imported in this order before it runs
(each layer's CPU time is what it adds to those above it). SQLAlchemy's ORM is no layer: these
commands read through Core connections (``storage.units``) and never import it."""

LAYERED = "\n".join(
    [
        "import json, sys, time",
        "marks = [time.process_time()]",
        *(f"{code}; marks.append(time.process_time())" for _, code in LAYERS),
        "from crm_tui import config; config.os_login = lambda: 'admin'",
        "from crm_tui.cli import main",
        "try:",
        "    main()",
        "finally:",
        "    marks.append(time.process_time())",
        "    sys.stderr.write('\\nLAYERS=' + json.dumps(marks) + '\\n')",
    ]
)


def _commands(db: Path, logged: Path, ticked: Path) -> dict[str, list[str]]:
    """The command lines after ``python`` (the baselines first), ``db`` the base they read (a
    copy), each command that writes with its own copy."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        client_id = conn.execute(
            "SELECT i.client_id FROM interactions i JOIN clients c ON c.id = i.client_id"
            " ORDER BY i.id DESC LIMIT 1"
        ).fetchone()[0]
        manager = conn.execute(
            "SELECT login FROM users WHERE role = 'manager' ORDER BY id LIMIT 1"
        ).fetchone()[0]
    commands = {
        "clients list --json | head -1": ["--db", str(db), "clients", "list", "--json"],
        "clients timeline --json": ["--db", str(db), "clients", "timeline", str(client_id), "--json"],
        "clients log": ["--db", str(logged), "clients", "log", str(client_id), "Позвонил, договорились"],
        "import list": ["--db", str(db), "import", "list"],
        "task list --json (a manager)": ["--db", str(db), "--user", manager, "task", "list", "--json"],
        "schedule tick (nothing due)": ["--db", str(ticked), "schedule", "tick"],
    }
    baselines = {name: ["-c", code] for name, code in BASELINES.items()}
    baselines["sqlalchemy: engine, one query"].append(str(db))
    return baselines | {name: ["-c", CRM, *args] for name, args in commands.items()}


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(python: str, args: list[str], *, first_line_only: bool, cwd: Path) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run (CPU: user + system, which a busy machine sways
    less than the wall clock)."""
    argv = [python, *args]
    started, cpu = time.perf_counter(), _cpu()
    # Run outside any checkout: `python -c` puts the working folder first on the path.
    # Compiled once, as an installed crm is (pip writes the bytecode), into the scratch folder:
    # a PYTHONDONTWRITEBYTECODE in the caller's environment made every run compile our modules
    # again, and would write nothing into the checkouts.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cwd / "bytecode")
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env) as proc:
        assert proc.stdout is not None
        if first_line_only:
            proc.stdout.readline()  # what `| head -1` reads, then closes the pipe
            proc.stdout.close()
        else:
            proc.stdout.read()
        proc.wait()
    elapsed = 1000 * (time.perf_counter() - started)
    allowed = (0, 1, 120, -13) if first_line_only else (0,)  # a closed pipe may end it so
    if proc.returncode not in allowed:
        sys.exit(f"{python} {' '.join(args)}: exit {proc.returncode}")
    return elapsed, 1000 * (_cpu() - cpu)


def _layers(python: str, args: list[str], *, first_line_only: bool, cwd: Path) -> list[float]:
    """CPU milliseconds of one run's layers (``LAYERS``): the interpreter's start, each layer,
    then the command itself (our modules, the base, the query, the output)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cwd / "bytecode")
    argv = [python, "-c", LAYERED, *args[2:]]  # args: ["-c", CRM, *the command's]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        if first_line_only:
            proc.stdout.readline()
            proc.stdout.close()
        else:
            proc.stdout.read()
        err = proc.stderr.read().decode(errors="replace")
        proc.wait()
    marks = json.loads(err.rsplit("LAYERS=", 1)[1])
    return [1000 * marks[0]] + [1000 * (b - a) for a, b in itertools.pairwise(marks)]


def _print_layers(options: argparse.Namespace, commands: dict[str, list[str]], scratch: Path) -> None:
    names = [name for name in commands if name not in BASELINES]
    runs: dict[str, list[list[float]]] = {name: [] for name in names}
    for _ in range(options.repeat):
        for name in names:
            head = "head -1" in name
            runs[name].append(_layers(sys.executable, commands[name], first_line_only=head, cwd=scratch))
    rows = ["python itself", *(label for label, _ in LAYERS), "the command", "total"]
    print(f"{'cpu ms, median':<34}" + "".join(f" {name.split(' (')[0][:14]:>14}" for name in names))
    for index, row in enumerate(rows):
        cells = []
        for name in names:
            values = [sum(run) if row == "total" else run[index] for run in runs[name]]
            cells.append(f" {statistics.median(values):>14.0f}")
        print(f"{row:<34}" + "".join(cells))


def _p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank): with a few runs, the slowest."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="a large demo base (SQLite file)")
    parser.add_argument("--against", help="another checkout's python, run alternately with this one")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--only", help="measure only the commands whose name contains this")
    parser.add_argument("--layers", action="store_true", help="where each command's start goes (CPU)")
    options = parser.parse_args()
    started_load = os.getloadavg()[0]
    pythons = {"this": sys.executable}
    if options.against:
        pythons["against"] = options.against
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        commands: dict[str, dict[str, list[str]]] = {}
        for label in pythons:  # each its own copies: a touch logged makes the next tick work,
            # and a newer checkout upgrades the schema of the base it opens
            read, logged, ticked = (scratch / f"{label}-{use}.db" for use in ("read", "log", "tick"))
            for copy in (read, logged, ticked):
                shutil.copyfile(options.db, copy)
            commands[label] = _commands(read, logged, ticked)
            if options.only:
                commands[label] = {
                    k: v for k, v in commands[label].items() if options.only in k or k in BASELINES
                }
        if options.layers:
            for name, args in commands["this"].items():  # warm up, the ticks until quiet
                for _ in range(3 if "tick" in name else 1):
                    _run(sys.executable, args, first_line_only=True, cwd=scratch)
            _print_layers(options, commands["this"], scratch)
            print(f"medians of {options.repeat} runs; load {started_load:.1f}-{os.getloadavg()[0]:.1f}")
            return
        names = list(commands["this"])
        times: dict[tuple[str, str], list[tuple[float, float]]] = {(p, c): [] for p in pythons for c in names}
        for label, python in pythons.items():  # warm the file cache; the first ticks do work
            for name, args in commands[label].items():
                for _ in range(3 if "tick" in name else 1):
                    _run(python, args, first_line_only=True, cwd=scratch)
        for _ in range(options.repeat):
            for name in names:
                for label, python in pythons.items():
                    head = "head -1" in name
                    times[label, name].append(
                        _run(python, commands[label][name], first_line_only=head, cwd=scratch)
                    )
    for index, kind in enumerate(("wall", "cpu")):
        header = f"{kind + ' ms':<32} {'this':>7} {'p95':>6}"
        if options.against:
            header += f" {'against':>8} {'p95':>6} {'ratio':>6}"
        print(header + (f" {'budget':>7}" if kind == "wall" else ""))
        for name in names:
            mine = statistics.median(t[index] for t in times["this", name])
            line = f"{name:<32} {mine:>7.0f} {_p95([t[index] for t in times['this', name]]):>6.0f}"
            if options.against:
                theirs = statistics.median(t[index] for t in times["against", name])
                worst = _p95([t[index] for t in times["against", name]])
                line += f" {theirs:>8.0f} {worst:>6.0f} {mine / theirs:>6.2f}"
            budget = BUDGETS_MS.get(name)
            print(line + (f" {budget:>7.0f}" if budget and kind == "wall" else ""))
    load = f"{started_load:.1f}-{os.getloadavg()[0]:.1f}"
    print(f"medians of {options.repeat} runs, alternating; the base: {options.db}; load {load}")


if __name__ == "__main__":
    main()
