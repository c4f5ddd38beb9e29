"""An id beyond what a base holds is "not found" with exit 2, never an OverflowError traceback
(issue 21's review: SQLite cannot bind 99999999999999999999999)."""

from __future__ import annotations

import pytest

from tests.cli_support import crm

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("deal", "show", HUGE), "deal"),
        (("deal", "lines", HUGE), "deal"),
        (("deal", "edit", HUGE, "--set", "title=Т"), "deal"),
        (("deal", "move", HUGE, "next"), "deal"),
        (("deal", "list", "--client", HUGE), "client"),
        (("task", "add", "Т", "--due", "+1", "--deal", HUGE), "deal"),
        (("task", "done", HUGE, "--result", "Готово"), "task"),
        (("task", "move", HUGE, "--due", "+1"), "task"),
        (("task", "cancel", HUGE, "--reason", "Не нужно"), "task"),
        (("task", "list", "--client", HUGE), "client"),
        (("clients", "take", HUGE), "client"),
    ],
)
def test_a_huge_id_is_not_found(seeded_db: str, args: tuple[str, ...], said: str) -> None:
    ran = crm("--db", seeded_db, *args, user="smirnov")
    assert (ran.returncode, ran.stderr.strip()) == (2, f"crm: error: {said} {HUGE} not found"), ran.stderr
