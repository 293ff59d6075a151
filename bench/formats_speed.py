"""What reading only the prose costs: masking time per syntax, and start-up on a small file of each syntax.

Run from the repository root::

    python -m bench.formats_speed [--corpus DIR] [--repeat N] [--startup-repeat N]

masking (in this process)
    The corpus (every `*.txt` of `--corpus`, default `../shared/data/bbc-dev`,
    concatenated as `bench.speed` does, about 5 MB) is given to `prose_mask` and
    `masked_text` as each syntax, best of `--repeat`: as plain text, Markdown and
    reStructuredText as it is (paragraphs), and as HTML with each paragraph in a
    `<p>` element and `&`, `<` escaped. One `check_text` of the plain text
    (`Checker()`, as the command line runs it) gives the scale: masking should
    cost a small fraction of checking, and close to nothing for plain text.

start-up
    `python -m respin check` run from this checkout on `fixtures/spun-news-syria.txt`
    (5 KB) copied as `.txt`, `.md`, `.html` and `.rst`, best of `--startup-repeat`:
    Markdown pays for importing markdown-it-py. Target for every syntax: <= 0.25 s,
    `bench.speed`'s for Markdown.

The benchmark prints figures and exits 0; 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import html
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.speed import (
    CHILD_ENV,
    DEFAULT_CORPUS,
    MAX_STARTUP_MD_S,
    MB,
    REPO_ROOT,
    STARTUP_FILE,
    BenchError,
    Row,
    build_corpus,
    format_table,
)
from respin.documents.formats import Syntax, masked_text, prose_mask
from respin.engine import Checker, check_text

#: The file name extension each syntax is detected by, for the start-up runs.
SUFFIXES = {Syntax.TEXT: ".txt", Syntax.MARKDOWN: ".md", Syntax.HTML: ".html", Syntax.RST: ".rst"}


def as_html(text: str) -> str:
    """The text as an HTML page: each paragraph (blank-line separated) in a <p>, special characters escaped."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return f"<!DOCTYPE html>\n<html><head><title>corpus</title></head><body>\n{body}\n</body></html>\n"


def best_seconds(function: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` calls of `function`, in seconds."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


@dataclass(frozen=True)
class MaskingFigure:
    """What masking one text as one syntax took."""

    syntax: Syntax
    chars: int
    spans: int
    #: Seconds of `prose_mask` (finding what is not prose) and of `masked_text` (the copy checked instead).
    mask_s: float
    copy_s: float


def measure_masking(text: str, repeat: int) -> list[MaskingFigure]:
    """Per syntax: characters, masked spans, seconds to find them and seconds to build the masked copy."""
    figures = []
    for syntax in Syntax:
        document = as_html(text) if syntax is Syntax.HTML else text
        spans = prose_mask(document, syntax)
        mask_s = best_seconds(partial(prose_mask, document, syntax), repeat)
        copy_s = best_seconds(partial(masked_text, document, spans), repeat) if spans else 0.0
        figures.append(MaskingFigure(syntax, len(document), len(spans), mask_s, copy_s))
    return figures


def measure_check(text: str) -> float:
    """Seconds of one `check_text` of `text` with the command line's default checker (resources loaded first)."""
    checker = Checker()
    _ = checker.phrase_index, checker.lexicon.counts
    return best_seconds(lambda: check_text(text, checker), 1)


@dataclass(frozen=True)
class Startup:
    """Best wall-clock and best CPU (user + system) seconds of `respin check` on a small file."""

    wall_s: float
    cpu_s: float


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_startup(repeat: int) -> dict[Syntax, Startup]:
    """Best of `repeat` runs of `python -m respin check` on the 5 KB example saved under each syntax's extension.

    The syntaxes take turns, so that a busy moment of a shared machine does not fall on one
    of them only; CPU time is reported too, as it varies less than wall time on a busy machine.
    """
    env = {**CHILD_ENV, "PYTHONPATH": str(REPO_ROOT)}
    wall = dict.fromkeys(SUFFIXES, float("inf"))
    cpu = dict.fromkeys(SUFFIXES, float("inf"))
    with tempfile.TemporaryDirectory() as folder:
        paths = {syntax: Path(folder) / f"article{suffix}" for syntax, suffix in SUFFIXES.items()}
        for path in paths.values():
            shutil.copy(STARTUP_FILE, path)
        for _ in range(max(1, repeat)):
            for syntax, path in paths.items():
                command = [sys.executable, "-m", "respin", "check", str(path)]
                cpu_before, start = _children_cpu_s(), time.perf_counter()
                done = subprocess.run(command, check=False, capture_output=True, env=env, cwd=folder)
                wall[syntax] = min(wall[syntax], time.perf_counter() - start)
                cpu[syntax] = min(cpu[syntax], _children_cpu_s() - cpu_before)
                if done.returncode not in (0, 1):
                    raise BenchError(f"`{' '.join(command)}` exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return {syntax: Startup(wall[syntax], cpu[syntax]) for syntax in SUFFIXES}


def build_rows(masking: Sequence[MaskingFigure], check_s: float, startup: dict[Syntax, Startup]) -> list[Row]:
    """The report's rows."""
    rows = []
    for masked in masking:
        seconds = masked.mask_s + masked.copy_s
        rows.append(Row(
            f"mask as {masked.syntax.value} ({masked.chars / MB:.1f} M chars, {masked.spans} spans)",
            f"{seconds * 1000:.0f} ms = {seconds / check_s:.1%} of checking",
        ))
    rows.append(Row("check_text of the plain text (scale)", f"{check_s:.2f} s"))
    for syntax, figure in startup.items():
        rows.append(Row(f"start-up: respin check, 5 KB {SUFFIXES[syntax]}",
                        f"{figure.wall_s:.3f} s (CPU {figure.cpu_s:.3f} s)",
                        f"<= {MAX_STARTUP_MD_S} s", figure.wall_s <= MAX_STARTUP_MD_S))
    return rows


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.formats_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="directory of *.txt files to concatenate (default: ../shared/data/bbc-dev)")
    parser.add_argument("--repeat", type=int, default=3, help="masking runs per syntax, best kept (default: 3)")
    parser.add_argument("--startup-repeat", type=int, default=5, help="start-up runs, best kept (default: 5)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    if not options.corpus.is_dir():
        print(f"bench.formats_speed: no corpus directory {options.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        text = build_corpus(options.corpus, Path(folder)).read_text(encoding="utf-8")
    print(f"respin formats benchmark: {os.cpu_count()} cores, corpus {options.corpus}", flush=True)
    masking = measure_masking(text, options.repeat)
    rows = build_rows(masking, measure_check(text), measure_startup(options.startup_repeat))
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
