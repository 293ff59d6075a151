"""Checking and repairing many files: in this process or in a pool, results always in input order."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from respin.documents.walk import Target
from respin.engine import Checker
from respin.finding import Finding
from respin.output.stats import RunStats
from respin.runner import ExtraFinder, FileResult, Job, run_files

SPUN = "Prices rose when you look at the data, and us makes attemptedto leave.\n"


class PidJob(Job):
    """A check that also says which process did it (in `output`)."""

    def run(self, target: Target, extra: ExtraFinder | None = None) -> FileResult:
        """The ordinary result, tagged with this process's id."""
        return replace(super().run(target, extra), output=str(os.getpid()))


@pytest.fixture
def folder(tmp_path: Path) -> list[Target]:
    """Twelve articles, one not valid UTF-8 and one binary file found by a walk."""
    targets = []
    for i in range(12):
        path = tmp_path / f"{i:02}.txt"
        path.write_text(SPUN * (i + 1) if i % 3 else "A quiet day.\n", encoding="utf-8")
        targets.append(Target(str(path), named=False))
    (tmp_path / "05.txt").write_bytes(b"Caf\xe9 when you look at the menu.\n")
    (tmp_path / "07.txt").write_bytes(b"\x00\x01binary")
    return targets


def _comparable(result: FileResult) -> tuple[object, ...]:
    return (result.path, result.text, result.findings, result.error, result.skipped, result.size, result.words)


def test_pool_gives_the_same_results_in_input_order(folder: list[Target]) -> None:
    """Two workers (this process and one pool process) return exactly what one process returns, in order."""
    job = PidJob(Checker())
    alone = list(run_files(folder, job, workers=1))
    pooled = list(run_files(folder, job, workers=2))
    assert [_comparable(r) for r in pooled] == [_comparable(r) for r in alone]
    assert [r.path for r in pooled] == [t.path for t in folder]
    assert {r.output for r in alone} == {str(os.getpid())}
    others = {r.output for r in pooled} - {str(os.getpid())}
    assert len(others) == 1  # one pool process; this process takes the chunks it has not started


def test_three_workers_share_a_long_run(tmp_path: Path) -> None:
    """With three workers, two pool processes take part, and the order still follows the input."""
    targets = []
    for i in range(60):
        path = tmp_path / f"{i:02}.txt"
        path.write_text(SPUN * 40, encoding="utf-8")
        targets.append(Target(str(path), named=False))
    results = list(run_files(targets, PidJob(Checker()), workers=3))
    assert [r.path for r in results] == [t.path for t in targets]
    assert len({r.output for r in results} - {str(os.getpid())}) == 2


def test_bad_files_become_results_and_the_others_are_checked(folder: list[Target]) -> None:
    """A file that is not UTF-8 carries its message; a binary file found by walking is skipped silently."""
    results = list(run_files(folder, Job(Checker()), workers=2))
    bad, binary = results[5], results[7]
    assert bad.error is not None and "05.txt: not valid utf-8 (byte 0xe9 at offset 3)" in bad.error
    assert not bad.checked
    assert binary.skipped and binary.error is None
    assert sum(r.checked for r in results) == 10
    assert all(r.findings for r in results[1:] if r.checked and int(Path(r.path).stem) % 3)


def test_a_named_binary_file_is_an_error(tmp_path: Path) -> None:
    """Named on the command line, a binary file is reported, not skipped."""
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\x00\x00")
    [result] = run_files([Target(str(path), named=True)], Job(Checker()))
    assert not result.skipped and result.error == f"{path}: binary file (contains NUL bytes); not checked"


def test_fix_write_in_workers_rewrites_each_file_once(folder: list[Target]) -> None:
    """fix --write in a pool repairs the files that need it and reports which changed."""
    before = {t.path: Path(t.path).read_bytes() for t in folder}
    results = list(run_files(folder, Job(Checker(min_confidence=0.8), action="write"), workers=2))
    changed = [r.path for r in results if r.changed]
    assert changed == [t.path for i, t in enumerate(folder) if i % 3 and i not in (5, 7)]
    for target in folder:
        after = Path(target.path).read_bytes()
        assert (after != before[target.path]) == (target.path in changed)
    assert "in the data" in Path(changed[0]).read_text(encoding="utf-8")


def test_fix_diff_and_print_carry_their_output(tmp_path: Path) -> None:
    """fix --diff returns a unified diff, fix to stdout the repaired bytes; the file is untouched."""
    path = tmp_path / "a.txt"
    path.write_text(SPUN, encoding="utf-8")
    target = Target(str(path))
    [diff] = run_files([target], Job(Checker(min_confidence=0.8), action="diff"))
    assert isinstance(diff.output, str) and diff.output.startswith(f"--- a/{path}\n+++ b/{path}\n")
    [printed] = run_files([target], Job(Checker(min_confidence=0.8), action="print"))
    assert printed.output == b"Prices rose in the data, and US forces attempted to leave.\n"
    assert path.read_text(encoding="utf-8") == SPUN


def test_extra_findings_keep_the_run_in_this_process(folder: list[Target]) -> None:
    """A detector that must run in this process (LanguageTool) gets every text, in order, even with workers."""
    seen: list[str] = []

    def extra(text: str) -> list[Finding]:
        seen.append(text)
        return []

    results = list(run_files(folder, PidJob(Checker()), workers=2, extra=extra))
    assert len(seen) == 10
    assert {r.output for r in results} == {str(os.getpid())}


def test_stats_add_up_the_results(folder: list[Target]) -> None:
    """Files, words, bytes and findings by category are counted; unreadable and binary files apart."""
    stats = RunStats()
    for result in run_files(folder, Job(Checker()), workers=1):
        stats.add(result)
    stats.stop()
    figures = stats.as_dict()
    assert (figures["files"], figures["unreadable"], figures["binary_skipped"]) == (10, 1, 1)
    assert figures["bytes"] == sum(Path(t.path).stat().st_size for i, t in enumerate(folder) if i not in (5, 7))
    assert figures["findings"] == sum(figures["by_category"].values()) > 0
    assert set(figures["by_category"]) == {"fingerprint", "collocation", "joined"}
    assert figures["files_with_findings"] == 6
    assert figures["seconds"] >= 0 and figures["files_per_second"] > 0



@pytest.mark.parametrize("text", [
    "", "one", "  two words  ", "a\u2003b\u3000c\xa0d\u2028e", "word " * 40 + "\n\n" + "longerword\t" * 30,
    "x" * 300, "é\u00a0" * 90 + "\U0001f600 end",
])
def test_counting_words_in_pieces_is_counting_them_at_once(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large text is counted in pieces cut at white space: never a word split in two, or counted twice."""
    from respin import runner

    monkeypatch.setattr(runner, "_COUNT_PIECE", 7)
    assert runner.count_words(text) == len(text.split())


def test_words_are_counted_only_when_the_job_asks(folder: list[Target]) -> None:
    counted = [r.words for r in run_files(folder, Job(Checker()), workers=1) if r.checked]
    uncounted = [r.words for r in run_files(folder, Job(Checker(), count_words=False), workers=1) if r.checked]
    assert sum(counted) > 0 and set(uncounted) == {0}
