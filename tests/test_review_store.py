"""Resume data and files under review: where resume data lives, its format, corrupt files, fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from respin.documents.files import InputError
from respin.review.disk import fingerprint_on_disk, open_document, save_document
from respin.review.session import Decision, ReviewState, Verdict
from respin.review.store import ResumeStore, StoreError, content_fingerprint, default_store_dir

STATE = ReviewState(
    decisions=(
        ((4, 24, "when you look at the"), Decision(Verdict.ACCEPTED, "in the")),
        ((30, 32, "an"), Decision(Verdict.REJECTED)),
        ((40, 51, "attemptedto"), Decision(Verdict.EDITED, "tried to")),
    ),
    current=(30, 32, "an"),
    applied_accepted=2,
    applied_edited=1,
)


def test_store_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$RESPIN_CACHE_DIR wins, then $XDG_CACHE_HOME/respin/review, then ~/.cache/respin/review."""
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_store_dir() == tmp_path / "explicit"
    monkeypatch.delenv("RESPIN_CACHE_DIR")
    assert default_store_dir() == tmp_path / "xdg" / "respin" / "review"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_dir() == tmp_path / "home" / ".cache" / "respin" / "review"


def test_state_round_trips_through_json(tmp_path: Path) -> None:
    """What is recorded is what is loaded, in a file named by the content hash."""
    store = ResumeStore(tmp_path / "cache")
    store.record("abc123", STATE, "article.txt")
    assert store.load("abc123") == STATE
    saved = json.loads((tmp_path / "cache" / "abc123.json").read_text(encoding="utf-8"))
    assert saved["sha256"] == "abc123" and saved["file"] == "article.txt"
    assert saved["decisions"][0] == {"start": 4, "end": 24, "text": "when you look at the",
                                     "verdict": "accepted", "replacement": "in the"}


def test_missing_resume_data_is_none(tmp_path: Path) -> None:
    """Content never reviewed has no resume data."""
    assert ResumeStore(tmp_path).load("never") is None


def test_empty_state_removes_the_file(tmp_path: Path) -> None:
    """Recording a review with nothing to resume removes its resume file rather than writing one."""
    store = ResumeStore(tmp_path)
    store.record("k", STATE, "a.txt")
    store.record("k", ReviewState(), "a.txt")
    assert not store.path("k").exists()


@pytest.mark.parametrize("content", [
    "{not json",
    "[]",
    '{"version": 99, "sha256": "k"}',
    '{"version": 1, "sha256": "other", "decisions": [], "applied": {"accepted": 0, "edited": 0}, "current": null}',
    '{"version": 1, "sha256": "k", "decisions": [{"start": 0, "end": 5, "text": "ab", "verdict": "accepted",'
    ' "replacement": "x"}], "applied": {"accepted": 0, "edited": 0}, "current": null}',
    '{"version": 1, "sha256": "k", "decisions": [{"start": 0, "end": 2, "text": "ab", "verdict": "maybe",'
    ' "replacement": "x"}], "applied": {"accepted": 0, "edited": 0}, "current": null}',
    '{"version": 1, "sha256": "k", "decisions": [{"start": 0, "end": 2, "text": "ab", "verdict": "rejected",'
    ' "replacement": "x"}], "applied": {"accepted": 0, "edited": 0}, "current": null}',
    '{"version": 1, "sha256": "k", "decisions": [], "applied": {"accepted": -1, "edited": 0}, "current": null}',
], ids=["not-json", "not-object", "version", "other-content", "span-text", "verdict", "rejected-with-text",
        "negative-count"])
def test_unusable_resume_data_raises_store_error(tmp_path: Path, content: str) -> None:
    """Corrupt or foreign resume data is refused with a message naming the file."""
    store = ResumeStore(tmp_path)
    store.path("k").write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match=r"k\.json"):
        store.load("k")


def test_open_document_fingerprints_the_bytes_read(tmp_path: Path) -> None:
    """The fingerprint is the SHA-256 of the file's bytes, BOM and CRLF included."""
    path = tmp_path / "a.txt"
    data = b"\xef\xbb\xbfone\r\ntwo\r\n"
    path.write_bytes(data)
    opened = open_document(str(path))
    assert opened.fingerprint == content_fingerprint(data) == fingerprint_on_disk(str(path))
    assert opened.document.text == "one\r\ntwo\r\n" and opened.document.bom


@pytest.mark.parametrize(("setup", "message"), [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b"PK\x03\x04\x00\x00binary"), "binary file"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: p.write_bytes(b"caf\xe9\n"), "not valid utf-8"),
])
def test_open_document_refuses_bad_input_as_check_does(tmp_path: Path, setup, message: str) -> None:
    """Missing, binary, directory and undecodable inputs raise InputError naming the file."""
    path = tmp_path / "bad.txt"
    setup(path)
    with pytest.raises(InputError, match=message) as error:
        open_document(str(path))
    assert "bad.txt" in str(error.value)


def test_open_document_refuses_standard_input() -> None:
    """'-' cannot be reviewed: there is no file to write back."""
    with pytest.raises(InputError, match="standard input"):
        open_document("-")


def test_save_document_returns_the_new_fingerprint(tmp_path: Path) -> None:
    """Saving writes in the document's encoding and fingerprints exactly the bytes written."""
    path = tmp_path / "a.txt"
    path.write_bytes("café\r\n".encode("latin-1"))
    opened = open_document(str(path), "latin-1")
    written = save_document(opened.document, "thé\r\n")
    assert path.read_bytes() == "thé\r\n".encode("latin-1")
    assert written.fingerprint == fingerprint_on_disk(str(path))
    assert written.document.text == "thé\r\n" and written.document.encoding == "latin-1"


def test_fingerprint_on_disk_of_a_deleted_file_is_none(tmp_path: Path) -> None:
    """A file that disappeared has no fingerprint (and so never matches the one read)."""
    assert fingerprint_on_disk(str(tmp_path / "gone.txt")) is None
