"""A refusal of `crm task` and `crm deal` names the option the person typed, in one line of
natural Russian (issue 21's review: «исполнитель: ...» for `--to`, «клиент: X не видит клиента
N» for a `task move --to`, «срок следующего шага» for a task's due time, «сумма: сумма не может
быть отрицательной», «для Аврора»)."""

from __future__ import annotations

import json

import pytest

from tests.cli_support import crm

RU = {"CRM_LOCALE": "ru"}


@pytest.fixture
def ids(seeded_db: str) -> dict[str, str]:
    """A task of Иванова's on Ромашка and a deal of hers, set by Смирнов."""
    db = ("--db", seeded_db)
    task = crm(*db, "task", "add", "Позвонить", "--due", "завтра 10:00", "--to", "ivanova", "--client",
               "Ромашка", "--json", user="smirnov")  # fmt: skip
    deal = crm(*db, "deal", "add", "Ромашка", "--title", "Насосы", "--json", user="ivanova")
    return {"task": str(json.loads(task.stdout)["id"]), "deal": str(json.loads(deal.stdout)["id"])}


CASES = [
    (("task", "move", "{task}", "--due", "вчера"), "ivanova",
     "--due: «вчера» уже прошло: срок — не раньше, чем сейчас"),
    (("task", "move", "{task}", "--to", "nobody"), "ivanova", "--to: нет действующего пользователя «nobody»"),
    (("task", "move", "{task}", "--to", "petrov"), "ivanova", "--to: «petrov» работает не в вашем регионе"),
    (("task", "add", "Т", "--due", "завтра", "--kind", "пение"), "ivanova",
     "--kind: «пение» — не вид задачи: call, meeting, email, todo"),
    (("task", "add", "Т", "--due", "завтра", "--deal", "abc"), "ivanova", "--deal: «abc» — не номер сделки"),
    (("task", "cancel", "{task}", "--reason", " "), "ivanova", "--reason: укажите, почему задача отменена"),
    (("task", "done", "{task}", "--result", " "), "ivanova",
     "--result: напишите, чем закончилась задача: без результата её не закрыть"),
    (("deal", "add", "Ромашка", "--title", "Т", "--amount", "-5"), "ivanova",
     "--amount: сумма не может быть отрицательной: «-5»"),
    (("deal", "add", "Ромашка", "--title", "Т", "--close", "01.01.1900"), "ivanova",
     "--close: 01.01.1900 — это больше года назад, а ожидаемое закрытие — впереди"),
    (("deal", "add", "Ромашка", "--title", "Т", "--owner", "petrov"), "smirnov",
     "--owner: отдать сделку «petrov» нельзя: менеджер ведёт свои сделки сам, руководитель передаёт их в "
     "пределах региона"),
    (("deal", "edit", "{deal}", "--set", "amount=много"), "ivanova",
     "--set amount: «много» — не денежная сумма"),
    (("deal", "edit", "{deal}", "--set", "colour=red"), "ivanova",
     "--set colour: у сделки нет поля «colour»; поля: title, amount, close, owner"),
    (("deal", "lines", "{deal}", "--add", "Болт;1;шт;10;20", "--add", "Гайка;много;шт;1;20"), "ivanova",
     "--add «Гайка;много;шт;1;20»: количество: «много» — не количество: пишите число, например 2 или 1,5"),
    (("deal", "lines", "{deal}", "--add", "Болт;1;шт;10;18"), "ivanova",
     "--add «Болт;1;шт;10;18»: НДС: «18» — не ставка НДС: одна из 0, 5, 7, 10, 20, 22 или без НДС"),
    (("deal", "lines", "{deal}", "--remove", "9"), "ivanova", "--remove: у сделки нет строки 9"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "user", "line"), CASES)
def test_a_refusal_names_the_option_typed_in_one_russian_line(
    seeded_db: str, ids: dict[str, str], command: tuple[str, ...], user: str, line: str
) -> None:
    done = crm("--db", seeded_db, *(part.format(**ids) for part in command), user=user, extra_env=RU)
    assert done.returncode == 2
    assert done.stderr == f"crm: ошибка: {line}\n"


def test_a_colleague_who_cannot_see_the_client_is_refused_on_to(seeded_db: str, ids: dict[str, str]) -> None:
    """The task is on Ромашка; a new Москва manager sees only her own clients."""
    db = ("--db", seeded_db)
    crm(*db, "user", "add", "orlova", "--name", "Орлова Анна", "--region", "Москва", user="admin", check=True)
    done = crm(*db, "task", "move", ids["task"], "--to", "orlova", user="smirnov", extra_env=RU)
    assert done.returncode == 2
    romashka = _romashka(seeded_db)
    assert done.stderr == (
        f"crm: ошибка: --to: orlova не видит клиента {romashka}: поставьте задачу ответственному за клиента\n"
    )


def test_a_new_deal_names_its_client_in_russian(seeded_db: str) -> None:
    done = crm("--db", seeded_db, "deal", "add", "Ромашка", "--title", "Насосы", user="ivanova", extra_env=RU)
    assert done.returncode == 0
    assert "открыта, клиент «Ромашка»: " in done.stdout


def _romashka(db: str) -> int:
    from sqlalchemy import create_engine, select

    from crm_tui.storage.models import clients

    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(clients.c.id).where(clients.c.name == "Ромашка")) or 0)
    finally:
        engine.dispose()
