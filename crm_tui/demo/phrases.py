"""What the demo writes in words, in the base's language: positions, deal titles, what was said
in a call or a letter, notes, tasks and their results.

A base has one language (``crm_tui.domain.base_language``): its funnel, lost reasons and
portrait are written in it, and so is everything the demo puts beside them. The texts are
English msgids (context ``demo``) with their Russian in the catalogue; ``Phrases`` translates
them all once per build, and the generators draw msgids (the random streams, and so the base a
seed builds, are the same in every language) and write ``phrases[msgid]``. People, companies,
cities and e-mail addresses are names, the same in every language (``vocabulary``).
"""

from __future__ import annotations

from collections.abc import Iterable

from crm_tui.i18n import NC_, in_language

CONTEXT = "demo"

POSITIONS = (
    (NC_("demo", "General director"), 10),
    (NC_("demo", "Director"), 6),
    (NC_("demo", "Commercial director"), 6),
    (NC_("demo", "Chief accountant"), 9),
    (NC_("demo", "Accountant"), 5),
    (NC_("demo", "Purchasing manager"), 12),
    (NC_("demo", "Head of procurement"), 7),
    (NC_("demo", "Procurement specialist"), 6),
    (NC_("demo", "Chief engineer"), 5),
    (NC_("demo", "Technical director"), 4),
    (NC_("demo", "Deputy director"), 4),
    (NC_("demo", "Project manager"), 4),
    (NC_("demo", "Lawyer"), 3),
    (NC_("demo", "Office manager"), 4),
    (NC_("demo", "Cost engineer"), 3),
    (NC_("demo", "Site foreman"), 2),
    (NC_("demo", "Warehouse manager"), 2),
    (NC_("demo", "Financial director"), 3),
)

PRODUCTS = (
    NC_("demo", "rolled metal"), NC_("demo", "roofing materials"), NC_("demo", "ventilation equipment"),
    NC_("demo", "office furniture"), NC_("demo", "workwear"), NC_("demo", "electric cable"),
    NC_("demo", "pumping equipment"), NC_("demo", "sandwich panels"), NC_("demo", "HDPE pipes"),
    NC_("demo", "light fittings"), NC_("demo", "building mixes"), NC_("demo", "paving slabs"),
    NC_("demo", "packaging"), NC_("demo", "lubricants"), NC_("demo", "spare parts for machinery"),
    NC_("demo", "seeds and fertilisers"), NC_("demo", "compound feed"), NC_("demo", "server equipment"),
    NC_("demo", "laptops"), NC_("demo", "paints and coatings"), NC_("demo", "boiler equipment"),
    NC_("demo", "rebar"), NC_("demo", "insulation"),
)  # fmt: skip
"""What is supplied; a title says "Supply of {product}" (Russian: the genitive, «Поставка металлопроката»)."""
SUPPLY = NC_("demo", "Supply of {product}")
SUPPLY_IN_QUARTER = NC_("demo", "Supply of {product}, Q{quarter}")
TENDER = NC_("demo", "Tender: supply of {product}")
SERVICES = (
    NC_("demo", "Ventilation installation"), NC_("demo", "Servicing"), NC_("demo", "Annual supply contract"),
    NC_("demo", "Commissioning"), NC_("demo", "Machinery rental"), NC_("demo", "Design work"),
    NC_("demo", "Technical maintenance"), NC_("demo", "1C implementation"),
    NC_("demo", "Boiler room servicing"), NC_("demo", "IT outsourcing"), NC_("demo", "Freight transport"),
    NC_("demo", "Site security"),
)  # fmt: skip

