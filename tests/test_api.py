"""The documented Python API: what `respin` exports, the README's example, pickling, resources once per process."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import pickle
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from helpers import ROOT

import respin
from respin import Checker, Finding, check_text
from respin.engine import phrase_index_builds

SPUN = "Officials said the shared chiefs of staff met when you look at the capital.\n"
#: A Checker's pickle is its configuration only; the phrase index alone would be megabytes.
MAX_PICKLE_BYTES = 2_000


def _readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_public_names_are_exported() -> None:
    """Everything the README's Python API section imports from `respin` is in `respin.__all__`."""
    section = _readme_section("Python API")
    imported = {name.strip() for line in re.findall(r"^from respin import (.+)$", section, re.MULTILINE)
                for name in line.split(",")}
    assert imported and imported <= set(respin.__all__)
    for name in respin.__all__:
        assert getattr(respin, name) is not None


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python API code blocks run as written and repair the article on disk."""
    monkeypatch.chdir(tmp_path)
    Path("article.txt").write_bytes(SPUN.replace("\n", "\r\n").encode("utf-8"))
    blocks = re.findall(r"```python\n(.*?)```", _readme_section("Python API"), re.DOTALL)
    assert blocks
    printed = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)
    assert Path("article.txt").read_bytes() == (
        b"Officials said the Joint Chiefs of Staff met in the capital.\r\n"
    )
    assert "shared chiefs of staff" in printed.getvalue()


def test_checker_pickles_small_without_loaded_resources() -> None:
    """A Checker pickles to the same few hundred bytes before and after its resources are loaded."""
    checker = Checker(min_confidence=0.6, rules=("doubled-word",))
    before = pickle.dumps(checker)
    check_text(SPUN, checker)
    after = pickle.dumps(checker)
    assert len(after) == len(before) < MAX_PICKLE_BYTES
    clone = pickle.loads(after)
    assert (clone.min_confidence, clone.dictionaries, clone.rules) == (0.6, checker.dictionaries, ("doubled-word",))
    assert check_text(SPUN, clone) == check_text(SPUN, checker)


def test_checkers_in_one_process_share_the_phrase_index() -> None:
    """Copies of a Checker (as a scheduler unpickles them) reuse one phrase index; other dictionaries get their own."""
    checker = Checker()
    check_text(SPUN, checker)
    builds = phrase_index_builds()
    for _ in range(3):
        check_text(SPUN, pickle.loads(pickle.dumps(checker)))
    assert phrase_index_builds() == builds
    assert Checker().phrase_index is checker.phrase_index
    assert Checker(dictionaries=("entities",)).phrase_index is not checker.phrase_index


#: In a worker process: every phrase index its checkers used (kept alive, so no two share an id).
_indexes_used: list[object] = []


def _check_in_worker(text: str, checker: Checker) -> tuple[int, int, int, list[Finding]]:
    """Run in a worker process: its id, distinct phrase indexes it has used and built, the findings."""
    findings = check_text(text, checker)
    _indexes_used.append(checker.phrase_index)
    return os.getpid(), len({id(index) for index in _indexes_used}), phrase_index_builds(), findings


def test_worker_process_builds_the_phrase_index_once() -> None:
    """Sent to fresh (spawned) worker processes task after task, a Checker loads its index once per worker."""
    checker = Checker()
    texts = [f"Report {n}: {SPUN}" for n in range(6)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(_check_in_worker, texts, [checker] * len(texts), timeout=120))
    tasks_per_worker = Counter(pid for pid, *_ in results)
    assert os.getpid() not in tasks_per_worker
    assert max(tasks_per_worker.values()) >= 2  # six tasks, two workers: some worker got several copies
    assert {(indexes, builds) for _, indexes, builds, _ in results} == {(1, 1)}
    assert [found for *_, found in results] == [check_text(text, checker) for text in texts]
