"""Helpers for the review app's tests: files on disk, the app over them, driving it with Pilot.

Imported as `review_helpers` (pytest puts tests/ on sys.path). The app is built
by `make_app` from files really read, with the real `Checker`; the resume store
is wherever `$RESPIN_CACHE_DIR` points, which every review test sets to a
temporary folder (`isolate_cache`, from an autouse fixture).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from respin.documents import formats
from respin.engine import Checker
from respin.finding import Category, Finding
from respin.review.app import ReviewApp, ReviewScreen, make_app
from respin.review.disk import open_document
from respin.review.session import DocumentReview

# Five findings with the default checker, in this order (tests/test_review_session.py pins them):
# 0 entity "shared chiefs of staff" -> "Joint Chiefs of Staff" (0.95)
# 1 fingerprint "when you look at the" -> "in the" (0.95)
# 2 scientific "brain tumefaction" -> "brain cancer" | "brain tumor" (0.90, review only)
# 3 joined "attemptedto" -> "attempted to" (0.90)
# 4 article "an" -> "a" (0.90)
ARTICLE = (
    "The general met the shared chiefs of staff when you look at the capital.\n"
    "The scan showed a brain tumefaction near the cortex.\n"
    "\n"
    "Officials attemptedto leave before an united states patrol arrived.\n"
)
ROOT = Path(__file__).resolve().parent.parent
SIZE = (100, 32)
CHECKER = Checker(jobs=1)
DEEP_CHECKER = Checker(jobs=1, deep=True)

Script = Callable[[Pilot[object]], Awaitable[None]]


def build_deep_app(*paths: Path, tier: SlowTier) -> ReviewApp:
    """The app with a deep tier, `tier` in place of the language model (`make_app(deep_check=...)`)."""
    return make_app([open_document(str(p)) for p in paths], DEEP_CHECKER, deep_check=tier)


def isolate_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the resume store at a temporary folder: tests never write to the real cache."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("RESPIN_CACHE_DIR", str(directory))
    return directory


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def build_app(*paths: Path, encoding: str = "utf-8", fresh: bool = False) -> ReviewApp:
    return make_app([open_document(str(p), encoding) for p in paths], CHECKER, fresh=fresh)


async def settle(pilot: Pilot[object]) -> None:
    """Wait until every file is checked and the screen shows it."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle_deep(pilot: Pilot[object], timeout: float = 30.0) -> None:
    """Wait until the deep tier (a background thread, not a Textual worker) has read every file."""
    await settle(pilot)
    screen = main_screen(pilot)
    deadline = time.monotonic() + timeout
    while screen.deep_running:
        assert time.monotonic() < deadline, "the deep tier did not finish"
        await pilot.pause(0.02)
    await pilot.pause()


def drive(app: ReviewApp, script: Script, size: tuple[int, int] = SIZE) -> None:
    """Run `app` headless, wait for its checks, then run `script` against it."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await script(pilot)

    asyncio.run(main())


def review_of(pilot: Pilot[object], position: int | None = None) -> DocumentReview:
    """The review model of the file on screen (or of file `position`)."""
    screen = main_screen(pilot)
    review = screen.reviews[screen.position if position is None else position]
    assert review is not None, "file not checked yet"
    return review


def main_screen(pilot: Pilot[object]) -> ReviewScreen:
    app = pilot.app
    assert isinstance(app, ReviewApp)
    return app.review_screen


def notifications(pilot: Pilot[object]) -> list[str]:
    """The messages the app has notified (Textual keeps them on the app; there is no public reader)."""
    return [notification.message for notification in pilot.app._notifications]


class SlowTier:
    """A deep tier that reads until `gate` opens, then says what a context tier would say.

    Its verdict on the article: "cortex" should read "cortex area" (a new context finding),
    "brain tumefaction" is confirmed with its suggestions re-ranked, "an" is ordinary English
    (dropped); the other findings stand as the fast detectors found them.
    """

    def __init__(self, failure: Exception | None = None, wait: float = 30.0) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.calls = 0
        self.failure = failure
        self.wait = wait

    def __call__(self, text: str, syntax: formats.Syntax, extra: Sequence[Finding]) -> list[Finding]:
        self.calls += 1
        self.started.set()
        self.gate.wait(self.wait)
        if self.failure is not None:
            raise self.failure
        verdicts = []
        for finding in formats.check_document(text, CHECKER, syntax, extra):
            if finding.text == "an":
                continue
            if finding.text == "brain tumefaction":
                finding = replace(finding, suggestions=finding.suggestions[::-1], confidence=0.85,
                                  message=finding.message + "; language model: confirmed")
            verdicts.append(finding)
        start = text.find("cortex")
        if start != -1:
            verdicts.append(Finding(start, start + 6, "cortex", ("cortex area",), "context", Category.CONTEXT, 0.7,
                                    "the sentence reads better with another word"))
        return sorted(verdicts)
