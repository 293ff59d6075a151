"""examples/dask_articles.py on a real local Dask cluster: partition files match `respin check --format jsonl`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import dask
import pytest
from distributed import Client, LocalCluster
from helpers import ROOT

EXAMPLES = ROOT / "examples"
#: Seconds any one run on the cluster may take before the test fails instead of hanging.
TIMEOUT = 180

ARTICLES = {
    "world/syria.txt": "The shared chiefs of staff met when you look at the capital.\n",
    "world/talks.md": "# Talks\n\nThe envoys hoped to hit a handle Russia would accept.\n",
    "world/clean.txt": "The ministers met in the capital on Monday and agreed a budget.\n",
    "science/paper.rst": "Results\n=======\n\nWe trained counterfeit consciousness models on the data.\n",
    "science/clean.md": "The study measured rainfall over ten years.\n",
    "archive/2019/markets.html": "<p>Prices rose the the most in a decade.</p>\n",
    "archive/2019/clean.txt": "Shares closed higher after the announcement.\n",
    "troops.txt": "Us makes stayed in harms means\nfor months.\n",
    "crlf.txt": "Officials said when you look at the north\r\nthe fighting eased.\r\n",
    "notes.txt": "Nothing spun here at all.\n",
}
PARTITIONS = 3


@pytest.fixture(scope="module")
def dask_articles() -> Iterator[ModuleType]:
    """The example script imported by name, as the cluster's worker processes import it."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        import dask_articles

        yield dask_articles
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture(scope="module")
def client(dask_articles: ModuleType) -> Iterator[Client]:
    """A local cluster of two single-threaded worker processes that can import the example."""
    monkeypatch = pytest.MonkeyPatch()
    # Worker processes inherit the environment: they find the example (and this checkout's respin) by it.
    paths = [str(EXAMPLES), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    try:
        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=40) as cluster,
            Client(cluster, timeout=TIMEOUT) as running,
        ):
            yield running
    finally:
        monkeypatch.undo()


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A folder of small articles, some spun, some clean, in sub-folders."""
    folder = tmp_path / "articles"
    for name, text in ARTICLES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return folder


def _cli_jsonl(folder: Path, paths: list[str]) -> list[dict[str, object]]:
    """What `respin check --format jsonl` prints for `paths`, run from `folder`."""
    result = subprocess.run(
        [sys.executable, "-m", "respin", "check", "--format", "jsonl", "--no-config", *paths],
        cwd=folder, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode in (0, 1, 2), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _records(files: list[Path]) -> list[dict[str, object]]:
    return [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()]


def _ordered(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return sorted(records, key=lambda record: json.dumps(record, sort_keys=True))


def test_partition_files_hold_what_respin_check_reports(
    dask_articles: ModuleType, client: Client, articles: Path, tmp_path: Path
) -> None:
    """One part file per partition; together they hold exactly the CLI's jsonl records, with relative paths."""
    out = tmp_path / "out"
    summary = dask_articles.run(articles, out, partitions=PARTITIONS, client=client, timeout=TIMEOUT)

    parts = sorted(out.iterdir())
    assert [p.name for p in parts] == [f"part-{n:05d}.jsonl" for n in range(PARTITIONS)]
    assert summary.partitions == PARTITIONS and summary.part_files == tuple(str(p) for p in parts)
    expected = _cli_jsonl(articles, sorted(ARTICLES))
    written = _records(parts)
    assert _ordered(written) == _ordered(expected)
    assert summary.articles == len(ARTICLES) and summary.findings == len(expected) and not summary.unreadable
    spun = {record["path"] for record in written}
    assert {"world/syria.txt", "troops.txt", "archive/2019/markets.html", "crlf.txt"} <= spun
    assert not spun & {"world/clean.txt", "science/clean.md", "archive/2019/clean.txt", "notes.txt"}


