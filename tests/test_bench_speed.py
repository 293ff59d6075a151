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
def test_measure_comparison_structure(corpus_file: Path) -> None:
    """Every installed tool is timed in rounds; the ratios are respin's medians over the other tools'."""
    figures = speed.measure_comparison(corpus_file, repeat=2)
    assert figures["input_bytes"] == corpus_file.stat().st_size and not figures["is_folder"]
    assert {"respin --jobs 1", "respin", "codespell"} <= set(figures["median_s"])
    assert all(seconds > 0 for seconds in figures["median_s"].values())
    assert figures["jobs1_over_codespell"] == pytest.approx(
        figures["median_s"]["respin --jobs 1"] / figures["median_s"]["codespell"])
    if speed.typos_command() is not None:
        medians = figures["median_s"]
        assert figures["default_over_typos"] == pytest.approx(medians["respin"] / medians["typos"])
    rate = figures["mb_s"]["respin"]
    assert rate == pytest.approx(figures["input_bytes"] / speed.MB / figures["median_s"]["respin"])


def test_a_folder_is_compared_as_a_whole(corpus_file: Path) -> None:
    figures = speed.measure_comparison(corpus_file.parent, repeat=1)
    assert figures["is_folder"] and figures["input_bytes"] == corpus_file.stat().st_size


def test_repeat_file_makes_the_large_input(corpus_file: Path, tmp_path: Path) -> None:
    large = speed.repeat_file(corpus_file, 3, tmp_path)
    assert large.read_bytes() == corpus_file.read_bytes() * 3


def test_measure_startup_structure(corpus_file: Path) -> None:
    """Start-up reports the file size and positive times for `check` and `--version`."""
    figures = speed.measure_startup(corpus_file, repeat=1)
    assert figures["file_bytes"] == corpus_file.stat().st_size
    assert figures["check_s"] > 0 and figures["check_md_s"] > 0
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
    comparison = {"input": "corpus.txt", "is_folder": False, "input_bytes": 5 * speed.MB, "repeat": 5,
                  "median_s": {"respin --jobs 1": 2.0, "respin": 0.5, "codespell": 1.0, "typos": 0.6},
                  "mb_s": {"respin --jobs 1": 2.5, "respin": 10.0, "codespell": 5.0, "typos": 8.3},
                  "jobs1_over_codespell": 2.0, "default_over_typos": 0.5 / 0.6}
    startup = {"file_bytes": 5000, "check_s": 0.1, "check_md_s": 0.3, "version_s": 0.05}
    memory = {"small": {"file_bytes": 5 * speed.MB, "peak_rss_mb": 100.0},
              "large": {"file_bytes": 50 * speed.MB, "peak_rss_mb": 150.0}}
    rows = speed.build_rows([comparison], startup, memory, {})
    verdicts = {row.metric: row.passed for row in rows}
    assert verdicts["one file corpus.txt (5.0 MB): respin --jobs 1 / codespell"] is False
    assert verdicts["one file corpus.txt (5.0 MB): respin / typos"] is True
    assert verdicts["start-up: respin check (5.0 KB .txt)"] is True
    assert verdicts["start-up: respin check (the same as .md)"] is False
    assert verdicts["peak RSS: respin check (50.0 MB)"] is True
    assert verdicts["peak RSS growth, 10x the input"] is True
    table = speed.format_table(rows)
    assert "FAIL" in table and "PASS" in table
    skipped = speed.format_table(speed.build_rows(None, None, {}, {"memory": "no corpus"}))
    assert skipped.count("skipped") == 3 and "no corpus" in skipped


def test_main_without_corpus_still_times_startup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing corpus skips throughput and memory; --json lists the figures; --check passes."""
    code = speed.main(["--corpus", str(tmp_path / "missing"), "--startup-repeat", "1", "--json", "--check"])
    out = capsys.readouterr().out
    assert "skipping the comparison and peak memory" in out
    figures = json.loads(out[out.index("\n{") :])
    assert figures["comparisons"] == [] and figures["memory"] == {}
    assert figures["startup"]["check_s"] > 0
    assert code == (1 if figures["failed"] else 0)


def test_undecodable_files_in_a_folder_do_not_fail_the_timing(tmp_path: Path) -> None:
    """bbc-dev holds files that are not UTF-8: respin reports them (exit 2) after checking the rest."""
    (tmp_path / "good.txt").write_text("A quiet day.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"Caf\xe9.\n")
    assert speed.run_timed([*speed.respin_command(), "check", str(tmp_path)], speed.RESPIN_OK) > 0
    with pytest.raises(speed.BenchError):
        speed.run_timed([*speed.respin_command(), "check", "--no-such-option", str(tmp_path)], speed.RESPIN_OK)
