"""Every job a screen may start: the ports of ``imports``, ``duplicates`` and ``inbound`` together.

The app holds one object of this kind (``crm_tui.jobs.ImporterJobs`` unless a test gives it
another) and hands it to the screens that start jobs; each screen asks only for the port it uses.
"""

from __future__ import annotations

from typing import Protocol

from crm_tui.domain.duplicates.port import DuplicateJobs
from crm_tui.domain.imports.port import ImportJobs
from crm_tui.domain.inbound.port import MailJobs


class Jobs(ImportJobs, DuplicateJobs, MailJobs, Protocol):
    """The import jobs, the duplicate jobs and the mailbox reader, from one object."""
