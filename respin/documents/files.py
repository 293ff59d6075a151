"""Reading input safely and writing output atomically.

Input is decoded strictly: a binary file or one that is not valid in the chosen
encoding raises `InputError` naming the file, and nothing is written. Line
endings are kept exactly as they are (no newline translation), and a UTF-8
byte-order mark is remembered so that writing restores it; a file that starts
with a UTF-16 byte-order mark is read (and written back) as UTF-16. Input is
bounded: only regular files are read (a FIFO or a device such as /dev/zero
could block or never end; standard input is named `-`), and no more than
`max_bytes` of any input (`DEFAULT_MAX_BYTES`, 100 MiB; `--max-file-size`). A file respin
writes is either its old content or the complete new content: the new bytes go
to a temporary file beside it, are flushed to disk, and replace the old file in
one `os.replace`.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"
_BINARY_SNIFF = 8192
#: The most respin reads of one input unless told otherwise (`--max-file-size`, `max-file-size`).
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
#: Plain-text files of this size or more are checked as they are read, never held whole, where nothing
#: else needs the whole text (`respin.documents.stream`; the runner decides from the size alone).
STREAM_MIN_BYTES = 8 * 2**20
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class InputError(Exception):
    """Input respin cannot check; the message names the file and says why."""


class NotRegularFileError(InputError):
    """A path that names a pipe, device or socket: reading it could block or never end."""


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
        if not self.bom:
            return data
        boms = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
        return boms.get(self.encoding, codecs.BOM_UTF8) + data


def describe_size(size: int) -> str:
    """A byte count for messages: "100 MiB", "1.5 KiB", "12 bytes"."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def too_large(name: str, max_bytes: int) -> InputError:
    return InputError(f"{name}: larger than {describe_size(max_bytes)}; not checked "
                      f"(raise the limit with --max-file-size)")


def record_name(path: str) -> str:
    """How machine-readable output (JSON, SARIF) names a path: as given; standard input is `<stdin>`."""
    return "<stdin>" if path == STDIN else path


_CONTROL = re.compile(r'[\x00-\x1f\x7f"\\]')
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def display_name(path: str | Path) -> str:
    """How messages and one-finding-a-line output name a path; standard input is `<stdin>`.

    A name with a control character (a newline would split a finding's line in
    two) is shown as git shows it: in double quotes, with C escapes.
    """
    name = record_name(str(path))
    if not _CONTROL_CHARACTER.search(name):
        return name
    return '"' + _CONTROL.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}"), name) + '"'


