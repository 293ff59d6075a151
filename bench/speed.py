"""Speed and memory benchmark of the `respin` command line.

Run from the repository root::

    python -m bench.speed [--corpus DIR] [--repeat N] [--check] [--json]

It measures the installed `respin` console script (the one next to
`sys.executable`, else `python -m respin`) as a user would run it, in
subprocesses, and prints one table:

throughput
    `respin check --format jsonl FILE` and `codespell FILE` on the same file, in
    the same run: every `*.txt` of the corpus directory (default
    `../shared/data/bbc-dev`, relative to the repository root) concatenated in
    sorted order into one UTF-8 file of about 5 MB (undecodable bytes become
    U+FFFD). Best of `--repeat` runs each, reported in MB/s. Target: respin
    takes no longer than codespell, i.e. respin_time / codespell_time <= 1.0.

start-up
    `respin check` on a 5 KB file (fixtures/spun-news-syria.txt), best of
    `--startup-repeat` runs. Target: < 0.3 s. `respin --version` is timed too,
    for reference (the cost of starting Python and importing the CLI).

peak memory
    Maximum resident set size of one `respin check` process on the corpus file.
    `getrusage(RUSAGE_CHILDREN)` reports the maximum over *all* children ever
    waited for, so the run happens inside a fresh Python wrapper process whose
    only child is respin. (On Linux a process's maximum also includes the memory
    of the process that spawned it at exec time, so the wrapper's ~10 MB is a
    floor of the figure.) Target: < 300 MB.

MB is 10**6 bytes throughout. Exit codes 1 (respin: findings) and 65 (codespell:
misspellings) are results, not failures. The benchmark exits 0 whatever the
figures are, since it is a report; with `--check` it exits 1 when a target is
missed, and it exits 2 when a command cannot be run at all. If the corpus
directory is missing, the throughput and memory rows are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "bbc-dev"
STARTUP_FILE = REPO_ROOT / "fixtures" / "spun-news-syria.txt"

MAX_TIME_RATIO = 1.0  # respin_time / codespell_time on the corpus
MAX_STARTUP_S = 0.3  # respin check on a 5 KB file
MAX_PEAK_RSS_MB = 300.0  # respin check on the corpus

RESPIN_OK = (0, 1)  # clean, findings
CODESPELL_OK = (0, 65)  # clean, misspellings (EX_DATAERR)

MB = 1_000_000

# Both tools run as an installed user runs them: with Python's bytecode cache. A
# PYTHONDONTWRITEBYTECODE=1 inherited from a build environment would make every run
# recompile the sources of respin and codespell alike and measure that instead.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# Runs the command given as its arguments and prints the child's peak RSS (KiB on Linux)
# and exit code. A new interpreter has no other children, so RUSAGE_CHILDREN is this one's.
_RSS_WRAPPER = """\
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"returncode": done.returncode, "maxrss_kib": usage.ru_maxrss,
                  "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""


class BenchError(Exception):
    """A command that could not be run, or that failed rather than reported."""


# --- commands ---------------------------------------------------------------------------


def respin_command() -> list[str]:
    """The installed `respin` console script next to this interpreter, else `python -m respin`."""
    script = Path(sys.executable).parent / "respin"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "respin"]


def codespell_command() -> list[str] | None:
    """The `codespell` script next to this interpreter or on PATH; None if not installed."""
    script = Path(sys.executable).parent / "codespell"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("codespell")
    return [found] if found else None


