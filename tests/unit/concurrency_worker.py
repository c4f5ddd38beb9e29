"""One manager process for the concurrency test: read a client, increment a value, save with the
version seen, retry when somebody saved first. Any other failure ends the process non-zero."""

from __future__ import annotations

import json
import sys

from sqlalchemy import select

from crm_tui.domain.clients.edit import edit_client
from crm_tui.domain.errors import StaleEdit
from crm_tui.domain.workspace import open_workspace
from crm_tui.storage.models import clients


def main(url: str, login: str, client_id: int, rounds: int) -> None:
    ws = open_workspace(url, login)
    stale = 0
    for _ in range(rounds):
        while True:
            with ws.read() as session:
                version, region = session.execute(
                    select(clients.c.version, clients.c.region).where(clients.c.id == client_id)
                ).one()
            try:
                with ws.write() as session:
                    edit_client(
                        session, ws.viewer, ws.now(), client_id, version, {"region": str(int(region) + 1)}
                    )
                break
            except StaleEdit:
                stale += 1
    print(json.dumps({"stale": stale}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
