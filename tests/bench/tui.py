"""What a person feels in the app on the large demo base: first paint, page change, search.

Runs the real screens headless (``App.run_test``) against ``bench-data/large.db`` (build it
with ``tests/bench/run.py`` first). First paint is timed in a fresh process, from interpreter
start to the desk showing its data, the way `crm` starts. Typed keys go through the app's
key handling (``Pilot.press``), each timed from the key to the frame with its results. Nothing
is asserted; the table is for the closing note of an issue.

    .venv/bin/python tests/bench/tui.py [--db PATH] [--repeat N] [--only start|app]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FIRST_PAINT = r"""
import time, sys, asyncio
t0 = time.perf_counter()
from crm_tui.app import create_app
from tests.app.frames import recording

async def main(frames):
    def open_it():
        from crm_tui.domain.workspace import open_workspace
        return open_workspace(sys.argv[1], sys.argv[2])
    app = create_app(open_it)  # as `crm` does: paint first, open the base in a worker
    async with app.run_test(size=(120, 40)) as pilot:
        painted = asyncio.Event()
        while True:
            screen = app.screen
            if type(screen).__name__ == "DeskScreen" and screen.desk is not None:
                data, cpu = time.perf_counter() - t0, time.process_time()
                app.call_after_refresh(painted.set)  # the frame that shows the data
                await painted.wait()
                drawn = time.perf_counter() - t0
                await asyncio.sleep(1)  # the frames that may still come
                break
            if time.perf_counter() - t0 > 60:
                sys.exit(f"no desk with data after 60 s: is {sys.argv[2]!r} a user of {sys.argv[1]}?")
            await asyncio.sleep(0.002)
    # The first frame that shows the whole desk: the screen as it left the last one.
    written, frames.pending = frames.pending, []
    first_frame = written[0][0] - t0
    shown = []
    for frame in written:
        frames.pending.append(frame)
        shown.append((frames.text(), frames.replay()[0]))
    whole = next(frame for text, frame in shown if text == shown[-1][0])
    print(first_frame, data, drawn, cpu, whole.at - t0, whole.cpu)

with recording(120, 40) as frames:
    asyncio.run(main(frames))
