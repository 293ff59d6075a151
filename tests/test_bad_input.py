"""Bad input ends in one clear line on stderr and exit 2, never a traceback, a hang or unbounded reading.

Each test runs respin as a user does (a subprocess), so what is checked is what
a pipeline or a pre-commit hook sees: the exit code and the message.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from respin.documents.files import DEFAULT_MAX_BYTES, InputError, display_name, read_bytes, read_document, record_name

SPUN = "The the cat sat.\n"


def respin(args: list[str], cwd: Path, stdin: bytes | None = b"", **kwargs) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "respin", *args], cwd=cwd, input=stdin, capture_output=True,
                            timeout=60, check=False, **kwargs)
    result.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
    return result  # type: ignore[return-value]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("respin: "), result.stderr
    for part in parts:
        assert part in lines[0]


# --- configuration files that are not UTF-8 ------------------------------------------------------


@pytest.mark.parametrize("name", [".respin.toml", "pyproject.toml"])
def test_a_config_file_that_is_not_utf8_is_named(tmp_path: Path, name: str) -> None:
    """Found by discovery or given with --config, a non-UTF-8 file is one message naming it (was a traceback)."""
    (tmp_path / name).write_bytes(b"[tool.respin]\nmin-confidence = 0.5\n# caf\xe9\n")
    (tmp_path / "a.txt").write_text(SPUN)
    assert_one_line_error(respin(["check", "a.txt"], tmp_path), name, "not UTF-8", "0xe9")
    assert_one_line_error(respin(["check", "--config", name, "a.txt"], tmp_path), name, "not UTF-8")


# --- standard input, pipes and devices -----------------------------------------------------------


def test_a_closed_standard_input_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    """`respin check - <&-`: Python sets sys.stdin to None; respin says so."""
    started_with_fd0_closed = "import os, subprocess, sys; os.close(0); sys.exit(subprocess.call(sys.argv[1:]))"
    result = subprocess.run([sys.executable, "-c", started_with_fd0_closed, sys.executable, "-m", "respin",
                             "check", "-"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert_one_line_error(result, "<stdin>", "standard input is closed")


def test_devices_are_refused_at_once(tmp_path: Path) -> None:
    """/dev/zero never ends: it is refused (not read until memory runs out), as a file and as a dictionary."""
    result = respin(["check", "/dev/zero"], tmp_path)
    assert_one_line_error(result, "/dev/zero", "not a regular file", "name it '-'")
    assert result.seconds < 10  # type: ignore[attr-defined]  # (start-up included; it used to grow for ever)
    (tmp_path / "a.txt").write_text(SPUN)
    assert_one_line_error(respin(["check", "--dictionary", "/dev/zero", "a.txt"], tmp_path),
                          "/dev/zero", "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """Opening a FIFO nobody writes to blocks for ever; respin does not open it."""
    os.mkfifo(tmp_path / "pipe")
    assert_one_line_error(respin(["check", "pipe"], tmp_path), "pipe", "not a regular file")


def test_reading_standard_input_on_a_terminal_is_announced(tmp_path: Path) -> None:
    """`respin check` with no path waits for standard input: on a terminal it says so (once, on stderr)."""
    pty = pytest.importorskip("pty")
    script = ("import sys, runpy; sys.argv = ['respin', 'check']; runpy.run_module('respin', run_name='__main__')")
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", script], stdin=child, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=tmp_path)
    os.close(child)
    try:
        os.write(main, b"the the\n\x04")
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(main)
    assert b"reading the text to check from standard input" in stderr


# --- size limits ----------------------------------------------------------------------------------


def test_inputs_larger_than_the_limit_are_refused(tmp_path: Path) -> None:
    """--max-file-size (MiB) and the config's max-file-size bound what is read, files and standard input."""
    (tmp_path / "big.txt").write_text(SPUN * 100)  # 1.7 KB
    limit = ["--max-file-size", "0.001"]  # 1048 bytes
    assert_one_line_error(respin(["check", *limit, "big.txt"], tmp_path), "big.txt", "larger than 1.02 KiB",
                          "--max-file-size")
    assert_one_line_error(respin(["check", *limit, "-"], tmp_path, stdin=(SPUN * 100).encode()), "<stdin>",
                          "larger than")
    assert respin(["check", *limit, "-"], tmp_path, stdin=SPUN.encode()).returncode == 1  # small: checked
    (tmp_path / ".respin.toml").write_text("max-file-size = 0.001\n")
    assert_one_line_error(respin(["check", "big.txt"], tmp_path), "big.txt", "larger than")
    assert respin(["check", "--max-file-size", "1", "big.txt"], tmp_path).returncode == 1  # the flag wins


