"""Reading input safely and writing output atomically.

Input is decoded strictly: a binary file or one that is not valid in the chosen
encoding raises `InputError` naming the file, and nothing is written. Line
endings are kept exactly as they are (no newline translation), and a UTF-8
byte-order mark is remembered so that writing restores it. A file respin
writes is either its old content or the complete new content: the new bytes go
to a temporary file beside it, are flushed to disk, and replace the old file in
one `os.replace`.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"
_BINARY_SNIFF = 8192


class InputError(Exception):
    """Input respin cannot check; the message names the file and says why."""


class BinaryInputError(InputError):
    """Input that holds NUL bytes: not text. Files found by walking a directory are skipped for it."""


@dataclass(frozen=True)
class Document:
    """A decoded input: where it came from, its text, and how to encode it back."""

    path: str
    text: str
    encoding: str
    bom: bool = False

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def display_name(path: str) -> str:
    """How messages name a path; standard input is `<stdin>`."""
    return "<stdin>" if path == STDIN else path


def decode(data: bytes, path: str, encoding: str = "utf-8") -> Document:
    """Decode raw bytes as a document, or raise `InputError`."""
    name = display_name(path)
    if b"\x00" in data[:_BINARY_SNIFF] and not encoding.lower().startswith("utf-16"):
        raise BinaryInputError(f"{name}: binary file (contains NUL bytes); not checked")
    bom = encoding.lower().replace("_", "-") in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not valid {encoding} (byte 0x{data[error.start]:02x} at offset {error.start}); "
            f"pass --encoding to read it, e.g. --encoding latin-1"
        ) from None
    return Document(path, text, encoding, bom)


def read_bytes(path: str) -> bytes:
    """A file's bytes, or `InputError` saying why not (a folder, missing, unreadable)."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{path}: is a directory")
    try:
        return target.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None


def read_document(path: str, encoding: str = "utf-8") -> Document:
    """Read a file (or standard input for `-`) as a `Document`."""
    if path == STDIN:
        return decode(sys.stdin.buffer.read(), STDIN, encoding)
    return decode(read_bytes(path), path, encoding)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a half."""
    import tempfile  # only writers pay for this import

    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".respin")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):  # a new file keeps mkstemp's private mode
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_document(document: Document, text: str) -> None:
    """Write `text` back to the document's file in its own encoding."""
    write_atomic(document.path, document.encode(text))
