"""Reading input strictly and writing output atomically, encodings and line endings intact."""

from __future__ import annotations

import codecs
import os
import stat

import pytest

from respin import files
from respin.files import InputError, read_document, write_atomic, write_document


def test_reads_utf8_and_keeps_crlf(tmp_path) -> None:
    """Line endings are not translated: offsets refer to the file as it is."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\r\ntwo\r\n")
    document = read_document(str(path))
    assert document.text == "one\r\ntwo\r\n"


def test_bom_is_remembered_and_restored(tmp_path) -> None:
    """A UTF-8 byte-order mark is stripped for checking and written back."""
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "café\n".encode())
    document = read_document(str(path))
    assert document.text == "café\n" and document.bom
    write_document(document, "thé\n")
    assert path.read_bytes() == codecs.BOM_UTF8 + "thé\n".encode()


def test_non_utf8_is_refused_with_the_file_named(tmp_path) -> None:
    """Latin-1 bytes are an input error naming the file and suggesting --encoding."""
    path = tmp_path / "latin.txt"
    path.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.txt: not valid utf-8.*--encoding"):
        read_document(str(path))
    assert read_document(str(path), "latin-1").text == "café"


def test_binary_is_refused(tmp_path) -> None:
    """A file with NUL bytes is not text."""
    path = tmp_path / "image.bin"
    path.write_bytes(b"\x89PNG\x00\x00\x01")
    with pytest.raises(InputError, match="binary"):
        read_document(str(path))


def test_missing_file_and_directory_are_input_errors(tmp_path) -> None:
    """Paths that cannot be read give clear messages, not tracebacks."""
    with pytest.raises(InputError, match="no such file"):
        read_document(str(tmp_path / "absent.txt"))
    with pytest.raises(InputError, match="is a directory"):
        read_document(str(tmp_path))


def test_unknown_encoding_is_an_input_error(tmp_path) -> None:
    """A misspelt --encoding is reported, not raised as LookupError."""
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(InputError, match="unknown encoding"):
        read_document(str(path), "utf-9")


def test_write_atomic_keeps_permissions_and_leaves_no_temp(tmp_path) -> None:
    """The new file keeps the old mode and no temporary file is left behind."""
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["a.txt"]


def test_failed_write_leaves_old_content(tmp_path, monkeypatch) -> None:
    """If the replace step fails, the old file is intact and the temporary file is removed."""
    path = tmp_path / "a.txt"
    path.write_text("old content")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, b"new content")
    assert path.read_text() == "old content"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_latin1_document_is_written_back_in_latin1(tmp_path) -> None:
    """A document read with --encoding latin-1 is written in latin-1."""
    path = tmp_path / "l.txt"
    path.write_bytes("caf\xe9 au lait".encode("latin-1"))
    document = read_document(str(path), "latin-1")
    write_document(document, document.text.replace("lait", "café"))
    assert path.read_bytes() == "caf\xe9 au caf\xe9".encode("latin-1")