def run_timed(command: Sequence[str], ok_codes: Sequence[int]) -> float:
    """Wall-clock seconds of one run of `command`, its output discarded.

    Raises BenchError if it exits with a code outside `ok_codes`.
    """
    start = time.perf_counter()
    done = subprocess.run(
        list(command), check=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env=CHILD_ENV,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in ok_codes:
        _fail(command, done.returncode, done.stderr.decode("utf-8", "replace"))
    return elapsed


def best_of(command: Sequence[str], repeat: int, ok_codes: Sequence[int]) -> float:
    """The fastest of `repeat` runs of `command`, in seconds."""
    return min(run_timed(command, ok_codes) for _ in range(max(1, repeat)))


def _fail(command: Sequence[str], returncode: int, stderr: str) -> None:
    tail = stderr.strip().splitlines()[-5:]
    raise BenchError(f"`{' '.join(command)}` exited {returncode}" + "".join(f"\n  {line}" for line in tail))


# --- measurements -----------------------------------------------------------------------


def build_corpus(corpus_dir: Path, dest_dir: Path) -> Path:
    """Concatenate every `*.txt` of `corpus_dir` (sorted) into one UTF-8 file in `dest_dir`.

    Each file is decoded as UTF-8 with undecodable bytes replaced, so the result is valid UTF-8.
    """
    sources = sorted(corpus_dir.glob("*.txt"))
    if not sources:
        raise BenchError(f"no *.txt files in {corpus_dir}")
    target = dest_dir / "corpus.txt"
    with target.open("w", encoding="utf-8", newline="") as out:
        for source in sources:
            out.write(source.read_bytes().decode("utf-8", errors="replace"))
    return target


def measure_throughput(path: Path, repeat: int) -> dict[str, Any]:
    """Best-of-`repeat` times of `respin check --format jsonl` and `codespell` on `path`."""
    codespell = codespell_command()
    if codespell is None:
        raise BenchError("codespell is not installed (pip install codespell)")
    size = path.stat().st_size
    respin_s = best_of([*respin_command(), "check", "--format", "jsonl", str(path)], repeat, RESPIN_OK)
    codespell_s = best_of([*codespell, str(path)], repeat, CODESPELL_OK)
    return {
        "file_bytes": size,
        "repeat": repeat,
        "respin_s": respin_s,
        "codespell_s": codespell_s,
        "respin_mb_s": size / MB / respin_s,
        "codespell_mb_s": size / MB / codespell_s,
        "time_ratio": respin_s / codespell_s,
    }


def measure_startup(path: Path, repeat: int) -> dict[str, Any]:
    """Best-of-`repeat` times of `respin check` on a small file and of `respin --version`."""
    respin = respin_command()
    return {
        "file_bytes": path.stat().st_size,
        "repeat": repeat,
        "check_s": best_of([*respin, "check", str(path)], repeat, RESPIN_OK),
        "version_s": best_of([*respin, "--version"], repeat, (0,)),
    }


def measure_peak_rss(path: Path) -> dict[str, Any]:
    """Peak RSS of one `respin check --format jsonl` run on `path`, measured in a fresh wrapper."""
    command = [*respin_command(), "check", "--format", "jsonl", str(path)]
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _RSS_WRAPPER, *command],
        check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=CHILD_ENV,
    )
    if done.returncode != 0:
        _fail([sys.executable, "-c", "<rss wrapper>", *command], done.returncode, done.stderr)
    report = json.loads(done.stdout)
    if report["returncode"] not in RESPIN_OK:
        _fail(command, report["returncode"], report["stderr"])
    maxrss_kib = int(report["maxrss_kib"])
    if sys.platform == "darwin":  # ru_maxrss is bytes on macOS, KiB on Linux
        maxrss_kib //= 1024
    return {"file_bytes": path.stat().st_size, "maxrss_kib": maxrss_kib, "peak_rss_mb": maxrss_kib * 1024 / MB}


def machine_info() -> dict[str, Any]:
    """Cores, Python and tool versions of this machine."""
    try:
        usable: int | None = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = None
    return {
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "respin": _version("respin"),
        "codespell": _version("codespell"),
    }


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


# --- report -----------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the report; `passed` is None for figures without a target."""

    metric: str
    value: str
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: ""}[self.passed]