INBOUND = {
    "call": (
        NC_("demo", "Inbound call: asked about delivery times"),
        NC_("demo", "Called to check stock"),
        NC_("demo", "Asked to call back about the invoice"),
        NC_("demo", "Delivery question, waiting for the truck"),
        NC_("demo", "Call from accounts: need a reconciliation"),
        NC_("demo", "Asking about a volume discount"),
        NC_("demo", "New enquiry, asked for a commercial proposal"),
    ),
    "email": (
        NC_("demo", "Price list request"),
        NC_("demo", "Sent their details for the contract"),
        NC_("demo", "Asking for a prepayment invoice"),
        NC_("demo", "Lawyer's comments on the contract"),
        NC_("demo", "Request for a supply proposal"),
        NC_("demo", "Quarterly reconciliation statement"),
        NC_("demo", "Letter: order confirmed"),
    ),
    "message": (
        NC_("demo", "Please send the contract"),
        NC_("demo", "When will the truck come?"),
        NC_("demo", "Can we have an invoice with VAT?"),
        NC_("demo", "Send photos of the samples"),
        NC_("demo", "Paid, please check the payment"),
        NC_("demo", "Is it in stock?"),
    ),
    "meeting": (
        NC_("demo", "Came to a meeting themselves: discussed volumes"),
        NC_("demo", "Client visit to the office"),
    ),
}
OUTBOUND = {
    "call": (
        NC_("demo", "Discussed the payment schedule"),
        NC_("demo", "Asked about next quarter's needs"),
        NC_("demo", "Reminded about the invoice"),
        NC_("demo", "Presented the new range"),
        NC_("demo", "No answer, call back"),
        NC_("demo", "Agreed on a meeting"),
        NC_("demo", "Agreed a discount"),
    ),
    "email": (
        NC_("demo", "Sent a commercial proposal"),
        NC_("demo", "Sent the invoice"),
        NC_("demo", "Sent the contract for signing"),
        NC_("demo", "Mailing: new arrivals"),
        NC_("demo", "Sent the reconciliation statement"),
    ),
    "message": (
        NC_("demo", "Reminded about the meeting"),
        NC_("demo", "Sent photos of the samples"),
        NC_("demo", "Told them the truck has left"),
        NC_("demo", "Checked the delivery address"),
    ),
    "meeting": (
        NC_("demo", "Meeting at the client's: equipment presentation"),
        NC_("demo", "Negotiating the contract terms"),
        NC_("demo", "Site visit, measurements"),
    ),
}
NOTES = (
    NC_("demo", "Client asks for 30 days' payment deferral"),
    NC_("demo", "Decision maker is the general director, decides alone"),
    NC_("demo", "A competitor offered a price 7% lower"),
    NC_("demo", "Buys quarterly, budget approved in January"),
    NC_("demo", "Prefer to be contacted by messenger"),
    NC_("demo", "Important: delivery only before 14:00"),
)

TASKS = (
    ("call", NC_("demo", "Call: ask about their needs")),
    ("call", NC_("demo", "Remind about the invoice")),
    ("call", NC_("demo", "Call back about the proposal")),
    ("call", NC_("demo", "Arrange a meeting")),
    ("email", NC_("demo", "Send a commercial proposal")),
    ("email", NC_("demo", "Send the contract for signing")),
    ("email", NC_("demo", "Send the reconciliation statement")),
    ("meeting", NC_("demo", "Meeting: product presentation")),
    ("meeting", NC_("demo", "Contract negotiations")),
    ("todo", NC_("demo", "Prepare the invoice")),
    ("todo", NC_("demo", "Agree the delivery schedule")),
    ("todo", NC_("demo", "Check the payment has arrived")),
)
TASK_RESULTS = (
    NC_("demo", "Done"),
    NC_("demo", "Client confirmed"),
    NC_("demo", "Moved to next week"),
    NC_("demo", "Sent, waiting for a reply"),
    NC_("demo", "Agreed"),
)
CANCELLED = NC_("demo", "Cancelled: no longer relevant")

DOCUMENT_PREFIX = NC_("demo", "TD")
"""The trade system's prefix of document numbers (1C: «ТД00-000123»)."""
HISTORY_FILE = NC_("demo", "demo sales history")
"""Where the demo's sales documents say they came from (an import names its file)."""


def _every_msgid() -> Iterable[str]:
    yield from (title for title, _ in POSITIONS)
    yield from PRODUCTS
    yield from (SUPPLY, SUPPLY_IN_QUARTER, TENDER)
    yield from SERVICES
    for texts in (*INBOUND.values(), *OUTBOUND.values()):
        yield from texts
    yield from NOTES
    yield from (title for _, title in TASKS)
    yield from TASK_RESULTS
    yield from (CANCELLED, DOCUMENT_PREFIX, HISTORY_FILE)


class Phrases(dict[str, str]):
    """Every demo msgid -> its text in ``language``; ``phrases[msgid]`` is what is written."""

    def __init__(self, language: str) -> None:
        super().__init__((m, in_language(language, m, context=CONTEXT)) for m in _every_msgid())
        self.language = language
