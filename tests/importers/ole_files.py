"""Hand-made OLE2 files: a BIFF8 .xls workbook and password-protected Excel files.

Nothing installed writes .xls (xlwt is long dead) and msoffcrypto is not available, so the two
containers are crafted here from the specs ([MS-CFB] compound file, [MS-XLS] BIFF8 records),
with just the records a reader needs: BOF, CODEPAGE, XF (general and date formats), BOUNDSHEET,
LABEL, NUMBER, EOF; and FILEPASS for an .xls with a password.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from datetime import date, datetime

_SECTOR = 512
_MINI_CUTOFF = 4096
_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,  # black
        _NOSTREAM,
        right,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def cfb_container(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` (up to three, each padded to 4 KiB so no
    mini stream is needed)."""
    assert 1 <= len(streams) <= 3
    padded = {name: data.ljust(_MINI_CUTOFF, b"\0") for name, data in streams.items()}
    fat = [_FATSECT, _END]  # sector 0: the FAT itself, sector 1: the directory
    starts: list[int] = []
    body = b""
    for stream in padded.values():
        data = stream.ljust(-(-len(stream) // _SECTOR) * _SECTOR, b"\0")
        count = len(data) // _SECTOR
        start = len(fat)
        starts.append(start)
        fat.extend([*range(start + 1, start + count), _END])
        body += data
    assert len(fat) <= _SECTOR // 4, "the test container fits one FAT sector"
    fat_sector = struct.pack(f"<{_SECTOR // 4}I", *(fat + [_FREE] * (_SECTOR // 4 - len(fat))))
    entries = [_dir_entry("Root Entry", 5, 1, _NOSTREAM, _END, 0)]
    for i, (name, data) in enumerate(padded.items(), start=1):
        right = i + 1 if i < len(padded) else _NOSTREAM
        entries.append(_dir_entry(name, 2, _NOSTREAM, right, starts[i - 1], len(data)))
    while len(entries) < 4:
        entries.append(_dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        OLE2_MAGIC,
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,  # FAT sectors
        1,  # first directory sector
        0,
        _MINI_CUTOFF,
        _END,
        0,
        _END,
        0,
    ) + struct.pack("<109I", 0, *([_FREE] * 108))
    return header + fat_sector + b"".join(entries) + body


# --- BIFF8 -----------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _cell(row: int, col: int, value: object) -> bytes:
    if value is None or value == "":
        return b""
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        serial = float((day - _EXCEL_EPOCH).days)
        if isinstance(value, datetime):
            serial += (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        return _record(0x0203, struct.pack("<HHHd", row, col, 1, serial))  # XF 1: a date format
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return _record(0x0203, struct.pack("<HHHd", row, col, 0, float(value)))
    text = str(value)
    return _record(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 1) + text.encode("utf-16-le"))


def biff8_workbook(sheets: Mapping[str, Sequence[Sequence[object]]], *, password: bool = False) -> bytes:
    """The "Workbook" stream of an .xls with these sheets (rows of str/number/date/None).

    With ``password`` the globals carry a FILEPASS record, as Excel writes for a protected file.
    """
    head = _bof(0x0005)
    if password:
        head += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48)  # RC4 encryption header
    head += _record(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
    head += _record(0x00E0, struct.pack("<HH", 0, 0) + b"\0" * 16)  # XF 0: General
    head += _record(0x00E0, struct.pack("<HH", 0, 14) + b"\0" * 16)  # XF 1: built-in date format 14
    bound_sizes = [4 + 8 + 2 * len(name) for name in sheets]
    globals_size = len(head) + sum(bound_sizes) + 4  # + EOF
    bodies: list[bytes] = []
    for rows in sheets.values():
        cells = b"".join(_cell(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row))
        bodies.append(_bof(0x0010) + cells + _record(0x000A))
    offset = globals_size
    bound = b""
    for name, body in zip(sheets, bodies, strict=True):
        bound += _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))
        offset += len(body)
    return head + bound + _record(0x000A) + b"".join(bodies)


def xls_bytes(sheets: Mapping[str, Sequence[Sequence[object]]], *, password: bool = False) -> bytes:
    """A whole .xls file (BIFF8 in an OLE2 container)."""
    return cfb_container({"Workbook": biff8_workbook(sheets, password=password)})


def encrypted_ooxml_bytes() -> bytes:
    """What Excel writes for an .xlsx saved with a password: an OLE2 box with the encryption
    header and the encrypted package (random bytes stand in for the AES ciphertext)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return cfb_container({"EncryptionInfo": info, "EncryptedPackage": bytes(range(256)) * 20})
