"""Which kinds of file a case accepts as evidence, told by their content (magic bytes), never by their name.

Pure: takes a seekable binary stream and names, returns values. Office files are zips, so a DOCX or XLSX
is recognised only when its package declares the Word or Excel main part and carries no macros.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

HEAD_BYTES = 64
PDF_TAIL_BYTES = 1024  # where readers look for the final %%EOF
CONTENT_TYPES_MAX_BYTES = 1 << 20
GENERIC_DECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]  # the first is the one given to downloads
    aliases: tuple[str, ...] = ()  # other declared types browsers send for it

    def accepts_declared(self, declared: str) -> bool:
        declared = declared.split(";")[0].strip().lower()
        return declared in GENERIC_DECLARED or declared == self.mime or declared in self.aliases

    def accepts_name(self, name: str) -> bool:
        """A name without extension is fine; one with an extension must be one of this type's."""
        suffix = PurePosixPath(name).suffix.lower()
        return not suffix or suffix in self.extensions


PDF = FileType("application/pdf", (".pdf",), ("application/x-pdf",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg", ".jfif"), ("image/jpg", "image/pjpeg"))
PNG = FileType("image/png", (".png",), ("image/x-png",))
WEBP = FileType("image/webp", (".webp",))
HEIC = FileType("image/heic", (".heic", ".heif"), ("image/heif",))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ALLOWED = (PDF, JPEG, PNG, WEBP, HEIC, DOCX, XLSX)

# The main part each Office type declares in [Content_Types].xml (the macro-enabled variants differ).
_OFFICE_MAIN_PARTS = {
    DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def detect(stream: IO[bytes]) -> FileType | None:
    """The allowed type the content is, or None for anything else; leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    try:
        if head.startswith(b"%PDF-"):
            return PDF if _pdf_complete(head, stream) else None
        if head.startswith(b"PK\x03\x04"):
            return _office(stream)
        return _image(head)
    finally:
        stream.seek(0)


def _image(head: bytes) -> FileType | None:
    if head[:3] == b"\xff\xd8\xff" and len(head) > 3 and 0xC0 <= head[3] <= 0xFE:
        return JPEG
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"):
        return WEBP
    if head[4:8] == b"ftyp" and _heic_brands(head) & HEIC_BRANDS:
        return HEIC
    return None


def _heic_brands(head: bytes) -> set[bytes]:
    box_size = min(int.from_bytes(head[:4], "big"), len(head))
    brands = {head[8:12]}
    brands.update(head[offset : offset + 4] for offset in range(16, box_size - 3, 4))
    return brands


def _pdf_complete(head: bytes, stream: IO[bytes]) -> bool:
    """A PDF header (version 1.x or 2.x) and an end-of-file marker near the end, as readers require."""
    if head[5:7] not in (b"1.", b"2."):
        return False
    stream.seek(0, 2)
    stream.seek(max(0, stream.tell() - PDF_TAIL_BYTES))
    return b"%%EOF" in stream.read(PDF_TAIL_BYTES)


def _office(stream: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros: not accepted as evidence
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX_BYTES:
                return None
            declared = package.read(info)
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return None
    for file_type, main_part in _OFFICE_MAIN_PARTS.items():
        if main_part in declared:
            return file_type
    return None
