"""Speed and memory benchmark of the `respin` command line against codespell and typos.

Run from the repository root::

    python -m bench.speed [--corpus DIR] [--repeat N] [--skip-large] [--check] [--json]

It measures the installed `respin` console script (the one next to
`sys.executable`, else `python -m respin`) as a user would run it, in
subprocesses, and prints one table:

comparison
    On the same input in the same run, rounds alternating the commands (so a
    busy moment hurts them alike): `respin check --format jsonl --jobs 1`,
    `respin check --format jsonl` (default jobs: one per core), `codespell` and
    `typos` (a Rust spelling checker; PyPI `typos`, in the bench extra). Two
    inputs: every `*.txt` of the corpus directory (default
    `../shared/data/bbc-dev`, relative to the repository root) concatenated in
    sorted order into one UTF-8 file of about 5 MB (undecodable bytes become
    U+FFFD), and the corpus directory itself. The median of `--repeat` rounds is
    kept. Targets: respin `--jobs 1` takes no longer than codespell, respin with
    the default jobs no longer than typos (time ratios <= 1.0).

start-up
    `respin check` on a 5 KB file (fixtures/spun-news-syria.txt), and on the same
    text as a `.md` file, best of `--startup-repeat` runs. Targets: <= 0.2 s
    (.txt), <= 0.25 s (.md). `respin --version` is timed too, for reference (the
    cost of starting Python and importing the command line).

peak memory
    Maximum resident set size of one `respin check` process (default jobs) on the
    5 MB file and on that file ten times over (about 50 MB; `--skip-large` leaves it
    out). `getrusage(RUSAGE_CHILDREN)` reports the maximum over *all* children ever
    waited for, so each run happens inside a fresh Python wrapper process whose
    only child is respin. (On Linux a process's maximum also includes the memory
    of the process that spawned it at exec time, so the wrapper's ~10 MB is a
    floor of the figure.) Targets: <= 200 MB at 50 MB, and less than twice the
    5 MB figure.

MB is 10**6 bytes throughout. Exit codes 1 (respin: findings), 65 (codespell:
misspellings) and 2 (typos: typos found) are results, not failures. The
benchmark exits 0 whatever the figures are, since it is a report; with `--check`
it exits 1 when a target is missed, and it exits 2 when a command cannot be run
at all. If the corpus directory is missing, the comparison and memory rows are
skipped; a tool that is not installed is left out of the comparison with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
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

MAX_TIME_RATIO = 1.0  # respin --jobs 1 / codespell, and respin (default jobs) / typos
MAX_STARTUP_S = 0.2  # respin check on a 5 KB .txt file
MAX_STARTUP_MD_S = 0.25  # the same text as .md
MAX_PEAK_RSS_MB = 200.0  # respin check on the 50 MB file
MAX_MEMORY_GROWTH = 2.0  # peak at 50 MB / peak at 5 MB
LARGE_COPIES = 10  # the large memory input: the corpus file this many times over

RESPIN_OK = (0, 1)  # clean, findings
CODESPELL_OK = (0, 65)  # clean, misspellings (EX_DATAERR)
TYPOS_OK = (0, 2)  # clean, typos found

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


def installed_command(name: str) -> list[str] | None:
    """The `name` script next to this interpreter (installed in this environment) or on PATH; None if neither."""
    script = Path(sys.executable).parent / name
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which(name)
    return [found] if found else None


def codespell_command() -> list[str] | None:
    """codespell, for the comparison; None if not installed."""
    return installed_command("codespell")


def typos_command() -> list[str] | None:
    """typos (a Rust binary; PyPI `typos`), for the comparison; None if not installed."""
    return installed_command("typos")


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
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode not in ok_codes and not _only_undecodable_files(command, done.returncode, stderr):
        _fail(command, done.returncode, stderr)
    return elapsed


def _only_undecodable_files(command: Sequence[str], returncode: int, stderr: str) -> bool:
    """respin's exit 2 because some files of a folder are not UTF-8 (bbc-dev has a few): still a full run."""
    lines = stderr.strip().splitlines()
    return command[:len(respin_command())] == respin_command() and returncode == 2 and bool(lines) \
        and all("not valid utf-8" in line for line in lines)


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


