"""Files the project writes for a person (errors files, exports): readable by their owner only.

Rejected rows and exports are personal data (names, phones, e-mails). Written with the default
umask they were 0644 in folders of 0755: anybody with a shell on the host could read them. Every
such file is created 0600 whatever the umask, and a folder the project makes for them is 0700;
a folder of the project's own that an older version left open to others is closed. A folder the
person chose (the one beside the file they imported) is theirs: it is left as it is, the file in
it is still 0600.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Literal, overload

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path, *, ours: bool = False) -> Path:
    """``folder`` (and its missing parents) made 0700 where missing; a folder of the project's
    own (``ours``: the errors folder in the data folder) that is there already and this user's
    has what others could read of it taken away."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for path in reversed(missing):
        try:
            path.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue
        os.chmod(path, FOLDER_MODE)  # the umask may have taken bits off
    if not ours:
        return folder
    info = folder.stat()
    if info.st_uid == os.getuid() and info.st_mode & (stat.S_IRWXO | stat.S_IRWXG):
        os.chmod(folder, stat.S_IMODE(info.st_mode) & ~(stat.S_IRWXO | stat.S_IRWXG))
    return folder


@overload
def open_private(path: Path, mode: Literal["wb"]) -> IO[bytes]: ...
@overload
def open_private(path: Path, mode: Literal["w"], encoding: str, newline: str) -> IO[str]: ...
def open_private(
    path: Path, mode: str, encoding: str | None = None, newline: str | None = None
) -> IO[bytes] | IO[str]:
    """``path`` opened for writing (made, or emptied), 0600 before a byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode through O_CREAT; the umask
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, mode, encoding=encoding, newline=newline)
