"""Benchmark of `respin check --jobs`: one process against two, on a folder of many small files.

Run from the repository root::

    python -m bench.jobs [--corpus DIR] [--repeat N] [--check] [--json]

It runs `python -m respin check --format jsonl --jobs 1 DIR` and the same with
`--jobs 2` (the respin this interpreter imports, so a checkout on PYTHONPATH
or an editable install is what is measured), alternating the two, `--repeat`
times each, and keeps the best time of each. The corpus is the folder itself
(default `../shared/data/bbc-dev` from the repository root: 2,173 BBC
articles), walked as a user's folder is.

It checks that both give byte-identical stdout and stderr and the same exit
code (the corpus holds one file that is not valid UTF-8, so both exit 2 and
name it), and prints one table: both times, files per second and the
speed-up (best time with 1 / best time with 2), and, since a shared machine's
load drifts, the median speed-up of the back-to-back pairs. Before and after the
runs it also times a CPU-bound loop in one process and in two: on a machine shared
with other work, that is the most a second job can gain at the moment. Target:
`--jobs 2` faster than `--jobs 1` (speed-up > 1) with identical output. The benchmark exits 0 whatever the
figures are; with `--check` it exits 1 when the target is missed or the outputs
differ, and it exits 2 when a run fails or the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.speed import CHILD_ENV, MB, BenchError, Row, describe_cores, format_table, machine_info

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "bbc-dev"
MIN_SPEEDUP = 1.0
RESPIN_OK = (0, 1, 2)  # clean, findings, a file that could not be read: all results, when both runs agree


@dataclass(frozen=True)
class Run:
    """One timed run of respin and what it printed."""

    seconds: float
    returncode: int
    stdout: bytes
    stderr: bytes


def respin_check(corpus: Path, jobs: int) -> Run:
    """Time `python -m respin check --format jsonl --jobs N corpus`; raise BenchError if it fails."""
    command = [sys.executable, "-m", "respin", "check", "--format", "jsonl", "--jobs", str(jobs), str(corpus)]
    start = time.perf_counter()
    done = subprocess.run(command, check=False, stdin=subprocess.DEVNULL, capture_output=True, env=CHILD_ENV,
                          cwd=REPO_ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in RESPIN_OK or b"Traceback" in done.stderr:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BenchError(f"`{' '.join(command)}` exited {done.returncode}" + "".join(f"\n  {t}" for t in tail))
    return Run(elapsed, done.returncode, done.stdout, done.stderr)


def _spin(rounds: int) -> int:
    total = 0
    for i in range(rounds):
        total += i * i
    return total


def machine_parallelism(rounds: int = 4_000_000) -> float:
    """How much faster two processes run a CPU-bound loop twice than one process does: the most a second job
    can gain on this machine now (about 2 on two idle cores, about 1 when other work holds a core)."""
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    start = time.perf_counter()
    _spin(rounds)
    _spin(rounds)
    serial = time.perf_counter() - start
    with multiprocessing.get_context(method).Pool(2) as pool:
        start = time.perf_counter()
        pool.map(_spin, [rounds, rounds])
        parallel = time.perf_counter() - start
    return serial / parallel


def corpus_figures(corpus: Path) -> dict[str, Any]:
    """Files and bytes of the corpus's *.txt files (what respin reads there by default)."""
    files = sorted(corpus.rglob("*.txt"))
    if not files:
        raise BenchError(f"no *.txt files in {corpus}")
    return {"path": str(corpus), "files": len(files), "bytes": sum(f.stat().st_size for f in files)}


def measure(corpus: Path, repeat: int, calibration_rounds: int = 4_000_000) -> dict[str, Any]:
    """Best times of --jobs 1 and --jobs 2 (runs alternated), and whether every run printed the same."""
    runs: dict[int, list[Run]] = {1: [], 2: []}
    parallelism = [machine_parallelism(calibration_rounds)]
    for _ in range(max(1, repeat)):
        for jobs in (1, 2):
            runs[jobs].append(respin_check(corpus, jobs))
    parallelism.append(machine_parallelism(calibration_rounds))
    reference = runs[1][0]
    identical = all(
        (run.stdout, run.stderr, run.returncode) == (reference.stdout, reference.stderr, reference.returncode)
        for run in [*runs[1], *runs[2]]
    )
    one, two = (min(run.seconds for run in runs[jobs]) for jobs in (1, 2))
    pairs = sorted(a.seconds / b.seconds for a, b in zip(runs[1], runs[2]))
    return {
        "repeat": repeat,
        "jobs1_s": one,
        "jobs2_s": two,
        "speedup": one / two,
        "pair_speedups": pairs,
        "median_pair_speedup": statistics.median(pairs),
        "machine_parallelism": parallelism,
        "identical": identical,
        "returncode": reference.returncode,
        "findings": reference.stdout.count(b"\n"),
        "stderr_lines": reference.stderr.decode("utf-8", "replace").splitlines(),
    }


def build_rows(corpus: dict[str, Any], figures: dict[str, Any]) -> list[Row]:
    files, size = corpus["files"], corpus["bytes"] / MB
    rows = [
        Row(f"respin check --jobs 1 ({files:,} files, {size:.1f} MB)",
            f"{figures['jobs1_s']:.2f} s ({files / figures['jobs1_s']:,.0f} files/s)"),
        Row(f"respin check --jobs 2 ({files:,} files, {size:.1f} MB)",
            f"{figures['jobs2_s']:.2f} s ({files / figures['jobs2_s']:,.0f} files/s)"),
        Row("speed-up (best jobs 1 time / best jobs 2 time)", f"{figures['speedup']:.2f}x", f"> {MIN_SPEEDUP:.1f}",
            figures["speedup"] > MIN_SPEEDUP),
        Row("speed-up, median of back-to-back pairs", f"{figures['median_pair_speedup']:.2f}x",
            f"(range {figures['pair_speedups'][0]:.2f}-{figures['pair_speedups'][-1]:.2f})"),
        Row("machine: a CPU-bound loop in 2 processes, before / after",
            " / ".join(f"{x:.2f}x" for x in figures["machine_parallelism"]), "(the most jobs 2 can gain)"),
        Row("output of every run identical", "yes" if figures["identical"] else "NO",
            f"{figures['findings']} findings, exit {figures['returncode']}", figures["identical"]),
    ]
    return rows


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.jobs",
                                     description="Time respin check --jobs 1 against --jobs 2 on a folder.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder to check (default: ../shared/data/bbc-dev from the repo root)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best kept (default: 3)")
    parser.add_argument("--calibration-rounds", type=int, default=4_000_000,
                        help="length of the CPU-bound loop that measures the machine (default: 4,000,000)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    machine = machine_info()
    print(f"respin jobs benchmark: {describe_cores(machine)}, {machine['python']}, {machine['platform']}", flush=True)
    if not options.corpus.is_dir():
        print(f"error: corpus {options.corpus} not found", file=sys.stderr)
        return 2
    try:
        corpus = corpus_figures(options.corpus)
        figures = measure(options.corpus, options.repeat, options.calibration_rounds)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = build_rows(corpus, figures)
    print()
    print(format_table(rows))
    failed = [row.metric for row in rows if row.passed is False]
    if options.json:
        print(json.dumps({"machine": machine, "corpus": corpus, "figures": figures,
                          "rows": [asdict(row) for row in rows], "failed": failed}, indent=2))
    return 1 if options.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