def test_runs_on_dask_own_scheduler_without_a_cluster(
    dask_articles: ModuleType, client: Client, articles: Path, tmp_path: Path
) -> None:
    """Without a client (here dask's synchronous scheduler) the same part files come out."""
    with dask.config.set(scheduler="synchronous"):
        summary = dask_articles.run(articles, tmp_path / "out", partitions=2)
    assert summary.partitions == 2
    assert _ordered(_records(sorted((tmp_path / "out").iterdir()))) == _ordered(_cli_jsonl(articles, sorted(ARTICLES)))


@pytest.mark.parametrize(("asked", "made"), [(4, 4), (6, 5), (50, len(ARTICLES))])
def test_partitions_is_an_upper_bound(
    dask_articles: ModuleType, client: Client, articles: Path, tmp_path: Path, asked: int, made: int
) -> None:
    """`partitions` caps the part files; equal shares of ceil(articles / partitions) may need fewer."""
    summary = dask_articles.run(articles, tmp_path / "out", partitions=asked, client=client, timeout=TIMEOUT)
    assert summary.partitions == made == len(list((tmp_path / "out").iterdir()))
    assert summary.articles == len(ARTICLES)


def test_each_worker_builds_the_phrase_index_once(
    dask_articles: ModuleType, client: Client, articles: Path, tmp_path: Path
) -> None:
    """The Checker is shipped once per worker and each worker process builds its phrase index once."""
    for run in range(2):
        dask_articles.run(articles, tmp_path / f"out{run}", partitions=5, client=client, timeout=TIMEOUT)
    from respin.engine import phrase_index_builds

    builds = client.run(phrase_index_builds)
    assert len(builds) == 2
    assert set(builds.values()) <= {0, 1}, builds  # 0: a worker that was given no partition
    assert sum(builds.values()) >= 1


def test_unreadable_article_is_named_and_others_are_checked(
    dask_articles: ModuleType, client: Client, articles: Path, tmp_path: Path
) -> None:
    """A binary or undecodable article is reported by relative path; the rest are still written."""
    (articles / "world" / "broken.txt").write_bytes(b"caf\xe9 when you look at the\n")
    (articles / "picture.html").write_bytes(b"\x89PNG\x00\x00")
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-00009.jsonl").write_text("stale\n", encoding="utf-8")  # from an earlier, larger run
    summary = dask_articles.run(articles, out, partitions=2, client=client, timeout=TIMEOUT)

    assert sorted(summary.unreadable) == [
        "picture.html: binary file (contains NUL bytes); not checked",
        "world/broken.txt: not valid utf-8 (byte 0xe9 at offset 3); "
        "pass --encoding to read it, e.g. --encoding latin-1",
    ]
    assert summary.articles == len(ARTICLES)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.jsonl", "part-00001.jsonl"]
    assert _ordered(_records(sorted(out.iterdir()))) == _ordered(_cli_jsonl(articles, sorted(ARTICLES)))


def test_command_line_runs_on_a_running_cluster(
    dask_articles: ModuleType, client: Client, articles: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`dask_articles.py ARTICLES OUT --scheduler ADDRESS` writes the parts, summarises, and exits 1 on findings."""
    out = tmp_path / "out"
    code = dask_articles.main([str(articles), str(out), "--partitions", "2", "--scheduler", client.scheduler.address])
    assert code == 1
    err = capsys.readouterr().err
    assert f"{len(ARTICLES)} articles checked" in err and f"2 part files in {out}" in err
    assert len(list(out.glob("part-*.jsonl"))) == 2


def test_command_line_rejects_a_missing_folder(dask_articles: ModuleType, client: Client, tmp_path: Path) -> None:
    """A folder that does not exist is named on stderr with exit code 2, and nothing is written."""
    code = dask_articles.main([str(tmp_path / "nowhere"), str(tmp_path / "out"), "--scheduler",
                               client.scheduler.address])
    assert code == 2
    assert not (tmp_path / "out").exists()
