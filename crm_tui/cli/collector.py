"""The cyclic garbage collector paused around a headless batch job (an import, a duplicate scan).

Such a job allocates millions of small acyclic objects; the cyclic collector would rescan them
over and over (a tenth of an import, a third of a scan) and free nothing. Pausing it is a
setting of the whole process, so only the CLI does it, around the one job the process runs.
The App runs the same jobs in a thread beside the screens and leaves the collector alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; collection as it was before afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
