"""Responsiveness benchmark of `respin review` on a large article.

Run from the repository root::

    python -m bench.review_speed [--size-mb 1.0] [--rounds 25] [--check] [--json]

It builds an article of about `--size-mb` MB by repeating the example article
(fixtures/spun-news-syria.txt, about 150 findings a copy, so a megabyte holds tens
of thousands), writes it to a temporary folder with a temporary resume store,
and runs the review app headless (Textual's `run_test`, 120x40) in a child
process started for the purpose, so that interpreter start-up, imports, reading
and checking all count. It prints one table:

open
    From starting the child process until the first screen is drawn with its
    findings highlighted and the first finding shown. A file this large shows its
    first paragraphs' findings while the rest is checked (`review.app`'s
    progressive check), so this is what a person waits for. Target: < 2 s.
    Also shown: the text on screen (before any finding), and all findings in
    (the whole text checked and merged), with `check_text` on the same text in
    one process for reference.

keypress
    For each of n (next), a (accept), r (reject) and u (undo), `--rounds`
    presses, each timed from posting the key event until its action has run and
    the screen has been redrawn (`call_after_refresh`). Pilot's `press` is not
    used for timing: it sleeps at least 40 ms by design while waiting for idle.
    Median and maximum per key. Target: < 100 ms each.
    Also shown: accepting every finding at once (A, Enter) and undoing it.

Nothing here is a timed test: the figures depend on the machine and its load.
With `--check` the benchmark exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.speed import BenchError, Row, format_table, machine_info

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = REPO_ROOT / "fixtures" / "spun-news-syria.txt"
MAX_OPEN_S = 2.0
MAX_KEYPRESS_MS = 100.0
KEYS = ("n", "a", "r", "u")
TERMINAL = (120, 40)


def build_article(dest: Path, size_mb: float) -> Path:
    """The example article repeated (paragraph-separated) to about `size_mb` MB, as UTF-8."""
    example = EXAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n"
    copies = max(1, round(size_mb * 1_000_000 / len(example.encode("utf-8"))))
    path = dest / "large-article.txt"
    path.write_text("\n".join([example] * copies), encoding="utf-8")
    return path


def measure(path: Path, rounds: int, store: Path) -> dict[str, Any]:
    """Run the child process on `path` and return its figures, with `open_s` from the parent's clock."""
    command = [sys.executable, "-m", "bench.review_speed", "--child", str(path), "--rounds", str(rounds)]
    env = {**os.environ, "RESPIN_CACHE_DIR": str(store)}
    started = time.time()
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    if done.returncode != 0:
        raise BenchError(f"review benchmark child failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    for event in ("imported", "text_on_screen", "first_findings", "all_findings"):
        figures[f"{event}_s"] = figures.pop(f"{event}_at") - started
    return figures


# --- the child process ------------------------------------------------------------------


def child(path: Path, rounds: int) -> dict[str, Any]:
    """Open `path` in the review app, headless, and time the first screens and the keys."""
    import asyncio

    from textual import events

    from respin.engine import Checker, check_text
    from respin.review.app import make_app
    from respin.review.disk import open_document

    imported_at = time.time()
    opened = open_document(str(path))
    app = make_app([opened], Checker(jobs=1))  # as `respin review` builds it
    screen = app.review_screen
    figures: dict[str, Any] = {"imported_at": imported_at, "file_bytes": path.stat().st_size}

    async def redrawn() -> None:
        """Wait until pending messages are handled and the screen is drawn."""
        drawn = asyncio.Event()
        app.call_after_refresh(drawn.set)
        await drawn.wait()

    async def press(key: str) -> float:
        """Seconds from posting `key` until its action has run and the screen is redrawn."""
        acted = asyncio.Event()
        redraw = screen.refresh_view

        def refresh_then_signal() -> None:
            redraw()
            app.call_after_refresh(acted.set)

        screen.refresh_view = refresh_then_signal  # type: ignore[method-assign]
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        started = time.perf_counter()
        app.post_message(event)
        await asyncio.wait_for(acted.wait(), timeout=30)
        elapsed = time.perf_counter() - started
        screen.refresh_view = redraw  # type: ignore[method-assign]
        return elapsed

    async def run() -> None:
        async with app.run_test(size=TERMINAL) as pilot:
            figures["text_on_screen_at"] = time.time()
            while screen.reviews[0] is None:
                await asyncio.sleep(0.002)
            await redrawn()
            figures["first_findings_at"] = time.time()
            while not screen.fully_checked(0):
                await asyncio.sleep(0.005)
            await redrawn()
            figures["all_findings_at"] = time.time()
            await app.workers.wait_for_complete()
            review = screen.reviews[0]
            assert review is not None
            figures["findings"] = len(review.findings)
            latencies: dict[str, list[float]] = {key: [] for key in KEYS}
            for _ in range(rounds):
                for key in KEYS:
                    latencies[key].append(await press(key))
            figures["keys_ms"] = {key: [round(s * 1000, 2) for s in times] for key, times in latencies.items()}
            await pilot.press("A")  # opens the dialog: not timed
            figures["accept_all_ms"] = round(await press("enter") * 1000, 1)
            figures["accepted_at_once"] = review.summary().accepted
            figures["undo_all_ms"] = round(await press("u") * 1000, 1)
            app.exit()

    asyncio.run(run())
    text = opened.document.text
    checker = Checker(jobs=1)
    check_text(text[:1000], checker)  # load the resources first: the reference is checking alone
    started = time.perf_counter()
    check_text(text, checker)
    figures["check_text_s"] = time.perf_counter() - started
    return figures


# --- report -----------------------------------------------------------------------------


def build_rows(figures: dict[str, Any]) -> list[Row]:
    size_mb = figures["file_bytes"] / 1_000_000
    rows = [
        Row(f"open: first screen with findings ({size_mb:.2f} MB, {figures['findings']} findings)",
            f"{figures['first_findings_s']:.2f} s", f"< {MAX_OPEN_S:.0f} s",
            figures["first_findings_s"] < MAX_OPEN_S),
        Row("open: imports done (Python start-up, Textual, respin)", f"{figures['imported_s']:.2f} s",
            "(reference)"),
        Row("open: text on screen, before any finding", f"{figures['text_on_screen_s']:.2f} s", "(reference)"),
        Row("open: all findings checked and shown", f"{figures['all_findings_s']:.2f} s", "(reference)"),
        Row("check_text on the same text, one process", f"{figures['check_text_s']:.2f} s", "(reference)"),
    ]
    for key, times in figures["keys_ms"].items():
        median, worst = statistics.median(times), max(times)
        rows.append(Row(f"keypress {key}: median / max of {len(times)}", f"{median:.1f} / {worst:.1f} ms",
                        f"< {MAX_KEYPRESS_MS:.0f} ms", worst < MAX_KEYPRESS_MS))
    rows += [
        Row(f"accept all {figures['accepted_at_once']} findings at once (A, Enter)",
            f"{figures['accept_all_ms']:.1f} ms", "(reference)"),
        Row("undo that (u)", f"{figures['undo_all_ms']:.1f} ms", "(reference)"),
    ]
    return rows


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.review_speed",
                                     description="Time opening a large article in `respin review`, and its keys.")
    parser.add_argument("--size-mb", type=float, default=1.0, help="size of the article (default: 1.0)")
    parser.add_argument("--rounds", type=int, default=25, help="presses of each key (default: 25)")
    parser.add_argument("--check", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # the measured process
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    if options.child is not None:
        print(json.dumps(child(options.child, options.rounds)))
        return 0
    machine = machine_info()
    print(f"respin review benchmark: {machine['cores']} cores, {machine['python']}, {machine['platform']}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="respin-review-bench-") as tmp:
        article = build_article(Path(tmp), options.size_mb)
        try:
            figures = measure(article, options.rounds, Path(tmp) / "cache")
        except BenchError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    rows = build_rows(figures)
    print()
    print(format_table(rows))
    failed = [row.metric for row in rows if row.passed is False]
    if options.json:
        print(json.dumps({"machine": machine, "figures": figures, "rows": [asdict(r) for r in rows],
                          "failed": failed}, indent=2))
    return 1 if options.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
