"""The Russian snapshots (test_screens_ru.py) read as text: no English word left on them.

What Latin text may stay (data, keys, file formats, the program's commands) and what other
branches still owe is in tests/russian_text.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.russian_text import ELSEWHERE, elsewhere_seen, english_left
from tests.snapshots.screen_text import screen_lines

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_screens_ru"


def russian_screens() -> dict[str, list[str]]:
    found = {
        path.name: screen_lines(path.read_text(encoding="utf-8")) for path in sorted(SNAPSHOTS.glob("*.svg"))
    }
    assert len(found) >= 40, f"the Russian snapshots are missing from {SNAPSHOTS}"
    return found


def test_the_russian_screens_have_no_english_word_left() -> None:
    left = [f"{name}: {line}" for name, lines in russian_screens().items() for line in english_left(lines)]
    assert left == [], "English on the Russian screens:\n" + "\n".join(left)


def test_what_other_branches_owe_is_still_on_the_screens() -> None:
    """A pattern of ``ELSEWHERE`` that no longer matches is text that has been translated since:
    remove it, so that it hides nothing."""
    seen = set().union(*(elsewhere_seen(lines) for lines in russian_screens().values()))
    assert set(ELSEWHERE) - seen == set()


def test_the_finder_sees_english() -> None:
    english = Path(__file__).parent / "__snapshots__" / "test_screens" / "test_desk.svg"
    left = english_left(screen_lines(english.read_text(encoding="utf-8")))
    assert any("Plan vs fact" in line for line in left)
    assert (
        english_left(["⏎ Открыть x Выполнено ^p Команды esc Назад", "info@romashka.ru · petrov.xlsx"]) == []
    )
