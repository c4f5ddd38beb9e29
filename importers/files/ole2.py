"""Names of the streams inside an OLE2 (Compound File Binary) file, read defensively.

Old .xls files are OLE2 containers, and so is an Excel file saved *with a password*: then the
container holds "EncryptionInfo" and "EncryptedPackage" streams instead of a workbook. Telling
the manager "the file is encrypted" beats a parser error, so the directory is read here with
bounded loops (a hostile file may chain sectors into a cycle) before calamine sees the file.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAMS = frozenset({"EncryptedPackage", "EncryptionInfo"})

_HEADER = 512
_MAX_SECTOR_ID = 0xFFFFFFFA  # ids at or above this are markers (free, end of chain, FAT, DIFAT)
_DIR_ENTRY = 128
_MAX_DIR_SECTORS = 4096


def _sector(f: BinaryIO, sector_size: int, sector_id: int) -> bytes:
    f.seek((sector_id + 1) * sector_size)  # the header fills sector "-1" (padded to 4096 in v4)
    return f.read(sector_size)


def stream_names(f: BinaryIO, file_size: int) -> list[str]:
    """Names of every directory entry; ``[]`` when the container cannot be read."""
    f.seek(0)
    header = f.read(_HEADER)
    if len(header) < _HEADER or not header.startswith(OLE2_MAGIC):
        return []
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        return []
    sector_size = 1 << shift
    max_sectors = file_size // sector_size + 1
    fat_count, first_dir = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)
    fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s < _MAX_SECTOR_ID]
    next_difat, seen = first_difat, 0
    while next_difat < _MAX_SECTOR_ID and seen < min(difat_count, max_sectors):
        ids = struct.unpack(
            f"<{sector_size // 4}I", _sector(f, sector_size, next_difat).ljust(sector_size, b"\0")
        )
        fat_sectors.extend(s for s in ids[:-1] if s < _MAX_SECTOR_ID)
        next_difat, seen = ids[-1], seen + 1
    fat: list[int] = []
    for sector_id in fat_sectors[: min(fat_count, max_sectors)]:
        data = _sector(f, sector_size, sector_id).ljust(sector_size, b"\xff")
        fat.extend(struct.unpack(f"<{sector_size // 4}I", data))

    names: list[str] = []
    sector_id, visited = first_dir, 0
    while sector_id < min(len(fat), _MAX_SECTOR_ID) and visited < _MAX_DIR_SECTORS:
        data = _sector(f, sector_size, sector_id)
        for offset in range(0, len(data) - _DIR_ENTRY + 1, _DIR_ENTRY):
            entry = data[offset : offset + _DIR_ENTRY]
            length = struct.unpack_from("<H", entry, 64)[0]
            if 2 <= length <= 64 and entry[66] in (1, 2, 5):  # storage, stream, root
                names.append(entry[: length - 2].decode("utf-16-le", errors="replace"))
        sector_id, visited = fat[sector_id], visited + 1
    return names


def is_encrypted_package(f: BinaryIO, file_size: int) -> bool:
    """True for an OOXML file saved with a password (an OLE2 box with an EncryptedPackage)."""
    return bool(ENCRYPTION_STREAMS & set(stream_names(f, file_size)))
