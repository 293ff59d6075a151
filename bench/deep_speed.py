"""Speed and memory of the deep tier (`--deep`): loading the language model, scoring an article, peak memory.

Run from the repository root::

    python -m bench.deep_speed [--file FILE] [--repeat N] [--cold-repeat N] [--check] [--json]

Every figure comes from fresh subprocesses running the respin this interpreter
imports (the checkout, when run from the repository root), with the model cache
in a temporary folder (`RESPIN_LM_CACHE`), so the user's cache is neither used
nor touched. Times are medians of `--repeat` runs (default 3; `--cold-repeat`
for the cold loads).

load, cold cache
    A process that imports `respin.language.lm` and loads the model with an empty cache:
    it reads the GGUF file (de-quantizes it, builds the tokenizer) and writes the
    cache; each run gets its own empty folder. The first `respin check --deep`
    after installing costs this once. No target.

load, warm cache
    The same with the cache written: what every later run pays. Target: <= 2 s.

scoring the article's sentences
    In one process, after loading (warm): `respin.language.lm.get_model().nll(sentences)`
    over the sentences of FILE (default fixtures/spun-news-syria.txt, 706 words),
    timed on the first call (which also pages in the memory-mapped weights) and
    as the median of `--repeat` later calls; with tokens per second and the time
    scaled to 700 words. Target: <= 3 s per 700 words.

check --deep per 700 words
    `python -m respin check --deep --format json FILE` end to end (warm cache),
    median of `--repeat`; minus the median warm load, that is what the deep tier
    costs per article (scaled to 700 words). Target: <= 3 s. Whatever `--deep`
    does (today `respin.detectors.deep`'s verdicts; `respin.detectors.context` when it exists) is
    what this measures. (A text with nothing for the model to judge never loads
    it: its peak memory then stays far below the model's.)

peak memory
    Maximum resident set size of the scoring process and of the `check --deep`
    process (`getrusage(RUSAGE_CHILDREN)` in a fresh wrapper whose only child is
    the measured process), and of a cold load, which holds the de-quantized
    weights while writing them. Target: <= 1.5 GB (10**9 bytes per GB).

The benchmark exits 0 whatever the figures are; with `--check` it exits 1 when a
target is missed; it exits 2 when a run fails or the language model extra is not
installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.speed import (
    CHILD_ENV,
    MB,
    BenchError,
    Row,
    describe_cores,
    format_table,
    machine_info,
    positive_int,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO_ROOT / "fixtures" / "spun-news-syria.txt"
ARTICLE_WORDS = 700  # figures per article are scaled to this length

MAX_WARM_LOAD_S = 2.0
MAX_ARTICLE_S = 3.0  # per 700 words, after loading
MAX_PEAK_RSS_MB = 1500.0
RESPIN_OK = (0, 1)  # clean, findings

# Runs the command given as its arguments with the environment it inherits; prints its wall time, exit code,
# stdout and peak RSS (KiB on Linux). A new interpreter has no other children, so RUSAGE_CHILDREN is this one's.
_WRAPPER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, capture_output=True)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "returncode": done.returncode,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "stdout": done.stdout.decode("utf-8", "replace"),
                  "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""

# Loads the model; prints where from and the time the load took inside the process.
_LOAD = """\
import json, time
start = time.perf_counter()
from respin.language import lm
model = lm.get_model()
model.load()
print(json.dumps({"load_s": time.perf_counter() - start, "loaded_from": model.loaded_from}))
"""

# Loads the model, then scores the sentences (a JSON list in argv[1]) `argv[2]` times.
_SCORE = """\
import json, sys, time
from respin.language import lm
sentences, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
model = lm.get_model()
start = time.perf_counter()
model.load()
load_s = time.perf_counter() - start
times = []
for _ in range(1 + repeat):
    start = time.perf_counter()
    model.nll(sentences)
    times.append(time.perf_counter() - start)
tokens = sum(len(item.ids) + 1 for item in model._tokenizer.encode_batch(sentences, add_special_tokens=False))
print(json.dumps({"load_s": load_s, "loaded_from": model.loaded_from, "first_s": times[0], "later_s": times[1:],
                  "tokens": tokens, "threads": model.threads}))
