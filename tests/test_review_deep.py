"""`respin review --deep`: the fast findings at once, the deep tier's as they arrive, keys never waiting.

The deep tier here is `review_helpers.SlowTier`, plugged in through
`make_app(deep_check=...)`, the documented way to give the review another deep
tier: it runs the real fast check again, then holds its answer until the test
opens a gate (a language model reading for as long as the test likes), and answers
as a context tier would: a new `context` finding, a re-ranked finding, and a
dropped one. The app, its checker and its background thread are the real ones.
The last test runs the real language model when it is installed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from review_helpers import (
    ARTICLE,
    CHECKER,
    DEEP_CHECKER,
    SlowTier,
    build_app,
    build_deep_app,
    drive,
    isolate_cache,
    main_screen,
    notifications,
    review_of,
    settle,
    settle_deep,
    write,
)
from textual.pilot import Pilot
from textual.widgets import Input, Static

from respin.documents import formats
from respin.finding import Category, Finding
from respin.language import lm
from respin.review.app import FileOutcome, make_app
from respin.review.deep_process import DeepProcess, DeepProcessClosed
from respin.review.disk import open_document
from respin.review.screens import EditScreen, QuitScreen
from respin.review.session import REJECT, Decision, Summary, Verdict

JOINT = ARTICLE.replace("shared chiefs of staff", "Joint Chiefs of Staff")


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_cache(tmp_path, monkeypatch)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return write(tmp_path / "article.txt", ARTICLE)


@pytest.fixture
def tier() -> Iterator[SlowTier]:
    slow = SlowTier()
    yield slow
    slow.gate.set()  # let a thread the test left behind finish


def status(pilot: Pilot[object]) -> str:
    return str(main_screen(pilot).query_one("#status", Static).content)


async def reading(pilot: Pilot[object]) -> None:
    """Wait until the status line says the language model is reading the file on screen."""
    await settle(pilot)
    deadline = time.monotonic() + 10
    while "language model: reading" not in status(pilot):
        assert time.monotonic() < deadline, status(pilot)
        await pilot.pause(0.02)


def texts(pilot: Pilot[object]) -> list[str]:
    return [f.text for f in review_of(pilot).findings]


def test_fast_findings_at_once_deep_ones_when_they_arrive_keys_never_wait(article: Path, tier: SlowTier) -> None:
    """Keys decide about the fast findings while the language model reads; its findings then join them."""
    app = build_deep_app(article, tier=tier)

    async def script(pilot: Pilot[object]) -> None:
        await reading(pilot)
        assert texts(pilot) == ["shared chiefs of staff", "when you look at the", "brain tumefaction", "attemptedto",
                                "an"]
        await pilot.press("a", "r", "n", "n", "p")  # accept 0, reject 1, on to 3, 4, back to 3
        review = review_of(pilot)
        assert review.decisions == {0: Decision(Verdict.ACCEPTED, "Joint Chiefs of Staff"), 1: REJECT}
        assert review.current == 3
        assert not tier.gate.is_set() and "language model: reading" in status(pilot)
        tier.gate.set()
        await settle_deep(pilot)
        review = review_of(pilot)
        assert [f.text for f in review.findings] == ["shared chiefs of staff", "when you look at the",
                                                     "brain tumefaction", "cortex", "attemptedto"]
        assert review.findings[2].suggestions == ("brain tumor", "brain cancer")
        assert review.decisions == {0: Decision(Verdict.ACCEPTED, "Joint Chiefs of Staff"), 1: REJECT}
        assert review.findings[review.current or 0].text == "attemptedto"  # the same finding on screen
        assert status(pilot).endswith("language model: 1 more finding")
        assert f"{article}: language model: 1 more finding, 1 changed, 1 withdrawn." in notifications(pilot)
        await pilot.press("p", "a", "p", "p", "a")  # accept "cortex area", then "brain tumor", now ranked first
        await pilot.press("u", "u", "ctrl+r", "ctrl+r", "s")

    drive(app, script)
    assert article.read_bytes() == JOINT.replace("cortex", "cortex area").replace(
        "brain tumefaction", "brain tumor").encode()
    assert tier.calls == 1


def test_saving_while_the_language_model_reads(article: Path, tier: SlowTier) -> None:
    """A save writes what is decided; the deep findings arrive afterwards, placed in the saved text."""
    app = build_deep_app(article, tier=tier)

    async def script(pilot: Pilot[object]) -> None:
        await reading(pilot)
        await pilot.press("n", "a", "s")  # "when you look at the" -> "in the": 14 characters shorter
        assert article.read_bytes() == ARTICLE.replace("when you look at the", "in the").encode()
        tier.gate.set()
        await settle_deep(pilot)
        review = review_of(pilot)
        cortex = next(f for f in review.findings if f.category is Category.CONTEXT)
        assert review.document.text[cortex.start : cortex.end] == "cortex"
        review.current = review.findings.index(cortex)
        await pilot.press("a", "s")
        assert review_of(pilot).summary() == Summary(accepted=2, remaining=3)

    drive(app, script)
    assert article.read_bytes() == ARTICLE.replace("when you look at the", "in the").replace(
        "cortex", "cortex area").encode()


def test_quitting_while_the_language_model_reads_does_not_wait(article: Path, tier: SlowTier) -> None:
    """Save-and-quit exits at once though the language model would read for another 30 s."""
    app = build_deep_app(article, tier=tier)

    async def script(pilot: Pilot[object]) -> None:
        await reading(pilot)
        await pilot.press("a", "q")
        assert isinstance(pilot.app.screen, QuitScreen)
        await pilot.press("s")

    began = time.monotonic()
    drive(app, script)
    assert time.monotonic() - began < 10
    assert tier.started.is_set() and not tier.gate.is_set()
    assert article.read_bytes() == JOINT.encode()
    assert app.return_value == [FileOutcome(str(article), Summary(accepted=1, remaining=4), unsaved=False)]


def test_language_model_unavailable_one_message_fast_findings_stay(tmp_path: Path) -> None:
    """Without the language model the review works on the fast findings and says so once, for every file."""
    first = write(tmp_path / "first.txt", ARTICLE)
    second = write(tmp_path / "second.txt", "Prices rose when you look at the market.\n")
    missing = lm.LanguageModelUnavailable("respin's language model (the deep tier) is not available: missing 'torch'")
    tier = SlowTier(failure=missing)
    tier.gate.set()
    app = build_deep_app(first, second, tier=tier)

    async def script(pilot: Pilot[object]) -> None:
        await settle_deep(pilot)
        told = [n for n in notifications(pilot) if "not available" in n]
        assert len(told) == 1 and "fast findings only" in told[0]
        assert "language model: unavailable" in status(pilot)
        assert len(review_of(pilot).findings) == 5
        await pilot.press("right_square_bracket")
        assert "language model: unavailable" in status(pilot)
        await pilot.press("a", "s")

    drive(app, script)
    assert tier.calls == 1  # the second file was not tried again
    assert second.read_bytes() == b"Prices rose in the market.\n"


def test_a_failing_deep_tier_keeps_the_fast_findings(article: Path) -> None:
    """Any other error of the deep tier is reported for its file; the review goes on."""
    tier = SlowTier(failure=RuntimeError("out of memory"))
    tier.gate.set()
    app = build_deep_app(article, tier=tier)

    async def script(pilot: Pilot[object]) -> None:
        await settle_deep(pilot)
        assert any("out of memory" in n for n in notifications(pilot))
        assert "language model: failed" in status(pilot)
        assert len(review_of(pilot).findings) == 5

    drive(app, script)


def test_an_edit_typed_while_the_deep_findings_arrive_lands_on_its_finding(article: Path, tier: SlowTier) -> None:
    """The edit dialog was opened on finding 0; a deep finding before it shifts indices; the edit still fits."""

    def with_general(text: str, syntax: formats.Syntax, extra: Sequence[Finding]) -> list[Finding]:
        found = SlowTier.__call__(tier, text, syntax, extra)
        start = text.index("general")
        return sorted([*found, Finding(start, start + 7, "general", ("generals",), "context", Category.CONTEXT,
                                       0.7, "plural")])

    app = make_app([open_document(str(article))], DEEP_CHECKER, deep_check=with_general)

    async def script(pilot: Pilot[object]) -> None:
        await reading(pilot)
        await pilot.press("e")
        assert isinstance(pilot.app.screen, EditScreen)
        tier.gate.set()
        await settle_deep(pilot)
        assert texts(pilot)[:2] == ["general", "shared chiefs of staff"]
        assert isinstance(pilot.app.screen, EditScreen)
        assert pilot.app.screen.query_one(Input).value == "Joint Chiefs of Staff"
        await pilot.press("end", *["backspace"] * len("Staff"), *"staff", "enter")
        review = review_of(pilot)
        assert review.decisions == {1: Decision(Verdict.EDITED, "Joint Chiefs of staff")}
        await pilot.press("s")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.replace("shared chiefs of staff", "Joint Chiefs of staff").encode()


def test_decisions_about_deep_findings_are_resumed(article: Path) -> None:
    """A decision about a context finding is kept across runs, also while the next run's deep tier reads."""
    first = SlowTier()
    first.gate.set()

    async def reject_cortex(pilot: Pilot[object]) -> None:
        await settle_deep(pilot)
        review = review_of(pilot)
        review.current = next(i for i, f in enumerate(review.findings) if f.text == "cortex")
        await pilot.press("r", "q")

    drive(build_deep_app(article, tier=first), reject_cortex)
    second = SlowTier()

    async def resume(pilot: Pilot[object]) -> None:
        await reading(pilot)
        await pilot.press("r")  # a decision meanwhile: the resume data is written again
        main_screen(pilot).write_stores()
        second.gate.set()
        await settle_deep(pilot)
        review = review_of(pilot)
        assert {review.findings[i].text: d for i, d in review.decisions.items()} == {
            "cortex": REJECT, "attemptedto": REJECT}  # the resumed position was "attemptedto"

    try:
        drive(build_deep_app(article, tier=second), resume)
    finally:
        second.gate.set()


