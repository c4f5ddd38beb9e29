"""The parsing process of a big import starts without the database layer: it reads no base, and
its start is the time the importing process waits for the first rows."""

from __future__ import annotations

import subprocess
import sys


def test_the_parsing_process_loads_no_database_layer() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from crm_tui.importers.clients.parse_process import main\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'psycopg', 'textual'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == "[]"