"""

SEARCHES = ["ромаш", "СТРОЙ", "7707", "8 (495) 12", "info@", "zzzzqqq"]
TYPED = ["строй", "иванов", "7707083", "8 (495) 12", "ромашка"]
"""Words typed key by key into the search box: a name, a surname, an INN and a phone begun.
Every prefix is a search (1-2 letters included), 35 keystrokes in all."""
KEY_NAMES = {" ": "space", "(": "left_parenthesis", ")": "right_parenthesis"}


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def first_paint(db: str, login: str, repeat: int) -> dict[str, list[float]]:
    """Process start to: the first frame written (the start screen's, or the desk's when it is
    the first screen), the desk holding its data, the frame drawn
    with it, and the CPU time (both threads) spent by the moment the data was there, which a
    busy machine sways less than the wall clock; and to the first frame that shows the whole
    desk as it stays (the frames replayed: the old desk's first frame had its tables fitted to
    no width, the real one came a frame later), with the CPU by then."""
    found: dict[str, list[float]] = {
        "frame": [],
        "data": [],
        "painted": [],
        "cpu": [],
        "whole": [],
        "whole cpu": [],
    }
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_PAINT, db, login],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if out.returncode:
            sys.exit(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "the app did not start")
        for name, seconds in zip(found, map(float, out.stdout.split()), strict=True):
            found[name].append(seconds * 1000)
    return found


async def in_app(db: str, login: str, repeat: int) -> dict[str, list[float]]:
    """Time from the action to the screen having handled the new page, waiting on an event.

    Polling here would compete with the worker thread for the GIL and inflate the figures.
    """
    from crm_tui.app import create_app
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.screens.clients import ClientsScreen

    loaded = asyncio.Event()
    drawn = asyncio.Event()
    drawn_at: list[float] = [0.0, 0.0]
    """When the frame with the results was drawn: wall and CPU clocks."""
    original = ClientsScreen.on_clients_screen_page_loaded

    def draw() -> None:
        drawn_at[:] = [time.perf_counter(), time.process_time()]
        drawn.set()

    def handled(self: ClientsScreen, event: ClientsScreen.PageLoaded) -> None:
        original(self, event)
        if event.request.flt == self.flt:
            loaded.set()
            self.app.call_after_refresh(draw)  # the frame that shows the results

    ClientsScreen.on_clients_screen_page_loaded = handled  # type: ignore[method-assign]
    ws = open_workspace(db, login)
    app = create_app(ws, start="clients")
    found: dict[str, list[float]] = {
        "page change": [],
        "search": [],
        "search drawn": [],
        "search cpu": [],
        "typed": [],
        "typed cpu": [],
    }
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(loaded.wait(), 30)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        for _ in range(repeat):
            loaded.clear()
            start = time.perf_counter()
            screen.action_next_page()
            await loaded.wait()
            found["page change"].append((time.perf_counter() - start) * 1000)
            await pilot.pause()
        search = screen.query_one("#search")
        for _ in range(max(1, repeat // len(SEARCHES))):
            for query in SEARCHES:
                loaded.clear()
                drawn.clear()
                start, cpu = time.perf_counter(), time.process_time()
                search.value = query  # type: ignore[attr-defined]
                await loaded.wait()
                found["search"].append((time.perf_counter() - start) * 1000)
                await drawn.wait()
                found["search drawn"].append((time.perf_counter() - start) * 1000)
                found["search cpu"].append((time.process_time() - cpu) * 1000)
                await pilot.pause()
                loaded.clear()
                search.value = ""  # type: ignore[attr-defined]
                await loaded.wait()
                await pilot.pause()
        search.focus()
        await pilot.pause()
        for word in TYPED:
            for char in word:
                before = screen.flt
                loaded.clear()
                drawn.clear()
                start, cpu = time.perf_counter(), time.process_time()
                # Pilot's press returns once the app is idle, after the frame: the frame's own
                # clock is what counts.
                await pilot.press(KEY_NAMES.get(char, char))
                if screen.flt == before:
                    continue  # a space at the end searches for what was there: nothing to draw
                await drawn.wait()
                found["typed"].append((drawn_at[0] - start) * 1000)
                found["typed cpu"].append((drawn_at[1] - cpu) * 1000)
                await asyncio.sleep(0.05)  # between two keys, as a person types
            loaded.clear()
            search.value = ""  # type: ignore[attr-defined]
            await loaded.wait()
            await pilot.pause()
    ClientsScreen.on_clients_screen_page_loaded = original  # type: ignore[method-assign]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=str(ROOT / "bench-data" / "large.db"))
    parser.add_argument("--login", default="bench")
    parser.add_argument("--admin", default="admin")
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=["start", "app"], help="only the start, or only the app's figures")
    args = parser.parse_args()
    rows: list[tuple[str, list[float], float]] = []
    if args.only != "app":
        start = first_paint(args.db, args.login, max(3, args.repeat // 3))
        rows.append(("first frame (process start)", start["frame"], 1000))
        rows.append(("desk with data (process start)", start["data"], 800))
        rows.append(("desk drawn with data (process start)", start["painted"], 800))
        rows.append(("  CPU by the desk's data (both threads)", start["cpu"], 0))
        rows.append(("the whole desk on screen (process start)", start["whole"], 800))
        rows.append(("  CPU by then (both threads)", start["whole cpu"], 0))
    for who in () if args.only == "start" else (args.login, args.admin):
        measured = asyncio.run(in_app(args.db, who, args.repeat))
        rows.append((f"clients page change ({who})", measured["page change"], 150))
        rows.append((f"search keystroke -> results ({who})", measured["search"], 50))
        rows.append((f"  -> results drawn ({who})", measured["search drawn"], 0))
        rows.append(("  CPU to drawn (both threads)", measured["search cpu"], 0))
        rows.append((f"typed key -> results drawn ({who})", measured["typed"], 50))
        rows.append(("  CPU to drawn (both threads)", measured["typed cpu"], 0))
    print(f"{'measurement':44} {'median':>9} {'p95':>9} {'budget':>8}")
    report = []
    for name, values, budget in rows:
        median, p95 = stats(values)
        verdict = "" if not budget else "ok" if p95 <= budget else "OVER"
        print(f"{name:44} {median:8.1f}  {p95:8.1f}  {budget:7.0f}  {verdict}")
        report.append({"measurement": name, "median_ms": median, "p95_ms": p95, "budget_ms": budget})
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