def comparison_commands(path: Path) -> dict[str, tuple[list[str], Sequence[int]]]:
    """name -> (command, accepted exit codes) of every tool compared on `path`; missing tools are left out."""
    respin = [*respin_command(), "check", "--no-config", "--format", "jsonl"]
    commands: dict[str, tuple[list[str], Sequence[int]]] = {
        "respin --jobs 1": ([*respin, "--jobs", "1", str(path)], RESPIN_OK),
        "respin": ([*respin, str(path)], RESPIN_OK),
    }
    codespell, typos = codespell_command(), typos_command()
    if codespell is not None:
        commands["codespell"] = ([*codespell, str(path)], CODESPELL_OK)
    if typos is not None:
        commands["typos"] = ([*typos, str(path)], TYPOS_OK)
    return commands


def measure_comparison(path: Path, repeat: int) -> dict[str, Any]:
    """Median wall times of respin (--jobs 1 and default), codespell and typos on `path`, in alternating rounds.

    The ratios are respin --jobs 1 / codespell and respin (default jobs) / typos, where both were measured.
    """
    commands = comparison_commands(path)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(max(1, repeat)):
        for name, (command, ok_codes) in commands.items():
            times[name].append(run_timed(command, ok_codes))
    size = _input_bytes(path)
    medians = {name: statistics.median(values) for name, values in times.items()}
    figures: dict[str, Any] = {"input": path.name, "is_folder": path.is_dir(), "input_bytes": size, "repeat": repeat,
                               "median_s": medians, "mb_s": {n: size / MB / t for n, t in medians.items()}}
    if "codespell" in medians:
        figures["jobs1_over_codespell"] = medians["respin --jobs 1"] / medians["codespell"]
    if "typos" in medians:
        figures["default_over_typos"] = medians["respin"] / medians["typos"]
    return figures


def _input_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def repeat_file(path: Path, copies: int, dest_dir: Path) -> Path:
    """`path`'s content `copies` times over, in one file in `dest_dir` (the large memory input)."""
    target = dest_dir / f"{path.stem}-x{copies}{path.suffix}"
    content = path.read_bytes()
    with target.open("wb") as out:
        for _ in range(copies):
            out.write(content)
    return target


def measure_startup(path: Path, repeat: int) -> dict[str, Any]:
    """Best-of-`repeat` times of `respin check` on a small file, on the same text as Markdown, and of `--version`."""
    respin = [*respin_command(), "check", "--no-config"]
    with tempfile.TemporaryDirectory(prefix="respin-bench-") as tmp:
        markdown = Path(tmp) / f"{path.stem}.md"
        markdown.write_bytes(path.read_bytes())
        markdown_s = best_of([*respin, str(markdown)], repeat, RESPIN_OK)
    return {
        "file_bytes": path.stat().st_size,
        "repeat": repeat,
        "check_s": best_of([*respin, str(path)], repeat, RESPIN_OK),
        "check_md_s": markdown_s,
        "version_s": best_of([*respin_command(), "--version"], repeat, (0,)),
    }