"""


def run_child(command: Sequence[str], cache: Path, ok_codes: Sequence[int] = (0,)) -> dict[str, Any]:
    """Run `command` in a fresh wrapper, from the repository root, with the model cache in `cache`.

    Returns its wall time (`seconds`), `returncode`, `stdout` and peak RSS (`peak_rss_mb`); raises BenchError if it
    exits with a code outside `ok_codes`.
    """
    environment = {**CHILD_ENV, "RESPIN_LM_CACHE": str(cache)}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _WRAPPER, *command], check=False, cwd=REPO_ROOT,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=environment)
    if done.returncode != 0:
        raise BenchError(f"the measuring wrapper exited {done.returncode}: {done.stderr.strip()[-500:]}")
    report = json.loads(done.stdout)
    if report["returncode"] not in ok_codes:
        tail = report["stderr"].strip().splitlines()[-5:]
        raise BenchError(f"`{' '.join(command)}` exited {report['returncode']}" + "".join(f"\n  {x}" for x in tail))
    maxrss_kib = int(report["maxrss_kib"])
    if sys.platform == "darwin":  # ru_maxrss is bytes on macOS, KiB on Linux
        maxrss_kib //= 1024
    report["peak_rss_mb"] = maxrss_kib * 1024 / MB
    return report


def split_sentences(text: str) -> list[str]:
    """The sentences of a plain-text article: split after . ! or ? and at line breaks; blank pieces dropped."""
    pieces = re.split(r"(?<=[.!?])\s+|\s*\n\s*", text)
    return [piece.strip() for piece in pieces if piece.strip()]


def word_count(text: str) -> int:
    return len(text.split())


def measure_load(cache_root: Path, repeat: int, *, cold: bool) -> dict[str, Any]:
    """Median wall time of a fresh process loading the model: each run with an empty cache folder under
    `cache_root` (cold), or all with `cache_root` itself, which must hold the cache already (warm)."""
    runs = []
    for index in range(max(1, repeat)):
        cache = cache_root / f"cold-{index}" if cold else cache_root
        run = run_child([sys.executable, "-c", _LOAD], cache)
        run.update(json.loads(run["stdout"]))
        runs.append(run)
        if cold and index:  # keep one converted cache, drop the others (538 MB each)
            shutil.rmtree(cache, ignore_errors=True)
    expected = "gguf" if cold else "cache"
    if any(run["loaded_from"] != expected for run in runs):
        raise BenchError(f"a {'cold' if cold else 'warm'} load came from {[run['loaded_from'] for run in runs]}")
    return {
        "repeat": len(runs),
        "seconds": [run["seconds"] for run in runs],
        "median_s": statistics.median(run["seconds"] for run in runs),
        "in_process_s": statistics.median(run["load_s"] for run in runs),
        "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
    }


def cold_cache_folder(cache_root: Path) -> Path:
    """The cache folder a cold `measure_load` left behind (its first run's), to measure warm loads with."""
    return cache_root / "cold-0"


def measure_scoring(path: Path, cache: Path, repeat: int) -> dict[str, Any]:
    """Load (warm) and score the sentences of `path` with `nll`, in one fresh process; peak RSS of that process."""
    text = path.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    if not sentences:
        raise BenchError(f"{path} has no sentences")
    run = run_child([sys.executable, "-c", _SCORE, json.dumps(sentences), str(max(1, repeat))], cache)
    figures = json.loads(run["stdout"])
    words = word_count(text)
    later = statistics.median(figures["later_s"])
    return {
        "file": str(path),
        "words": words,
        "sentences": len(sentences),
        "tokens": figures["tokens"],
        "threads": figures["threads"],
        "loaded_from": figures["loaded_from"],
        "first_s": figures["first_s"],
        "median_s": later,
        "tokens_per_s": figures["tokens"] / later,
        "per_article_s": later * ARTICLE_WORDS / words,
        "peak_rss_mb": run["peak_rss_mb"],
    }


def measure_check_deep(path: Path, cache: Path, repeat: int, warm_load_s: float) -> dict[str, Any]:
    """Median wall time of `python -m respin check --deep --format json FILE` (warm cache), and that minus the
    warm load time: the deep tier's cost for this article."""
    command = [sys.executable, "-m", "respin", "check", "--deep", "--format", "json", str(path)]
    runs = [run_child(command, cache, RESPIN_OK) for _ in range(max(1, repeat))]
    report = json.loads(runs[0]["stdout"])
    findings = sum(len(item.get("findings", [])) for item in report.get("files", []))
    median = statistics.median(run["seconds"] for run in runs)
    words = word_count(path.read_text(encoding="utf-8"))
    return {
        "file": str(path),
        "words": words,
        "repeat": len(runs),
        "seconds": [run["seconds"] for run in runs],
        "median_s": median,
        "load_s": warm_load_s,
        "after_load_s": median - warm_load_s,
        "per_article_s": max(0.0, median - warm_load_s) * ARTICLE_WORDS / words,
        "findings": findings,
        "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
        "context_module": importlib.util.find_spec("respin.detectors.context") is not None,
    }


# --- report -----------------------------------------------------------------------------


def build_rows(figures: dict[str, Any]) -> list[Row]:
    """Table rows for the measured sections (a section that is None is shown as skipped)."""
    rows: list[Row] = []
    cold, warm = figures.get("cold_load"), figures.get("warm_load")
    if cold is not None:
        rows.append(Row(f"load, cold cache (reads the GGUF file), median of {cold['repeat']}",
                        f"{cold['median_s']:.2f} s (peak {cold['peak_rss_mb']:.0f} MB)", "(once per install)"))
    else:
        rows.append(Row("load, cold cache", "skipped", figures.get("notes", {}).get("cold_load", "")))
    if warm is not None:
        rows.append(Row(f"load, warm cache, median of {warm['repeat']}", f"{warm['median_s']:.2f} s",
                        f"<= {MAX_WARM_LOAD_S:.0f} s", warm["median_s"] <= MAX_WARM_LOAD_S))
    scoring = figures.get("scoring")
    if scoring is not None:
        rows += [
            Row(f"nll over {scoring['sentences']} sentences ({scoring['words']} words, {scoring['tokens']} tokens)",
                f"{scoring['median_s']:.2f} s (first call {scoring['first_s']:.2f} s), "
                f"{scoring['tokens_per_s']:.0f} tokens/s"),
            Row(f"nll scoring per {ARTICLE_WORDS} words", f"{scoring['per_article_s']:.2f} s",
                f"<= {MAX_ARTICLE_S:.0f} s", scoring["per_article_s"] <= MAX_ARTICLE_S),
            Row("peak RSS: load + nll over the article", f"{scoring['peak_rss_mb']:.0f} MB",
                f"<= {MAX_PEAK_RSS_MB:.0f} MB", scoring["peak_rss_mb"] <= MAX_PEAK_RSS_MB),
        ]
    check = figures.get("check_deep")
    if check is not None:
        rows += [
            Row(f"check --deep --format json ({check['words']} words), median of {check['repeat']}",
                f"{check['median_s']:.2f} s ({check['findings']} findings)"),
            Row(f"check --deep per {ARTICLE_WORDS} words, after load ({check['median_s']:.2f} - "
                f"{check['load_s']:.2f} s)", f"{check['per_article_s']:.2f} s", f"<= {MAX_ARTICLE_S:.0f} s",
                check["per_article_s"] <= MAX_ARTICLE_S),
            Row("peak RSS: check --deep", f"{check['peak_rss_mb']:.0f} MB", f"<= {MAX_PEAK_RSS_MB:.0f} MB",
                check["peak_rss_mb"] <= MAX_PEAK_RSS_MB),
        ]
    return rows


# --- main -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.deep_speed",
                                     description="Load time, per-article time and peak memory of respin --deep.")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE,
                        help="the article to score (default: fixtures/spun-news-syria.txt)")
    parser.add_argument("--repeat", type=positive_int, default=3, help="runs per figure, median kept (default: 3)")
    parser.add_argument("--cold-repeat", type=positive_int, default=None,
                        help="cold loads, median kept (default: --repeat; the first writes the cache the other "
                             "figures use)")
    parser.add_argument("--check", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    machine = machine_info()
    print(f"respin deep-tier benchmark: {describe_cores(machine)}, {machine['python']}, {machine['platform']}",
          flush=True)
    from respin.language import lm

    if not lm.available():
        print(f"error: the language model extra is not installed (missing {', '.join(lm.missing_modules())}): "
              f"{lm.INSTALL_HINT}", file=sys.stderr)
        return 2
    figures: dict[str, Any] = {"machine": machine, "notes": {}}
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="respin-deep-bench-") as tmp:
        root = Path(tmp)
        try:
            figures["cold_load"] = measure_load(root, options.cold_repeat or options.repeat, cold=True)
            cache = cold_cache_folder(root)
            figures["warm_load"] = measure_load(cache, options.repeat, cold=False)
            figures["scoring"] = measure_scoring(options.file, cache, options.repeat)
            figures["check_deep"] = measure_check_deep(options.file, cache, options.repeat,
                                                       figures["warm_load"]["median_s"])
        except BenchError as error:
            errors.append(str(error))
    rows = build_rows(figures)
    print()
    print(format_table(rows))
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    failed = [row.metric for row in rows if row.passed is False]
    if options.json:
        figures.update(
            targets={"max_warm_load_s": MAX_WARM_LOAD_S, "max_article_s": MAX_ARTICLE_S,
                     "max_peak_rss_mb": MAX_PEAK_RSS_MB, "article_words": ARTICLE_WORDS},
            rows=[asdict(row) for row in rows], failed=failed, errors=errors,
        )
        print(json.dumps(figures, indent=2))
    if errors:
        return 2
    return 1 if options.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
