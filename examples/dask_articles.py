"""Check a folder of articles with respin on Dask, writing one jsonl file of findings per partition.

    python examples/dask_articles.py ARTICLES OUT [--partitions N] [--workers N | --scheduler ADDRESS]
                                     [--min-confidence X] [--encoding ENC]

Every file under ARTICLES whose name ends in .txt, .md, .markdown, .rst, .html or
.htm is checked (sub-folders included). The paths are spread over the partitions of
a `dask.bag`; each partition's findings go to `OUT/part-00000.jsonl`,
`OUT/part-00001.jsonl`, ... (one file per partition, empty when it found nothing,
written atomically), in the record shape of `respin check --format jsonl`, with
paths relative to ARTICLES. The union of the part files is what `respin check
--format jsonl` prints for the same files, run from ARTICLES.

The `Checker` enters the task graph once, as a `dask.delayed` value that every
task depends on: each worker receives it once and keeps it, and the phrase index
is built once per worker process (`respin.engine.phrase_index_builds()` counts
the builds; the test asks every worker). Without `--scheduler` the script starts a
local cluster of `--workers` processes; with it, it connects to a running one (the
workers need respin installed, and must see ARTICLES and OUT at the same paths:
they read the articles and write the part files).

Needs the `dask` extra: pip install "respin[dask]". Exit code: 0 nothing found,
1 findings written, 2 an article could not be read (named on stderr; the others
are still checked).
"""

from __future__ import annotations

import argparse
import codecs
import math
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dask
import dask.bag

from respin import Checker, InputError, check_text, read_document
from respin.documents.files import write_atomic
from respin.output.report import jsonl_lines

if TYPE_CHECKING:
    from distributed import Client

#: File names checked by default: plain text, Markdown, reStructuredText and HTML.
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".rst", ".html", ".htm")
PART_PREFIX = "part-"


@dataclass(frozen=True)
class ArticleResult:
    """What checking one article gave: its jsonl lines, or why it could not be read."""

    path: str
    lines: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class PartitionSummary:
    """What one partition wrote."""

    part_file: str
    articles: int
    findings: int
    unreadable: tuple[str, ...]


@dataclass(frozen=True)
class RunSummary:
    """What a run checked and wrote, over all partitions."""

    partitions: int
    articles: int
    findings: int
    #: One message per article that could not be read, naming it.
    unreadable: tuple[str, ...]
    part_files: tuple[str, ...]


def article_paths(input_dir: Path, suffixes: Sequence[str] = ARTICLE_SUFFIXES) -> list[str]:
    """The articles under `input_dir`, as sorted POSIX paths relative to it."""
    wanted = {suffix.lower() for suffix in suffixes}
    return sorted(
        path.relative_to(input_dir).as_posix()
        for path in input_dir.rglob("*")
        if path.is_file() and path.suffix.lower() in wanted
    )


def check_article(relative_path: str, input_dir: str, checker: Checker, encoding: str = "utf-8") -> ArticleResult:
    """Read and check one article; runs on a worker, once per article."""
    full_path = os.path.join(input_dir, relative_path)
    try:
        document = read_document(full_path, encoding)
    except InputError as error:  # named as in the part files: relative to the articles folder
        return ArticleResult(relative_path, error=f"{relative_path}: {str(error).removeprefix(full_path + ': ')}")
    findings = check_text(document.text, checker)
    return ArticleResult(relative_path, tuple(jsonl_lines(relative_path, document.text, findings)))


def write_partition(results: Iterable[ArticleResult], part_file: str) -> PartitionSummary:
    """Write one partition's findings as jsonl (atomically; an empty file when there are none)."""
    results = list(results)
    lines = [line for result in results for line in result.lines]
    write_atomic(part_file, "".join(line + "\n" for line in lines).encode("utf-8"))
    return PartitionSummary(
        part_file=part_file,
        articles=sum(result.error is None for result in results),
        findings=len(lines),
        unreadable=tuple(result.error for result in results if result.error is not None),
    )


def _remove_old_parts(output_dir: Path) -> None:
    """Delete the part files of an earlier run, so the folder holds this run's partitions only."""
    for old in output_dir.glob(f"{PART_PREFIX}*.jsonl"):
        old.unlink()


