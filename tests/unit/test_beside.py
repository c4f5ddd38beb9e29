"""Work done beside a bulk load (``storage.beside.every``): repeated while the load runs, once
more at its end when asked, and a failure stops it without reaching the load."""

from __future__ import annotations

import threading

from crm_tui.storage.beside import every


def test_the_work_runs_while_the_block_runs_and_once_more_at_the_end() -> None:
    ran: list[str] = []
    twice = threading.Event()

    def work() -> None:
        ran.append("beside")
        if len(ran) >= 2:
            twice.set()

    with every(0.01, work, (ValueError,), lambda exc: None, name="t", at_end=True):
        assert twice.wait(timeout=5)
        during = len(ran)
    assert len(ran) == during + 1


def test_a_failure_stops_the_work_and_is_reported_not_raised() -> None:
    failures: list[Exception] = []
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise ValueError("the base is busy")

    with every(0.01, work, (ValueError,), failures.append, name="t"):
        for thread in threading.enumerate():
            if thread.name == "t":
                thread.join(timeout=5)  # the thread ends at its first failure
    assert calls == [1]
    assert [str(f) for f in failures] == ["the base is busy"]
