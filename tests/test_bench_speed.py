"""The speed benchmark's helpers on a tiny corpus: structure of the figures, not their values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import speed

needs_codespell = pytest.mark.skipif(speed.codespell_command() is None, reason="codespell not installed")


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "b.txt").write_text("Officials attemptedto stop the the patrol.\n", encoding="utf-8")
    (corpus / "a.txt").write_text("A quiet day in an office.\n", encoding="utf-8")
    (corpus / "c.txt").write_bytes(b"Caf\xe9 prices rose by a eighth.\n")  # not valid UTF-8
    (corpus / "notes.md").write_text("not part of the corpus\n", encoding="utf-8")
    return speed.build_corpus(corpus, tmp_path_factory.mktemp("out"))


def test_build_corpus_concatenates_sorted_txt_as_utf8(corpus_file: Path) -> None:
    """Only *.txt files, in name order, decoded with replacement, written as UTF-8."""
    text = corpus_file.read_bytes().decode("utf-8")  # raises if not valid UTF-8
    assert text == (
        "A quiet day in an office.\n"
        "Officials attemptedto stop the the patrol.\n"
        "Caf\ufffd prices rose by a eighth.\n"
    )


def test_build_corpus_rejects_empty_directory(tmp_path: Path) -> None:
    """A directory without *.txt files is an error, not an empty benchmark."""
    with pytest.raises(speed.BenchError):
        speed.build_corpus(tmp_path, tmp_path)


@needs_codespell
def test_measure_throughput_structure(corpus_file: Path) -> None:
    """Both tools are timed, rates are positive and the ratio is respin time over codespell time."""
    figures = speed.measure_throughput(corpus_file, repeat=1)
    assert set(figures) >= {"file_bytes", "respin_s", "codespell_s", "respin_mb_s", "codespell_mb_s",
                            "time_ratio"}
    assert figures["file_bytes"] == corpus_file.stat().st_size
    for key in ("respin_s", "codespell_s", "respin_mb_s", "codespell_mb_s", "time_ratio"):
        assert figures[key] > 0
    assert figures["time_ratio"] == pytest.approx(figures["respin_s"] / figures["codespell_s"])
    assert figures["respin_mb_s"] == pytest.approx(figures["file_bytes"] / speed.MB / figures["respin_s"])


def test_measure_startup_structure(corpus_file: Path) -> None:
    """Start-up reports the file size and positive times for `check` and `--version`."""
    figures = speed.measure_startup(corpus_file, repeat=1)
    assert figures["file_bytes"] == corpus_file.stat().st_size
    assert figures["check_s"] > 0
    assert figures["version_s"] > 0


def test_measure_peak_rss_structure(corpus_file: Path) -> None:
    """Peak RSS is a positive KiB count with a matching MB figure."""
    figures = speed.measure_peak_rss(corpus_file)
    assert figures["maxrss_kib"] > 0
    assert figures["peak_rss_mb"] == pytest.approx(figures["maxrss_kib"] * 1024 / speed.MB)


def test_failing_command_raises() -> None:
    """An exit code outside the accepted ones is an error, not a timing."""
    with pytest.raises(speed.BenchError, match="exited 2"):
        speed.run_timed([*speed.respin_command(), "check", "/nonexistent/file.txt"], speed.RESPIN_OK)


def test_rows_verdicts_and_table() -> None:
    """Targets become PASS/FAIL rows; missing sections are shown as skipped."""
    throughput = {"file_bytes": 5 * speed.MB, "respin_s": 2.0, "codespell_s": 1.0, "respin_mb_s": 2.5,
                  "codespell_mb_s": 5.0, "time_ratio": 2.0}
    startup = {"file_bytes": 5000, "check_s": 0.1, "version_s": 0.05}
    rows = speed.build_rows(throughput, startup, None, {"memory": "no corpus"})
    verdicts = {row.metric: row.passed for row in rows}
    assert verdicts["time ratio respin / codespell"] is False
    assert verdicts["start-up: respin check (5.0 KB)"] is True
    assert verdicts["peak RSS"] is None
    table = speed.format_table(rows)
    assert "FAIL" in table and "PASS" in table and "skipped" in table


def test_main_without_corpus_still_times_startup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing corpus skips throughput and memory; --json lists the figures; --check passes."""
    code = speed.main(["--corpus", str(tmp_path / "missing"), "--startup-repeat", "1", "--json", "--check"])
    out = capsys.readouterr().out
    assert "skipping throughput and peak memory" in out
    figures = json.loads(out[out.index("\n{") :])
    assert figures["throughput"] is None and figures["memory"] is None
    assert figures["startup"]["check_s"] > 0
    assert code == (1 if figures["failed"] else 0)