def test_the_default_limit_is_documented_and_applies_to_every_reader(tmp_path: Path) -> None:
    """100 MiB by default; read_bytes refuses a file whose size is over the limit before reading it."""
    assert DEFAULT_MAX_BYTES == 100 * 2**20
    path = tmp_path / "a.txt"
    path.write_text(SPUN)
    assert read_bytes(path) == SPUN.encode()
    with pytest.raises(InputError, match="larger than 10 bytes"):
        read_bytes(path, max_bytes=10)
    with pytest.raises(InputError, match="is a directory"):
        read_bytes(tmp_path)


# --- encodings and names --------------------------------------------------------------------------


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_files_with_a_byte_order_mark_are_read_and_written_back_as_utf16(tmp_path: Path, bom: bytes,
                                                                                codec: str) -> None:
    """A UTF-16 file is not "binary": it is checked, and a fix keeps its encoding and byte-order mark."""
    path = tmp_path / "u.txt"
    path.write_bytes(bom + SPUN.encode(codec))
    assert read_document(str(path)).text == SPUN
    checked = respin(["check", "u.txt"], tmp_path)
    assert checked.returncode == 1 and "u.txt:1:1: The the -> The" in checked.stdout
    assert respin(["fix", "--write", "-q", "u.txt"], tmp_path).returncode == 1  # 1: fixes were applied
    assert path.read_bytes() == bom + "The cat sat.\n".encode(codec)


def test_a_file_name_with_a_newline_stays_on_its_line(tmp_path: Path) -> None:
    """The text format shows such a name quoted with C escapes; JSON keeps the real name."""
    name = "new\nline.txt"
    (tmp_path / name).write_text(SPUN)
    text = respin(["check", "."], tmp_path)
    assert text.stdout.splitlines() == ['"new\\nline.txt":1:1: The the -> The [doubled-word, 0.90]']
    assert '"path": "new\\nline.txt"' in respin(["check", "--format", "jsonl", "."], tmp_path).stdout
    assert display_name("plain.txt") == "plain.txt" == record_name("plain.txt")
    assert display_name('a\t"b"\\c') == '"a\\t\\"b\\"\\\\c"' and display_name("-") == "<stdin>"


# --- what fix --write may replace -------------------------------------------------------------------


def test_fix_write_refuses_a_read_only_file_unless_forced_and_writes_through_links(tmp_path: Path) -> None:
    """A read-only file is one error line and exit 2 (the other files are still fixed); --force writes it."""
    (tmp_path / "ro.txt").write_text(SPUN)
    (tmp_path / "ro.txt").chmod(0o444)
    (tmp_path / "t.txt").write_text(SPUN)
    (tmp_path / "link.txt").symlink_to("t.txt")
    result = respin(["fix", "--write", "-q", "ro.txt", "link.txt"], tmp_path)
    assert result.returncode == 2 and result.stderr.strip() == (
        "respin: ro.txt: read-only; not written (--force writes it anyway)")
    assert (tmp_path / "ro.txt").read_text() == SPUN and (tmp_path / "t.txt").read_text() == "The cat sat.\n"
    assert (tmp_path / "link.txt").is_symlink()
    assert respin(["fix", "--write", "--force", "-q", "ro.txt"], tmp_path).returncode == 1
    assert (tmp_path / "ro.txt").read_text() == "The cat sat.\n"


def test_running_out_of_memory_on_a_file_is_an_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """MemoryError while checking a file is exit 2 and one line naming it, not a traceback exiting 1."""
    from respin import cli
    from respin.documents import formats

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    (tmp_path / "huge.txt").write_text(SPUN)
    monkeypatch.setattr(formats, "check_document", exhausted)
    assert cli.main(["check", "--jobs", "1", str(tmp_path / "huge.txt")]) == 2
    assert capsys.readouterr().err.strip() == (f"respin: {tmp_path / 'huge.txt'}: not enough memory to check it "
                                               f"(lower --max-file-size, or check it in parts)")
