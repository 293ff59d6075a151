"""respin over many files: folders, --jobs, streaming output, --stats, --quiet, the progress bar and Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from respin import cli
from respin.runner import FileResult

SENTENCES = [
    "Officials said the shared chiefs of staff met on Monday.",
    "Prices rose when you look at the data.",
    "The us makes attemptedto leave the base.",
    "It was a quiet day in an office.",
    "The talks ended up being extensively criticised by the the press.",
]


def _article(i: int) -> str:
    lines = [SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 4)]
    return "\n\n".join(lines) + "\n"


def _corpus(folder: Path, files: int = 20) -> Path:
    """`files` articles in a folder and a subfolder, one not valid UTF-8, one binary, one of another kind."""
    for i in range(files):
        sub = folder / ("archive" if i % 5 == 0 else "") / f"article-{i:02}.txt"
        sub.parent.mkdir(parents=True, exist_ok=True)
        sub.write_text(_article(i), encoding="utf-8")
    (folder / "article-07.txt").write_bytes("Caf\u00e9 menu: when you look at the prices.\n".encode("latin-1"))
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (folder / "script.py").write_text("print('when you look at the')\n", encoding="utf-8")
    return folder


def respin(args: Sequence[str], cwd: Path, **options: object) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m respin` with this worktree on the path, as a user would run it."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-m", "respin", *args], cwd=cwd, capture_output=True, timeout=120,
                          check=False, env=env, **options)  # type: ignore[call-overload]


@pytest.mark.parametrize("output", ["text", "jsonl", "json", "sarif", "github"])
def test_jobs_2_is_byte_identical_to_jobs_1(tmp_path: Path, output: str) -> None:
    """Twenty files and a bad one: the same stdout, stderr and exit code 2 with one process or two."""
    _corpus(tmp_path)
    one = respin(["check", "--format", output, "--jobs", "1", "."], tmp_path)
    two = respin(["check", "--format", output, "--jobs", "2", "."], tmp_path)
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr == (
        b"respin: article-07.txt: not valid utf-8 (byte 0xe9 at offset 3); pass --encoding to read it, "
        b"e.g. --encoding latin-1\n"
    )
    if output == "text":
        shown = [line.split(":")[0] for line in one.stdout.decode().splitlines()]
        assert shown == sorted(shown, key=lambda p: (p.startswith("archive/") is False, p))
        assert "script.py" not in shown and "picture.txt" not in shown


@pytest.mark.parametrize(("output", "options"), [
    ("text", ["--verdict", "--fail-spin-score", "0.9"]),
    ("jsonl", ["--verdict"]),
    ("json", ["--min-confidence", "0.95"]),  # the spin score reads findings of a second check, at 0.5
    ("sarif", ["--fail-spin-score", "0.9", "--min-confidence", "0.95"]),
    ("github", ["--verdict", "--fail-spin-score", "0.9"]),
])
def test_jobs_2_gives_the_spin_scores_of_jobs_1(tmp_path: Path, output: str, options: list[str]) -> None:
    """The document verdict, computed in the worker that checks each file, is the same with one process or two."""
    _corpus(tmp_path)
    one = respin(["check", "--format", output, *options, "--jobs", "1", "."], tmp_path)
    two = respin(["check", "--format", output, *options, "--jobs", "2", "."], tmp_path)
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and b"spin" in one.stdout.lower()
    assert one.stderr == two.stderr


def test_stats_name_the_highest_spin_scores_in_json(tmp_path: Path) -> None:
    """--stats in json: how many files were scored, their mean, how many are likely spun, the highest."""
    _corpus(tmp_path)
    report = json.loads(respin(["check", "--format", "json", "--stats", "."], tmp_path).stdout)
    scores = {f["path"]: f["spin_score"] for f in report["files"]}
    figures = report["stats"]["spin_score"]
    assert figures["files"] == len(scores) == 19
    assert figures["likely_spun"] == sum(score >= 0.5 for score in scores.values())
    assert figures["mean"] == round(sum(scores.values()) / len(scores), 3)
    assert [h["spin_score"] for h in figures["highest"]] == sorted(scores.values(), reverse=True)[:5]
    assert all(scores[h["path"]] == h["spin_score"] for h in figures["highest"])


def test_fix_write_with_jobs_2_writes_what_jobs_1_writes(tmp_path: Path) -> None:
    """fix --write over a folder: the same files rewritten the same way, the same notes in the same order."""
    first, second = _corpus(tmp_path / "one"), _corpus(tmp_path / "two")
    one = respin(["fix", "--write", "-j", "1", "."], first)
    two = respin(["fix", "--write", "-j", "2", "."], second)
    assert one.returncode == two.returncode == 2
    assert one.stderr == two.stderr
    assert one.stderr.decode().count("respin: fixed ") == 18
    for path in sorted(first.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path
    assert (first / "article-01.txt").read_text(encoding="utf-8").startswith("Prices rose in the data.")


def test_quiet_silences_notes_but_not_errors(tmp_path: Path) -> None:
    """--quiet drops 'respin: fixed FILE'; an unreadable file is still reported."""
    _corpus(tmp_path)
    result = respin(["fix", "--write", "--quiet", "."], tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "respin: article-07.txt: not valid utf-8 (byte 0xe9 at offset 3); pass --encoding to read it, "
        "e.g. --encoding latin-1"
    ]


def test_stats_summarise_the_run_on_stderr(tmp_path: Path) -> None:
    """--stats: files, size, words, time and rates; findings by category; files not read."""
    _corpus(tmp_path)
    result = respin(["check", "--stats", "--format", "jsonl", "."], tmp_path)
    findings = [json.loads(line) for line in result.stdout.decode().splitlines()]
    lines = result.stderr.decode().splitlines()[1:]  # after the unreadable file's message
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in tmp_path.rglob("article-*.txt")
                if p.name != "article-07.txt")
    size = sum(p.stat().st_size for p in tmp_path.rglob("article-*.txt") if p.name != "article-07.txt")
    assert re.fullmatch(
        rf"respin: 19 files checked \({size / 1e6:.2f} MB, {words:,} words\) in \d+\.\d\d s: "
        r"[\d,]+ files/s, \d+\.\d\d MB/s", lines[0],
    ), lines[0]
    categories: dict[str, int] = {}
    for finding in findings:
        categories[finding["category"]] = categories.get(finding["category"], 0) + 1
    shown = ", ".join(f"{name} {count}" for name, count in sorted(categories.items(), key=lambda c: (-c[1], c[0])))
    with_findings = len({f["path"] for f in findings})
    assert lines[1] == f"respin: {len(findings)} findings in {with_findings} files: {shown}"
    assert lines[2] == "respin: 1 file could not be read, 1 binary file skipped"
    assert re.fullmatch(r"respin: spin scores: \d+ of 19 files likely spun \(0\.5 or above\), mean \d\.\d{3}; "
                        r"highest: (article-\d\d\.txt \d\.\d{3}, ){4}article-\d\d\.txt \d\.\d{3}", lines[3]), lines[3]
    assert len(lines) == 4


def test_stats_in_json_output(tmp_path: Path) -> None:
    """With --format json --stats the document carries the same figures as a `stats` object."""
    _corpus(tmp_path)
    result = respin(["check", "--format", "json", "--stats", "--jobs", "2", "."], tmp_path)
    report = json.loads(result.stdout)
    stats = report["stats"]
    assert stats["files"] == len(report["files"]) == 19
    assert stats["findings"] == sum(len(f["findings"]) for f in report["files"])
    assert (stats["unreadable"], stats["binary_skipped"]) == (1, 1)
    assert stats["words"] > 0 and stats["bytes"] > 0 and stats["seconds"] > 0
    assert "stats" not in json.loads(respin(["check", "--format", "json", "."], tmp_path).stdout)


def test_fix_stats_count_repairs_and_changed_files(tmp_path: Path) -> None:
    """fix --stats reports repairs by category and how many files changed."""
    _corpus(tmp_path)
    lines = respin(["fix", "--diff", "--stats", "."], tmp_path).stderr.decode().splitlines()
    assert re.fullmatch(r"respin: \d+ repairs in 18 files: .*", lines[2]), lines
    assert lines[3] == "respin: 18 files changed"


def test_empty_folder_says_so_and_exits_clean(tmp_path: Path) -> None:
    """A folder without matching files is not an error: a note on stderr names the include globs."""
    (tmp_path / "notes.py").write_text("x = 1\n", encoding="utf-8")
    result = respin(["check", "."], tmp_path)
    assert result.returncode == 0 and result.stdout == b""
    assert result.stderr == b"respin: no files to check (include: *.txt *.md *.markdown *.rst *.html *.htm)\n"
    assert respin(["check", "-q", "."], tmp_path).stderr == b""


def test_fix_a_folder_to_stdout_is_a_usage_error(tmp_path: Path) -> None:
    """fix without --write or --diff prints one text: a folder is refused before anything is read."""
    _corpus(tmp_path)
    result = respin(["fix", "."], tmp_path)
    assert result.returncode == 2
    assert result.stderr == b"respin: fix prints one repaired text: give one file, or use --write or --diff\n"


def test_progress_bar_is_hidden_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    """Piped, a long run prints no bar: stderr holds only the messages."""
    _corpus(tmp_path, files=30)
    result = respin(["check", "--jobs", "2", "."], tmp_path)
    assert result.stderr.decode().splitlines() == [
        "respin: article-07.txt: not valid utf-8 (byte 0xe9 at offset 3); pass --encoding to read it, "
        "e.g. --encoding latin-1"
    ]


def _on_a_terminal(args: Sequence[str], cwd: Path) -> tuple[subprocess.CompletedProcess[bytes], bytes]:
    """Run respin with stderr on a pseudo-terminal and stdout piped; return the result and the terminal's bytes."""
    import pty

    main_fd, terminal_fd = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, "-m", "respin", *args], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=terminal_fd, env=env)
    os.close(terminal_fd)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the terminal is closed once the process has exited
            break
        if not chunk:
            break
        shown += chunk
    stdout = process.stdout.read() if process.stdout else b""
    process.wait(timeout=60)
    os.close(main_fd)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, b""), shown


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_is_drawn_on_a_terminal_and_leaves_stdout_alone(tmp_path: Path) -> None:
    """On a terminal a long run draws a bar on stderr; the report on stdout is the same bytes as without one."""
    _corpus(tmp_path, files=30)
    piped = respin(["check", "."], tmp_path)
    result, shown = _on_a_terminal(["check", "."], tmp_path)
    assert result.returncode == 2 and result.stdout == piped.stdout
    assert b"checking" in shown and b"/31" in shown and b"article-07.txt: not valid utf-8" in shown  # 30 + picture
    _, quiet = _on_a_terminal(["check", "--quiet", "."], tmp_path)
    assert b"checking" not in quiet and b"article-07.txt: not valid utf-8" in quiet
    _, few = _on_a_terminal(["check", "archive"], tmp_path)
    assert b"checking" not in few


