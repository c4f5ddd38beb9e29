"""The seeded team's base as a Russian team has it: the shipped funnel, lost reasons, playbooks and
portrait fields named in Russian.

What the system writes into a base is in the base's language (a new base takes the language of
whoever creates it); the tests of the Russian interface rename what the seed created in English,
by code or key, so that what they show does not depend on how a base chose its language.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Engine

from crm_tui.storage.database import write_session
from crm_tui.storage.models import field_defs, lost_reasons, pipelines, playbook_steps, stages

PIPELINE = "Воронка продаж"
STAGES = {
    "new": "Новое обращение",
    "qualification": "Квалификация",
    "proposal": "КП отправлено",
    "invoice": "Счёт выставлен",
    "awaiting_payment": "Ждём оплату",
    "won": "Успешно",
    "lost": "Проиграно",
}
LOST_REASONS = {
    "Price too high": "Дорого",
    "Chose a competitor": "Выбрали конкурента",
    "No budget": "Нет бюджета",
    "No response": "Не выходит на связь",
    "Not our client": "Не наш клиент",
    "Postponed indefinitely": "Отложили на неопределённый срок",
}
PLAYBOOK_STEPS = {
    "Call back: qualify the inquiry": "Перезвонить: квалифицировать обращение",
    "Send the company presentation": "Отправить презентацию компании",
    "Meeting: needs, budget, decision maker": "Встреча: потребность, бюджет, кто решает",
    "Call about the proposal": "Звонок по КП",
    "Follow up: objections to the proposal": "Снять возражения по КП",
    "Check the invoice reached the payer": "Проверить, что счёт дошёл до плательщика",
    "Remind about the payment": "Напомнить об оплате",
}
FIELDS = {
    "headcount": ("Численность сотрудников", []),
    "annual_turnover": ("Годовой оборот", []),
    "conflict_level": ("Конфликтность", ["низкая", "средняя", "высокая"]),
    "market_segment": (
        "Сегмент рынка",
        ["розница", "опт", "производство", "строительство", "услуги", "госсектор"],
    ),
}


def name_in_russian(engine: Engine) -> None:
    """Rename the shipped funnel, reasons, playbook steps and portrait fields of the base."""
    with write_session(engine) as session:
        run = session.connection().execute
        run(update(pipelines).where(pipelines.c.is_default).values(name=PIPELINE))
        for code, name in STAGES.items():
            run(update(stages).where(stages.c.code == code).values(name=name))
        for english, russian in LOST_REASONS.items():
            run(update(lost_reasons).where(lost_reasons.c.name == english).values(name=russian))
        for english, russian in PLAYBOOK_STEPS.items():
            run(update(playbook_steps).where(playbook_steps.c.title == english).values(title=russian))
        for key, (label, choices) in FIELDS.items():
            values: dict[str, object] = {"label": label}
            if choices:
                values["choices"] = choices
            run(update(field_defs).where(field_defs.c.key == key).values(**values))
