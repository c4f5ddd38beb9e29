"""Files a letter of the outbox carries that are no deal's document (the weekly digest's
workbook): stored beside the letter when it is queued (``outbox_files``, migration 0030) and
attached when it is sent, so the letter sent by SMTP is the one queued, whenever it goes."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.storage.models import outbox_files

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def keep_file(session: Session, outbox_id: int, file_name: str, content_type: str, content: bytes) -> None:
    """A file for the letter ``outbox_id``, in the transaction that queues it."""
    session.execute(
        insert(outbox_files).values(
            outbox_id=outbox_id, file_name=file_name, content_type=content_type, content=content
        )
    )


def attach_files(session: Session, message: EmailMessage, outbox_id: int) -> list[str]:
    """The letter's kept files attached to ``message``, in the order they were kept; their names."""
    names = []
    for name, content_type, content in session.execute(
        select(outbox_files.c.file_name, outbox_files.c.content_type, outbox_files.c.content)
        .where(outbox_files.c.outbox_id == outbox_id)
        .order_by(outbox_files.c.id)
    ):
        main, _, sub = str(content_type).partition("/")
        message.add_attachment(
            bytes(content), maintype=main, subtype=sub or "octet-stream", filename=str(name)
        )
        names.append(str(name))
    return names