def test_without_deep_there_is_no_language_model_status(article: Path) -> None:
    """A review without --deep looks as before: no language model in the status line."""

    async def script(pilot: Pilot[object]) -> None:
        assert "language model" not in status(pilot)
        assert not main_screen(pilot).deep_running

    drive(build_app(article), script)
    with pytest.raises(ValueError, match="deep=True"):
        make_app([open_document(str(article))], CHECKER, deep_check=SlowTier())


needs_lm = pytest.mark.skipif(not lm.available(),
                              reason=f"the language model extra is not installed ({lm.INSTALL_HINT})")


@needs_lm
def test_the_real_language_model_judges_in_a_child_process(article: Path) -> None:
    """With Checker(deep=True) and no deep_check, the language model's verdict reaches the review."""
    app = make_app([open_document(str(article))], DEEP_CHECKER)

    async def script(pilot: Pilot[object]) -> None:
        await settle(pilot)
        assert all("language model" not in f.message for f in review_of(pilot).findings)
        await settle_deep(pilot, timeout=300)
        judged = [f for f in review_of(pilot).findings if "language model:" in f.message]
        assert [f.text for f in judged] == ["brain tumefaction"]
        assert status(pilot).endswith("language model: no new findings")
        await pilot.press("q")

    drive(app, script)


@needs_lm
def test_quitting_ends_the_language_models_process(article: Path) -> None:
    """Quitting while the real model loads or reads ends its process at once."""
    app = make_app([open_document(str(article))], DEEP_CHECKER)
    deep = app.review_screen.deep_check
    assert isinstance(deep, DeepProcess)

    async def script(pilot: Pilot[object]) -> None:
        await reading(pilot)
        await pilot.pause(0.5)
        assert deep.pid is not None
        await pilot.press("q")

    began = time.monotonic()
    drive(app, script)
    assert time.monotonic() - began < 15
    assert deep.pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(deep.pid, 0)
    with pytest.raises(DeepProcessClosed):
        deep("Prices rose.", formats.Syntax.TEXT, ())
