"""Files under review: read with the fingerprint of their bytes, saved atomically, watched for changes.

A review must not overwrite a file someone else changed while it was open, so it
remembers the SHA-256 of the bytes it read (`OpenedDocument.fingerprint`) and
compares it with the file on disk before each save. Reading applies the checks
and messages of `files.read_document` (what `check` does); writing goes through
`files.write_document`, the atomic writer of `fix --write`, so encoding, byte-order
mark, line endings and permissions are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from respin.documents.files import DEFAULT_MAX_BYTES, STDIN, Document, InputError, decode, read_bytes, write_document
from respin.review.store import content_fingerprint


@dataclass(frozen=True)
class OpenedDocument:
    """A document and the fingerprint of the bytes it was decoded from."""

    document: Document
    fingerprint: str


def open_document(path: str, encoding: str = "utf-8", max_bytes: int = DEFAULT_MAX_BYTES) -> OpenedDocument:
    """Read a file for review, or raise `InputError` with the message `check` gives."""
    if path == STDIN:
        raise InputError("review edits files in place; it cannot read standard input")
    data = read_bytes(path, max_bytes)
    return OpenedDocument(decode(data, path, encoding), content_fingerprint(data))


def fingerprint_on_disk(path: str) -> str | None:
    """The fingerprint of the file as it is now; None when it cannot be read (deleted, say)."""
    try:
        return content_fingerprint(Path(path).read_bytes())
    except OSError:
        return None


def save_document(document: Document, text: str) -> OpenedDocument:
    """Write `text` over the document's file atomically; returns the document as written."""
    write_document(document, text)
    written = Document(document.path, text, document.encoding, document.bom)
    return OpenedDocument(written, content_fingerprint(written.encode(text)))