def is_utf8(encoding: str) -> bool:
    """Whether an encoding name (as `--encoding` takes it) names UTF-8."""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def decode(data: bytes, path: str, encoding: str = "utf-8") -> Document:
    """Decode raw bytes as a document, or raise `InputError`."""
    name = display_name(path)
    if is_utf8(encoding):
        for mark, utf16 in _UTF16_BOMS:
            if data.startswith(mark):  # not UTF-8 whatever was asked: a UTF-16 file says so in its first bytes
                try:
                    return Document(path, data[len(mark) :].decode(utf16), utf16, True)
                except UnicodeDecodeError as error:
                    raise InputError(f"{name}: starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                                     f"(offset {error.start + len(mark)})") from None
    if b"\x00" in data[:_BINARY_SNIFF] and not encoding.lower().startswith("utf-16"):
        raise BinaryInputError(f"{name}: binary file (contains NUL bytes); not checked")
    bom = is_utf8(encoding) and data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise not_decodable(name, encoding, data[error.start], error.start) from None
    return Document(path, text, encoding, bom)


def not_decodable(name: str, encoding: str, byte: int, offset: int) -> InputError:
    """The error for input that is not valid in `encoding`: its first bad byte, and where it is."""
    return InputError(f"{name}: not valid {encoding} (byte 0x{byte:02x} at offset {offset}); "
                      f"pass --encoding to read it, e.g. --encoding latin-1")


def readable_size(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The size of a regular file respin may read, or `InputError` saying why not (a folder, missing,
    not a regular file, larger than `max_bytes`)."""
    import stat

    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{display_name(path)}: no such file") from None
    except OSError as error:
        raise InputError(f"{display_name(path)}: cannot read ({error.strerror or error})") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{display_name(path)}: is a directory")
    if not stat.S_ISREG(status.st_mode):
        raise NotRegularFileError(f"{display_name(path)}: not a regular file (a pipe, device or socket)")
    if status.st_size > max_bytes:
        raise too_large(display_name(path), max_bytes)
    return status.st_size


def read_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A regular file's bytes, or `InputError` saying why not (a folder, missing, unreadable, not a
    regular file, larger than `max_bytes`)."""
    readable_size(path, max_bytes)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{display_name(path)}: no such file") from None
    except OSError as error:
        raise InputError(f"{display_name(path)}: cannot read ({error.strerror or error})") from None
    except MemoryError:
        raise InputError(f"{display_name(path)}: not enough memory to read it") from None
    if len(data) > max_bytes:  # it grew while being read
        raise too_large(display_name(path), max_bytes)
    return data


def read_stdin(max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Standard input's bytes (at most `max_bytes`), or `InputError` when it is closed, unreadable or larger."""
    stream = sys.stdin
    if stream is None or getattr(stream, "buffer", None) is None:
        raise InputError("<stdin>: standard input is closed")
    try:
        data: bytes = stream.buffer.read(max_bytes + 1)
    except (OSError, ValueError) as error:  # ValueError: a closed file object
        raise InputError(f"<stdin>: cannot read ({getattr(error, 'strerror', None) or error})") from None
    except MemoryError:
        raise InputError("<stdin>: not enough memory to read it") from None
    if len(data) > max_bytes:
        raise too_large("<stdin>", max_bytes)
    return data


def read_document(path: str, encoding: str = "utf-8", max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a file (or standard input for `-`) as a `Document`."""
    if path == STDIN:
        return decode(read_stdin(max_bytes), STDIN, encoding)
    try:
        data = read_bytes(path, max_bytes)
    except NotRegularFileError as error:
        raise NotRegularFileError(f"{error}; to check a stream, pipe it to respin and name it '-'") from None
    return decode(data, path, encoding)


class WriteRefusedError(Exception):
    """A file respin will not replace unless forced (read-only, or hard-linked); the message says why."""


#: A temporary file of respin's own older than this, beside a file being written, was left by a killed run.
STALE_TEMPORARY_SECONDS = 60.0
_TEMPORARY_SUFFIX = ".respin"


def write_atomic(path: str | Path, data: bytes, *, force: bool = False) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a half.

    A symbolic link is written through: its target gets the new content and the
    link stays a link. A file without its owner's write permission, or with
    more than one hard link (replacing it would cut the others off from the new
    content), is refused with `WriteRefusedError` unless `force`. The new bytes
    are written to an unnamed temporary file (Linux `O_TMPFILE`) that gets a
    name beside the target only for the instant before the rename, so a killed
    run leaves nothing behind; elsewhere a named temporary file is used, and
    such files of respin's own pattern left by a killed run are removed on the
    next write beside them.
    """
    import stat

    target = Path(os.path.realpath(path))
    try:
        status: os.stat_result | None = target.stat()
    except FileNotFoundError:
        status = None
    if status is not None and not force:
        if not status.st_mode & stat.S_IWUSR:
            raise WriteRefusedError(f"{display_name(path)}: read-only; not written (--force writes it anyway)")
        if status.st_nlink > 1:
            raise WriteRefusedError(f"{display_name(path)}: has {status.st_nlink} hard links, which replacing it "
                                    f"would break; not written (--force replaces it anyway)")
    _remove_stale_temporaries(target)
    mode = status.st_mode & 0o7777 if status is not None else None
    if not _write_unnamed(target, data, mode):
        _write_named(target, data, mode)


def _temporary_name(target: Path) -> str:
    return str(target.parent / f".{target.name}.{os.urandom(4).hex()}{_TEMPORARY_SUFFIX}")


def _write_unnamed(target: Path, data: bytes, mode: int | None) -> bool:
    """Write through an O_TMPFILE file linked in just before the rename; False when the system cannot."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return False
    try:
        descriptor = os.open(target.parent, flag | os.O_WRONLY, 0o600)
    except OSError:  # not Linux, or a file system without O_TMPFILE
        return False
    temporary = None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
            temporary = _temporary_name(target)
            if not _link_descriptor(handle.fileno(), temporary):
                temporary = None
                return False
        os.replace(temporary, target)
        return True
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise


def _link_descriptor(descriptor: int, name: str) -> bool:
    """Give an O_TMPFILE file a name: linkat(2) of its /proc/self/fd link, followed (os.link does not follow
    it on Linux, and fails across devices)."""
    try:
        import ctypes

        at_fdcwd, at_symlink_follow = -100, 0x400
        linkat = ctypes.CDLL(None, use_errno=True).linkat
        source = f"/proc/self/fd/{descriptor}".encode()
        return bool(linkat(at_fdcwd, source, at_fdcwd, os.fsencode(name), at_symlink_follow) == 0)
    except (OSError, AttributeError):  # no libc linkat
        return False


def _write_named(target: Path, data: bytes, mode: int | None) -> None:
    import tempfile  # only writers pay for this import

    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=_TEMPORARY_SUFFIX)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:  # a new file keeps mkstemp's private mode
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _remove_stale_temporaries(target: Path) -> None:
    """Remove `.NAME.*.respin` files beside `target` older than `STALE_TEMPORARY_SECONDS` (a killed run's)."""
    import time

    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix) and n.endswith(_TEMPORARY_SUFFIX)]
    except OSError:
        return
    now = time.time()
    for name in names:
        leftover = target.parent / name
        with contextlib.suppress(OSError):
            if now - leftover.lstat().st_mtime > STALE_TEMPORARY_SECONDS:
                leftover.unlink()


def write_document(document: Document, text: str, *, force: bool = False) -> None:
    """Write `text` back to the document's file in its own encoding (see `write_atomic`)."""
    write_atomic(document.path, document.encode(text), force=force)
