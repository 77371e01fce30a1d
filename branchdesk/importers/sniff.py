"""What a file really is, from its first bytes and its zip or OLE directory, not its name.

Broker systems save HTML tables, tab-separated text and real .xlsx files under a .xls name;
password-protected .xlsx files are OLE containers, like .xls. Reads the first bytes and the
directories only.
"""

from __future__ import annotations

import codecs
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from branchdesk.importers.safety import Kind, Limits, check_end_record, refuse

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def detect(path: Path, head: bytes, limits: Limits) -> Kind:
    """The real format from the first bytes (and the zip or OLE directory), not the name."""
    if head.startswith(_ZIP_MAGICS):
        return _zip_kind(path, limits)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(path)
    text = _sniff_text(head)
    if text is None or head.startswith((b"%PDF", b"{\\rtf")):
        raise refuse("not_spreadsheet", path)
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("<"):
        # broker systems often save an HTML table or an XML document under a .xls name
        if "urn:schemas-microsoft-com:office:spreadsheet" in text:
            raise refuse("xml_spreadsheet", path)
        if "<table" in start or "<html" in start or start.startswith("<!doctype html"):
            return "html"
        raise refuse("not_spreadsheet", path)
    return "text"


def _sniff_text(head: bytes) -> str | None:
    """The start of the file as text, or None when it looks binary (NUL bytes, no UTF-16 BOM).
    Text in an unknown encoding still counts as text: the CSV reader names the problem."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(codec, "replace")
    if b"\x00" in head:
        return None
    for codec in ("utf-8", "gb18030"):
        try:
            return decode_sample(head, codec)
        except UnicodeDecodeError:
            continue
    return head.decode("latin-1")


def decode_sample(head: bytes, codec: str) -> str:
    """Decode the first bytes of a file strictly; only a character cut at the end is let go."""
    try:
        return head.decode(codec)
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            raise
        return head[:error.start].decode(codec)


def _zip_kind(path: Path, limits: Limits) -> Kind:
    check_end_record(path, limits)
    try:
        with zipfile.ZipFile(path) as z:
            # seen in the wild: Windows separators (xl\workbook.xml), a workbook at the root
            names = {n.replace("\\", "/").lower() for n in z.namelist()}
            mime = b""
            if "mimetype" in z.namelist():
                with z.open("mimetype") as f:
                    mime = f.read(100)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise refuse("corrupt", path) from None
    if any(n == "workbook.xml" or n.endswith("/workbook.xml") for n in names):
        return "xlsx"
    if any(n == "workbook.bin" or n.endswith("/workbook.bin") for n in names):
        return "xlsb"
    if mime.startswith(_ODS_MIME) or (not mime and "content.xml" in names):
        return "ods"
    if "encryptedpackage" in names:
        raise refuse("encrypted", path)
    raise refuse("not_spreadsheet", path)


def _ole_kind(path: Path) -> Kind:
    """Excel 97-2003 files and password-protected .xlsx files are both OLE containers."""
    with path.open("rb") as f:
        names = {name.lower() for name in ole_stream_names(f, path)}  # some write WORKBOOK
    if names & {"encryptioninfo", "encryptedpackage"}:
        raise refuse("encrypted", path)
    if names & {"workbook", "book"}:
        return "xls"
    raise refuse("not_spreadsheet", path)


def ole_stream_names(f: BinaryIO, path: Path) -> Iterator[str]:
    """Names in an OLE (Compound File) directory, following the FAT chain with bounds."""
    header = f.read(512)
    if len(header) < 512:
        raise refuse("corrupt", path)
    shift, = struct.unpack_from("<H", header, 30)
    if shift not in (9, 12):
        raise refuse("corrupt", path)
    size = 1 << shift
    n_fat, dir_start = struct.unpack_from("<II", header, 44)
    difat_next, n_difat = struct.unpack_from("<II", header, 68)
    end = f.seek(0, 2)
    max_sectors = end // size + 1
    if n_fat > max_sectors or n_difat > max_sectors:
        raise refuse("corrupt", path)

    def sector(number: int) -> bytes:
        f.seek((number + 1) << shift)
        data = f.read(size)
        if len(data) < size:
            raise refuse("corrupt", path)
        return data

    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    for _ in range(n_difat):
        if difat_next >= max_sectors:
            break
        block = struct.unpack(f"<{size // 4}I", sector(difat_next))
        fat_sectors.extend(block[:-1])
        difat_next = block[-1]
    fat: list[int] = []
    for number in fat_sectors[:n_fat]:
        if number >= max_sectors:
            raise refuse("corrupt", path)
        fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))
    current, seen = dir_start, 0
    while current < len(fat) and seen < min(max_sectors, 10_000):
        block = sector(current)
        for offset in range(0, size, 128):
            name_len, kind = struct.unpack_from("<HB", block, offset + 64)
            if kind in (1, 2, 5) and 2 <= name_len <= 64:
                yield block[offset:offset + name_len - 2].decode("utf-16-le", "replace")
        current, seen = fat[current], seen + 1
    if seen == 0:
        raise refuse("corrupt", path)
