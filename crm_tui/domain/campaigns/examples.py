"""The shipped example: seed 000's drip for lost clients, letters on days 8, 15 and 20 (a
reminder of us, a case, an offer), written in the base's language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm_tui.domain.base_language import base_text
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft
from crm_tui.i18n import NC_

LOST_DRIP = "lost-drip"

_STEPS = (
    (
        8,
        NC_("letter", "{{ client }}: we have not heard from you for a while"),
        NC_(
            "letter",
            "Good afternoon, {{ name_patronymic }}!\n\n"
            "It has been a while since your last order with us. We have new stock and the prices "
            "of last season still hold. Should anything be needed, just reply to this letter.\n\n"
            "{{ owner_signature }}\n{{ owner_name }}, {{ owner_phone }}",
        ),
    ),
    (
        15,
        NC_("letter", "How a company like {{ client }} cut its costs"),
        NC_(
            "letter",
            "{{ name_patronymic }}, good afternoon!\n\n"
            "One of our clients in your trade moved its supply to us this spring and pays a tenth "
            "less for it now, with delivery in two days. I can tell you how it went for them.\n\n"
            "{{ owner_signature }}\n{{ owner_name }}, {{ owner_phone }}",
        ),
    ),
    (
        20,
        NC_("letter", "An offer for {{ client }} until the end of the month"),
        NC_(
            "letter",
            "{{ name_patronymic }}, good afternoon!\n\n"
            "For our clients of past years: 7% off your next order until the end of the month. "
            "Reply to this letter or call me and I will prepare the invoice.\n\n"
            "{{ owner_signature }}\n{{ owner_name }}, {{ owner_phone }}",
        ),
    ),
)


def lost_drip(session: Session, name: str) -> CampaignDraft:
    """The lost-client drip as a draft, its letters in the base's language."""
    steps = tuple(
        StepDraft(day, base_text(session, "letter", subject), base_text(session, "letter", text))
        for day, subject, text in _STEPS
    )
    return CampaignDraft(name, audience={"segment": "lost"}, steps=steps)
