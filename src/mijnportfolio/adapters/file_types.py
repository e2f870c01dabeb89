"""What an uploaded file really is, told from its bytes: the name and the browser's content type
are whatever the uploader says they are, the first bytes are not.

Office files are ZIP or OLE2 containers that other things (Java archives, installers, Outlook
messages) share, so the container is opened and its contents named: the main part that
``[Content_Types].xml`` declares (OOXML), the ``mimetype`` entry (OpenDocument), the stream names
of the compound file (the old formats). Nothing is extracted, and only small, bounded entries
are read, so a ZIP bomb costs no more than its own size.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from mijnportfolio.application.ports.assessment import FileCheck

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

DESCRIPTIONS = {
    PDF: "PDF-document",
    PNG: "Afbeelding (PNG)",
    JPEG: "Afbeelding (JPEG)",
    GIF: "Afbeelding (GIF)",
    WEBP: "Afbeelding (WebP)",
    DOCX: "Word-document",
    XLSX: "Excel-werkmap",
    PPTX: "PowerPoint-presentatie",
    DOC: "Office-document (oud formaat)",
    XLS: "Office-document (oud formaat)",
    PPT: "Office-document (oud formaat)",
    ODT: "OpenDocument-tekst",
    ODS: "OpenDocument-rekenblad",
}

NOT_ACCEPTED = "Dit bestandstype wordt niet geaccepteerd: alleen PDF, afbeeldingen en Office-documenten."
EMPTY = "Het bestand is leeg."
ENCRYPTED = "Dit Office-document is met een wachtwoord beveiligd; stuur het zonder wachtwoord in."

#: The main part of each OOXML type accepted, by the content type ``[Content_Types].xml`` gives it.
#: Macro-enabled and template variants have other content types and are not accepted.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Stream names of the old binary formats, as the compound file's directory spells them (UTF-16LE).
_OLE2_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),  # Excel 5/95
    ("PowerPoint Document", PPT),
)
_OLE2_ENCRYPTED = "EncryptedPackage"
#: A password-protected Office file: an OLE2 wrapper around an encrypted package.
_ENCRYPTED_OFFICE = "encrypted-office"

_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
               KeyError, NotImplementedError, RuntimeError)


def _has_ole2_entry(data: bytes, name: str) -> bool:
    """Whether the compound file's directory has an entry called ``name``.

    A directory entry is 128 bytes and starts with its name, UTF-16LE and zero-terminated; the
    sectors (512 or 4096 bytes) follow a 512-byte header. Matching only there, terminator
    included, keeps a document's own text ("Workbook" typed in a letter) from counting."""
    needle = name.encode("utf-16-le") + b"\x00\x00"
    position = data.find(needle, 512)
    while position != -1:
        if (position - 512) % 128 == 0:
            return True
        position = data.find(needle, position + 1)
    return False


class MagicFileInspector:
    """Implements FileInspector."""

    def __init__(self, *, max_entries: int = 5000, max_entry_bytes: int = 512 * 1024) -> None:
        self.max_entries = max_entries
        self.max_entry_bytes = max_entry_bytes

    def inspect(self, data: bytes, filename: str) -> FileCheck:
        # The filename is deliberately unused: a renamed file is what this port guards against.
        if not data:
            return FileCheck(None, EMPTY)
        content_type = self._sniff(bytes(data))
        if content_type is None:
            return FileCheck(None, NOT_ACCEPTED)
        if content_type == _ENCRYPTED_OFFICE:
            return FileCheck(None, ENCRYPTED)
        return FileCheck(content_type, DESCRIPTIONS[content_type])

    def _sniff(self, data: bytes) -> str | None:
        if data.startswith(b"%PDF-"):
            return PDF
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if data.startswith(b"\xff\xd8\xff"):
            return JPEG
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return GIF
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return WEBP
        if data.startswith(b"PK\x03\x04"):
            return self._zip(data)
        if data.startswith(_OLE2):
            return self._ole2(data)
        return None

    def _zip(self, data: bytes) -> str | None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                entries = archive.infolist()
                if len(entries) > self.max_entries:
                    return None
                by_name = {entry.filename: entry for entry in entries}
                mimetype = by_name.get("mimetype")
                if mimetype is not None:
                    declared = self._read(archive, mimetype).decode("ascii", "replace").strip()
                    return declared if declared in (ODT, ODS) else None
                types = by_name.get("[Content_Types].xml")
                if types is None:
                    return None
                return self._ooxml(self._read(archive, types), by_name)
        except _ZIP_ERRORS:
            return None

    def _read(self, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
        """An entry's bytes, at most ``max_entry_bytes`` whatever its header claims."""
        if entry.file_size > self.max_entry_bytes:
            raise ValueError("entry too large")
        with archive.open(entry) as stream:
            content = stream.read(self.max_entry_bytes + 1)
        if len(content) > self.max_entry_bytes:
            raise ValueError("entry larger than it says")
        return content

    def _ooxml(self, content_types: bytes, by_name: dict[str, zipfile.ZipInfo]) -> str | None:
        try:
            root = fromstring(content_types)
        except (ParseError, DefusedXmlException, ValueError):
            return None
        for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
            kind = _OOXML_MAIN.get((override.get("ContentType") or "").strip())
            part = (override.get("PartName") or "").lstrip("/")
            if kind and part in by_name:
                return kind
        return None

    @staticmethod
    def _ole2(data: bytes) -> str | None:
        if _has_ole2_entry(data, _OLE2_ENCRYPTED):
            return _ENCRYPTED_OFFICE
        for name, kind in _OLE2_STREAMS:
            if _has_ole2_entry(data, name):
                return kind
        return None  # an installer, an Outlook message, a Visio drawing: not an accepted type
