"""Every job a screen may start: the ports of ``imports`` and ``duplicates`` together.

The app holds one object of this kind (``crm_tui.jobs.ImporterJobs`` unless a test gives it
another) and hands it to the screens that start jobs; each screen asks only for the port it uses.
"""

from __future__ import annotations

from typing import Protocol

from crm_tui.domain.duplicates.port import DuplicateJobs
from crm_tui.domain.imports.port import ImportJobs


class Jobs(ImportJobs, DuplicateJobs, Protocol):
    """The import jobs and the duplicate jobs, from one object."""
