"""A real SMTP server on loopback for the outbox tests: aiosmtpd in a thread of the test
process, keeping every letter it accepted. Addresses starting with ``bounce`` are refused for
good (550), ``later`` for now (451), and a letter to ``spam`` is rejected as spam at DATA (554)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest


@dataclass
class Received:
    mail_from: str
    to: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"]).strip("<>")


@dataclass
class Mailbox:
    port: int
    letters: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0
    """Seconds the server takes over each letter's DATA, as a real server does: a test that must
    catch a worker in the middle of its letters sets it (a fast worker finished before)."""

    def message_ids(self) -> list[str]:
        with self.lock:
            return [r.message_id for r in self.letters]


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 No such user"
        if address.startswith("later"):
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if any(a.startswith("spam") for a in envelope.rcpt_tos):
            return "554 5.7.1 Message rejected as spam"
        if self.box.delay:
            await asyncio.sleep(self.box.delay)
        with self.box.lock:
            self.box.letters.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox(_free_port())
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
