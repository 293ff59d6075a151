"""Reading input strictly and writing output atomically, encodings and line endings intact."""

from __future__ import annotations

import codecs
import os
import stat

import pytest

from respin.documents import files
from respin.documents.files import InputError, read_document, write_atomic, write_document


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


def test_a_symbolic_link_is_written_through_to_its_target(tmp_path) -> None:
    """The link stays a link; its target gets the new content (as editors write)."""
    target = tmp_path / "t.txt"
    target.write_text("old")
    (tmp_path / "link.txt").symlink_to("t.txt")
    write_atomic(tmp_path / "link.txt", b"new")
    assert (tmp_path / "link.txt").is_symlink() and target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["link.txt", "t.txt"]


def test_read_only_and_hard_linked_files_are_refused_unless_forced(tmp_path) -> None:
    """Mode 444 (even for root) and a second hard link stop the write, leaving the file as it was."""
    read_only = tmp_path / "ro.txt"
    read_only.write_text("old")
    read_only.chmod(0o444)
    with pytest.raises(files.WriteRefusedError, match=r"ro\.txt: read-only; not written"):
        write_atomic(read_only, b"new")
    assert read_only.read_text() == "old"
    write_atomic(read_only, b"new", force=True)
    assert read_only.read_text() == "new" and stat.S_IMODE(read_only.stat().st_mode) == 0o444
    first = tmp_path / "h1.txt"
    first.write_text("old")
    os.link(first, tmp_path / "h2.txt")
    with pytest.raises(files.WriteRefusedError, match="has 2 hard links"):
        write_atomic(first, b"new")
    assert (tmp_path / "h2.txt").read_text() == "old"


@pytest.mark.parametrize("unnamed", [True, False])
def test_either_way_of_writing_leaves_no_temporary_file(tmp_path, monkeypatch, unnamed: bool) -> None:
    """With O_TMPFILE (Linux) or a named temporary file, only the target is left, with its mode."""
    if not unnamed:
        monkeypatch.setattr(files, "_write_unnamed", lambda *args: False)
    elif not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE here")
    else:  # the unnamed way must be the one taken
        monkeypatch.setattr(files, "_write_named", lambda *args: pytest.fail("fell back to a named temporary"))
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["a.txt"]


def test_a_killed_run_s_stale_temporary_files_are_removed_on_the_next_write(tmp_path) -> None:
    """`.NAME.XXXX.respin` older than a minute beside NAME is a leftover: removed; a fresh one is not."""
    path = tmp_path / "a.txt"
    path.write_text("old")
    stale, fresh = tmp_path / ".a.txt.1234abcd.respin", tmp_path / ".a.txt.5678ef01.respin"
    stale.write_text("half")
    fresh.write_text("another run's, being written")
    old = os.stat(stale).st_mtime - 2 * files.STALE_TEMPORARY_SECONDS
    os.utime(stale, (old, old))
    write_atomic(path, b"new")
    assert sorted(os.listdir(tmp_path)) == [fresh.name, "a.txt"]