def _default_sigint() -> None:
    """Give the child the default Ctrl-C handling, even when these tests run with SIGINT ignored (in the background)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _process_group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")
def test_ctrl_c_ends_the_workers_and_exits_130(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the process group) mid-run: exit code 130, no traceback, no worker left behind."""
    long_article = "Officials said the shared chiefs of staff met when you look at the data.\n\n" * 400
    for i in range(24):  # each file takes a good part of a second: several seconds of work
        (tmp_path / f"{i:03}.txt").write_text(long_article, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen([sys.executable, "-m", "respin", "check", "--jobs", "2", "."], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                               preexec_fn=_default_sigint)
    assert process.stdout is not None
    first = process.stdout.readline()  # workers are running once the first file is reported
    assert first.startswith(b"000.txt:")
    assert process.poll() is None, "the run ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in stderr
    deadline = time.monotonic() + 10
    while _process_group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _process_group_alive(process.pid), "a worker process outlived respin"


def test_jsonl_is_written_file_by_file_as_results_arrive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Each file's jsonl lines are on stdout before the next file's result is even asked for."""
    _corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    from respin import runner

    real_run_files = runner.run_files
    written: list[str] = []

    def watched(*args: object, **kwargs: object) -> Iterator[FileResult]:
        for result in real_run_files(*args, **kwargs):  # type: ignore[arg-type]
            written.append(capsys.readouterr().out)  # what the previous results put on stdout
            yield result

    monkeypatch.setattr(cli, "run_files", watched)
    assert cli.main(["check", "--format", "jsonl", "--jobs", "2", "."]) == 2
    written.append(capsys.readouterr().out)
    expected = respin(["check", "--format", "jsonl", "--jobs", "1", "."], tmp_path).stdout.decode()
    assert "".join(written) == expected
    per_file = [chunk for chunk in written[1:] if chunk]
    assert len(per_file) >= 10
    for chunk in per_file:  # every chunk is exactly one file's findings
        assert len({json.loads(line)["path"] for line in chunk.splitlines()}) == 1
    assert shutil.which  # keep the import used on platforms that skip the terminal tests