def measure_peak_rss(path: Path) -> dict[str, Any]:
    """Peak RSS of one `respin check --format jsonl` run on `path`, measured in a fresh wrapper."""
    command = [*respin_command(), "check", "--no-config", "--format", "jsonl", str(path)]
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
        "typos": _version("typos"),
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
    comparisons: Sequence[dict[str, Any]] | None,
    startup: dict[str, Any] | None,
    memory: dict[str, Any] | None,
    notes: dict[str, str],
) -> list[Row]:
    """The table rows for the measured figures; a missing section shows its note instead.

    `memory` maps "small" (and, unless skipped, "large") to `measure_peak_rss` figures.
    """
    rows: list[Row] = []
    for figures in comparisons or ():
        what = f"{'folder' if figures['is_folder'] else 'one file'} {figures['input']} " \
               f"({figures['input_bytes'] / MB:.1f} MB)"
        for name, seconds in figures["median_s"].items():
            rows.append(Row(f"{what}: {name}", f"{figures['mb_s'][name]:.2f} MB/s ({seconds:.2f} s)"))
        if "jobs1_over_codespell" in figures:
            ratio = figures["jobs1_over_codespell"]
            rows.append(Row(f"{what}: respin --jobs 1 / codespell", f"{ratio:.2f}", f"<= {MAX_TIME_RATIO:.1f}",
                            ratio <= MAX_TIME_RATIO))
        if "default_over_typos" in figures:
            ratio = figures["default_over_typos"]
            rows.append(Row(f"{what}: respin / typos", f"{ratio:.2f}", f"<= {MAX_TIME_RATIO:.1f}",
                            ratio <= MAX_TIME_RATIO))
    if not comparisons:
        rows.append(Row("comparison", "skipped", notes.get("comparison", "")))
    if startup is not None:
        rows += [
            Row(f"start-up: respin check ({startup['file_bytes'] / 1000:.1f} KB .txt)", f"{startup['check_s']:.3f} s",
                f"<= {MAX_STARTUP_S} s", startup["check_s"] <= MAX_STARTUP_S),
            Row("start-up: respin check (the same as .md)", f"{startup['check_md_s']:.3f} s",
                f"<= {MAX_STARTUP_MD_S} s", startup["check_md_s"] <= MAX_STARTUP_MD_S),
            Row("start-up: respin --version", f"{startup['version_s']:.3f} s", "(reference)"),
        ]
    else:
        rows.append(Row("start-up", "skipped", notes.get("startup", "")))
    if memory:
        small, large = memory.get("small"), memory.get("large")
        if small is not None:
            rows.append(Row(f"peak RSS: respin check ({small['file_bytes'] / MB:.1f} MB)",
                            f"{small['peak_rss_mb']:.1f} MB", "(reference)"))
        if large is not None:
            rows.append(Row(f"peak RSS: respin check ({large['file_bytes'] / MB:.1f} MB)",
                            f"{large['peak_rss_mb']:.1f} MB", f"<= {MAX_PEAK_RSS_MB:.0f} MB",
                            large["peak_rss_mb"] <= MAX_PEAK_RSS_MB))
            if small is not None:
                growth = large["peak_rss_mb"] / small["peak_rss_mb"]
                rows.append(Row("peak RSS growth, 10x the input", f"{growth:.2f}x", f"< {MAX_MEMORY_GROWTH:.0f}x",
                                growth < MAX_MEMORY_GROWTH))
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
        f"respin {machine['respin']}, codespell {machine['codespell']}, typos {machine['typos']}, "
        f"command: {' '.join(respin_command())}"
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
        description="Time respin against codespell and typos, its start-up, and its peak memory.",
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS,
        help="directory of *.txt files to concatenate (default: ../shared/data/bbc-dev from the repo root)",
    )
    parser.add_argument("--repeat", type=positive_int, default=5,
                        help="comparison rounds, the median kept (default: 5)")
    parser.add_argument("--skip-large", action="store_true",
                        help="leave out the peak memory on the 50 MB input (about 20 s)")
    parser.add_argument("--startup-repeat", type=positive_int, default=5,
                        help="start-up runs, best kept (default: 5)")
    parser.add_argument("--check", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    machine = machine_info()
    print(format_header(machine), flush=True)

    comparisons: list[dict[str, Any]] = []
    startup: dict[str, Any] | None = None
    memory: dict[str, Any] = {}
    notes: dict[str, str] = {}
    errors: list[str] = []
    for tool, find in (("codespell", codespell_command), ("typos", typos_command)):
        if find() is None:
            print(f"{tool} is not installed (pip install -e '.[bench]'): left out of the comparison")

    try:
        startup = measure_startup(STARTUP_FILE, options.startup_repeat)
    except BenchError as error:
        errors.append(str(error))
        notes["startup"] = "error"

    if not options.corpus.is_dir():
        print(f"corpus {options.corpus} not found: skipping the comparison and peak memory")
        notes["comparison"] = notes["memory"] = "no corpus"
    else:
        with tempfile.TemporaryDirectory(prefix="respin-bench-") as tmp:
            corpus_file = build_corpus(options.corpus, Path(tmp))
            try:
                memory["small"] = measure_peak_rss(corpus_file)
                if not options.skip_large:
                    memory["large"] = measure_peak_rss(repeat_file(corpus_file, LARGE_COPIES, Path(tmp)))
            except BenchError as error:
                errors.append(str(error))
                notes["memory"] = "error"
            for path in (corpus_file, options.corpus):
                try:
                    comparisons.append(measure_comparison(path, options.repeat))
                except BenchError as error:
                    errors.append(str(error))
                    notes["comparison"] = "error"

    rows = build_rows(comparisons, startup, memory, notes)
    print()
    print(format_table(rows))
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    failed = [row.metric for row in rows if row.passed is False]

    if options.json:
        figures = {
            "machine": machine,
            "comparisons": comparisons,
            "startup": startup,
            "memory": memory,
            "targets": {"max_time_ratio": MAX_TIME_RATIO, "max_startup_s": MAX_STARTUP_S,
                        "max_startup_md_s": MAX_STARTUP_MD_S, "max_peak_rss_mb": MAX_PEAK_RSS_MB,
                        "max_memory_growth": MAX_MEMORY_GROWTH},
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
