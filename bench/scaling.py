"""Does `respin check` stay linear in the size of its input? Throughput at growing sizes.

Run from the repository root::

    python -m bench.scaling [--sizes 1,4,16] [--allow-phrase-kb 100] [--check] [--json]

For each size (in MB, 10**6 bytes) the example article (fixtures/spun-news-syria.txt,
spun: about 150 findings a copy) is repeated into one file of that size, and
`python -m respin check --jobs 1 --format jsonl FILE` is timed once in a fresh
process (start-up included, negligible at these sizes). Printed: seconds and MB/s
per size. Target: the rate at the largest size is at least 75% of the rate at the
smallest (a quadratic step, such as inserting into a list per finding, shows up as
a rate that keeps falling).

It also times `respin check --allow-file F` where F holds one phrase of
`--allow-phrase-kb` KB, and the same with a user dictionary whose one key is that
long (the phrase matcher's build time; target: under 2 s each, start-up included).

Exit codes: 0 (a report, whatever the figures), 1 with `--check` when a target is
missed, 2 when a run fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLE = REPO_ROOT / "fixtures" / "spun-news-syria.txt"
MIN_RATE_KEPT = 0.75
MAX_LONG_PHRASE_SECONDS = 2.0


def _run(args: Sequence[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "respin", *args], cwd=cwd, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise RuntimeError(f"respin {' '.join(args)} exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return seconds


def make_file(folder: Path, megabytes: float) -> Path:
    """The example article repeated (paragraph-separated) to `megabytes` MB."""
    article = ARTICLE.read_text(encoding="utf-8").strip() + "\n\n"
    size = int(megabytes * 10**6)
    path = folder / f"spun-{megabytes:g}mb.txt"
    path.write_text(article * (size // len(article.encode()) + 1), encoding="utf-8")
    return path


def measure(sizes: Sequence[float], phrase_kb: float) -> dict:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        rows = []
        for megabytes in sizes:
            path = make_file(folder, megabytes)
            seconds = _run(["check", "--jobs", "1", "--format", "jsonl", "--no-config", path.name], folder)
            size = path.stat().st_size / 10**6
            rows.append({"mb": round(size, 2), "seconds": round(seconds, 3), "mb_per_s": round(size / seconds, 3)})
        phrase = " ".join(["ab"] * int(phrase_kb * 1000 / 3))
        (folder / "allow.txt").write_text(phrase + "\n", encoding="utf-8")
        (folder / "words.txt").write_text(f"{phrase}->x\n", encoding="utf-8")
        (folder / "a.txt").write_text("The the cat.\n", encoding="utf-8")
        allow = _run(["check", "--no-config", "--allow-file", "allow.txt", "a.txt"], folder)
        dictionary = _run(["check", "--no-config", "--dictionary", "words.txt", "a.txt"], folder)
    kept = rows[-1]["mb_per_s"] / rows[0]["mb_per_s"] if rows else 1.0
    return {"sizes": rows, "rate_kept": round(kept, 3), "long_phrase_kb": phrase_kb,
            "allow_file_s": round(allow, 3), "dictionary_s": round(dictionary, 3)}


def missed(figures: dict) -> list[str]:
    problems = []
    if figures["rate_kept"] < MIN_RATE_KEPT:
        problems.append(f"rate at the largest size is {figures['rate_kept']:.0%} of the smallest's "
                        f"(target >= {MIN_RATE_KEPT:.0%})")
    for key in ("allow_file_s", "dictionary_s"):
        if figures[key] > MAX_LONG_PHRASE_SECONDS:
            problems.append(f"{key} {figures[key]} s (target <= {MAX_LONG_PHRASE_SECONDS} s)")
    return problems


def render(figures: dict) -> str:
    lines = ["size MB   seconds   MB/s"]
    lines += [f"{row['mb']:>7}  {row['seconds']:>8}  {row['mb_per_s']:>5}" for row in figures["sizes"]]
    lines.append(f"rate kept from smallest to largest: {figures['rate_kept']:.0%} (target >= {MIN_RATE_KEPT:.0%})")
    lines.append(f"one {figures['long_phrase_kb']:g} KB phrase: --allow-file {figures['allow_file_s']} s, "
                 f"--dictionary {figures['dictionary_s']} s (target <= {MAX_LONG_PHRASE_SECONDS} s each)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,4,16", help="comma-separated sizes in MB (default 1,4,16)")
    parser.add_argument("--allow-phrase-kb", type=float, default=100.0, help="length of the long phrase in KB")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    try:
        sizes = [float(size) for size in options.sizes.split(",")]
        figures = measure(sizes, options.allow_phrase_kb)
    except (ValueError, RuntimeError) as error:
        print(f"bench.scaling: {error}", file=sys.stderr)
        return 2
    print(json.dumps(figures, indent=2) if options.json else render(figures))
    return 1 if options.check and missed(figures) else 0


if __name__ == "__main__":
    sys.exit(main())