def build_rows(
    throughput: dict[str, Any] | None,
    startup: dict[str, Any] | None,
    memory: dict[str, Any] | None,
    notes: dict[str, str],
) -> list[Row]:
    """The table rows for the measured figures; a missing section shows its note instead."""
    rows: list[Row] = []
    if throughput is not None:
        size_mb = throughput["file_bytes"] / MB
        rows += [
            Row(f"respin check --format jsonl ({size_mb:.1f} MB)",
                f"{throughput['respin_mb_s']:.2f} MB/s ({throughput['respin_s']:.2f} s)"),
            Row(f"codespell ({size_mb:.1f} MB)",
                f"{throughput['codespell_mb_s']:.2f} MB/s ({throughput['codespell_s']:.2f} s)"),
            Row("time ratio respin / codespell", f"{throughput['time_ratio']:.2f}",
                f"<= {MAX_TIME_RATIO:.1f}", throughput["time_ratio"] <= MAX_TIME_RATIO),
        ]
    else:
        rows.append(Row("throughput", "skipped", notes.get("throughput", "")))
    if startup is not None:
        rows += [
            Row(f"start-up: respin check ({startup['file_bytes'] / 1000:.1f} KB)", f"{startup['check_s']:.3f} s",
                f"< {MAX_STARTUP_S} s", startup["check_s"] < MAX_STARTUP_S),
            Row("start-up: respin --version", f"{startup['version_s']:.3f} s", "(reference)"),
        ]
    else:
        rows.append(Row("start-up", "skipped", notes.get("startup", "")))
    if memory is not None:
        rows.append(Row(f"peak RSS: respin check ({memory['file_bytes'] / MB:.1f} MB)",
                        f"{memory['peak_rss_mb']:.1f} MB", f"< {MAX_PEAK_RSS_MB:.0f} MB",
                        memory["peak_rss_mb"] < MAX_PEAK_RSS_MB))
    else:
        rows.append(Row("peak RSS", "skipped", notes.get("memory", "")))
    return rows


def format_table(rows: Sequence[Row]) -> str:
    """The rows as an aligned plain-text table with a header line."""
    header = Row("metric", "value", "target")
    cells = [(r.metric, r.value, r.target, r.verdict if r is not header else "result") for r in [header, *rows]]
    widths = [max(len(cell[i]) for cell in cells) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def describe_cores(machine: dict[str, Any]) -> str:
    """"2 cores", or "8 cores (2 usable)" when this process may use fewer."""
    cores = f"{machine['cores']} cores"
    if machine["usable_cores"] not in (None, machine["cores"]):
        cores += f" ({machine['usable_cores']} usable)"
    return cores


def format_header(machine: dict[str, Any]) -> str:
    cores = describe_cores(machine)
    return (
        f"respin speed benchmark: {cores}, {machine['python']}, {machine['platform']}\n"
        f"respin {machine['respin']}, codespell {machine['codespell']}, command: {' '.join(respin_command())}"
    )


# --- main -------------------------------------------------------------------------------


def positive_int(value: str) -> int:
    """An argparse type: an integer of at least 1."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.speed",
        description="Time respin against codespell, its start-up, and its peak memory.",
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS,
        help="directory of *.txt files to concatenate (default: ../shared/data/bbc-dev from the repo root)",
    )
    parser.add_argument("--repeat", type=positive_int, default=3, help="throughput runs, best kept (default: 3)")
    parser.add_argument("--startup-repeat", type=positive_int, default=5,
                        help="start-up runs, best kept (default: 5)")
    parser.add_argument("--check", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    machine = machine_info()
    print(format_header(machine), flush=True)

    throughput: dict[str, Any] | None = None
    startup: dict[str, Any] | None = None
    memory: dict[str, Any] | None = None
    notes: dict[str, str] = {}
    errors: list[str] = []

    try:
        startup = measure_startup(STARTUP_FILE, options.startup_repeat)
    except BenchError as error:
        errors.append(str(error))
        notes["startup"] = "error"

    if not options.corpus.is_dir():
        print(f"corpus {options.corpus} not found: skipping throughput and peak memory")
        notes["throughput"] = notes["memory"] = "no corpus"
    else:
        with tempfile.TemporaryDirectory(prefix="respin-bench-") as tmp:
            corpus_file = build_corpus(options.corpus, Path(tmp))
            try:
                memory = measure_peak_rss(corpus_file)
            except BenchError as error:
                errors.append(str(error))
                notes["memory"] = "error"
            try:
                throughput = measure_throughput(corpus_file, options.repeat)
            except BenchError as error:
                errors.append(str(error))
                notes["throughput"] = "error"

    rows = build_rows(throughput, startup, memory, notes)
    print()
    print(format_table(rows))
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    failed = [row.metric for row in rows if row.passed is False]

    if options.json:
        figures = {
            "machine": machine,
            "throughput": throughput,
            "startup": startup,
            "memory": memory,
            "targets": {"max_time_ratio": MAX_TIME_RATIO, "max_startup_s": MAX_STARTUP_S,
                        "max_peak_rss_mb": MAX_PEAK_RSS_MB},
            "rows": [asdict(row) for row in rows],
            "failed": failed,
            "errors": errors,
        }
        print(json.dumps(figures, indent=2))

    if errors:
        return 2
    return 1 if options.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
