"""One outbox worker process for the crash tests: send what is due, print what came of it."""

from __future__ import annotations

import json
import sys

from crm_tui.domain.workspace import open_workspace
from crm_tui.scheduling.outbox_send import send_outbox


def main(url: str) -> None:
    report = send_outbox(open_workspace(url, "admin"))
    print(json.dumps(report.as_json()))


if __name__ == "__main__":
    main(sys.argv[1])