def run(
    input_dir: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    checker: Checker | None = None,
    partitions: int | None = None,
    client: Client | None = None,
    *,
    encoding: str = "utf-8",
    suffixes: Sequence[str] = ARTICLE_SUFFIXES,
    timeout: float | None = None,
) -> RunSummary:
    """Check every article under `input_dir`, writing `output_dir/part-NNNNN.jsonl` per partition.

    `checker` defaults to `Checker()` (what `respin check` uses without a configuration).
    `partitions` is the most partitions to make, each of ceil(articles / partitions)
    articles but the last (10 articles and 4 partitions: 3, 3, 3, 1; and 6: five of 2);
    by default dask chooses. With a
    `distributed.Client` the work runs on its cluster (waiting at most `timeout`
    seconds); without one, on dask's current scheduler (a client made default, or
    dask's own). Part files of an earlier run in `output_dir` are replaced.
    """
    source, target = Path(input_dir), Path(output_dir)
    if partitions is not None and partitions < 1:
        raise ValueError(f"partitions must be at least 1, got {partitions}")
    if not source.is_dir():
        raise NotADirectoryError(f"{source}: not a folder of articles")
    paths = article_paths(source, suffixes)
    checker = checker if checker is not None else Checker()
    target.mkdir(parents=True, exist_ok=True)
    _remove_old_parts(target)
    if not paths:
        return RunSummary(partitions=0, articles=0, findings=0, unreadable=(), part_files=())

    shared_checker = dask.delayed(checker, pure=True)  # one task: each worker fetches it once and keeps it
    # Equal partitions of ceil(n / partitions) paths: at most `partitions` of them (npartitions= may make one more).
    size = math.ceil(len(paths) / partitions) if partitions else None
    bag = dask.bag.from_sequence(paths, partition_size=size)
    checked = bag.map(check_article, str(source), shared_checker, encoding)
    writes = [
        dask.delayed(write_partition)(part, str(target / f"{PART_PREFIX}{number:05d}.jsonl"))
        for number, part in enumerate(checked.to_delayed())
    ]
    if client is not None:
        from distributed import wait

        futures = client.compute(writes)
        wait(futures, timeout=timeout)
        summaries: Sequence[PartitionSummary] = client.gather(futures)
    else:
        summaries = dask.compute(*writes)
    return RunSummary(
        partitions=len(summaries),
        articles=sum(s.articles for s in summaries),
        findings=sum(s.findings for s in summaries),
        unreadable=tuple(message for s in summaries for message in s.unreadable),
        part_files=tuple(s.part_file for s in summaries),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Check a folder of articles with respin on Dask; one jsonl file of findings per partition.",
    )
    parser.add_argument("input_dir", type=Path, metavar="ARTICLES", help="folder of articles (searched recursively)")
    parser.add_argument("output_dir", type=Path, metavar="OUT", help="folder for part-NNNNN.jsonl (created)")
    parser.add_argument("--partitions", type=int, metavar="N", help="at most N partitions (default: dask's choice)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2, metavar="N", help="local worker processes (default: 2)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running cluster's scheduler, e.g. tcp://host:8786")
    parser.add_argument("--min-confidence", type=float, default=0.5, metavar="X", help="report threshold (0.5)")
    parser.add_argument("--encoding", default="utf-8", help="encoding of the articles (default: utf-8)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run from the command line; prints a summary on stderr, returns the exit code."""
    options = _parser().parse_args(argv)
    if options.partitions is not None and options.partitions < 1:
        _parser().error("--partitions must be at least 1")
    try:
        checker = Checker(min_confidence=options.min_confidence)
        codecs.lookup(options.encoding)
    except ValueError as error:
        _parser().error(str(error))
    except LookupError:
        _parser().error(f"unknown encoding {options.encoding!r}")
    from distributed import Client, LocalCluster

    if options.scheduler:
        client = Client(options.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=options.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        summary = run(options.input_dir, options.output_dir, checker, options.partitions, client,
                      encoding=options.encoding)
    except NotADirectoryError as error:
        print(f"dask_articles: {error}", file=sys.stderr)
        return 2
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    for message in summary.unreadable:
        print(f"dask_articles: {message}", file=sys.stderr)
    print(
        f"dask_articles: {summary.articles} articles checked, {summary.findings} findings, "
        f"{len(summary.unreadable)} unreadable; {summary.partitions} part files in {options.output_dir}",
        file=sys.stderr,
    )
    if summary.unreadable:
        return 2
    return 1 if summary.findings else 0


if __name__ == "__main__":
    sys.exit(main())
