"""`respin review` from the command line: the example article end to end, resuming, --fresh, lazy imports.

The app runs headless with an auto-pilot in place of a person (the terminal is
the only thing replaced); bad input is covered by the data-driven cases under
fixtures/cli/review-*.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from review_helpers import ARTICLE, SIZE, Script, isolate_cache, notifications, review_of, settle, settle_deep
from textual.pilot import Pilot

from respin import cli
from respin.engine import Checker, check_text
from respin.language import lm
from respin.review.app import ReviewApp
from respin.review.session import Summary, Verdict

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "spun-news-syria.txt"
#: The real `App.run`, taken before any test replaces it with a headless one.
ORIGINAL_RUN = ReviewApp.run


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_cache(tmp_path, monkeypatch)


def run_review(monkeypatch: pytest.MonkeyPatch, argv: Sequence[str], script: Script) -> int:
    """`respin review ...` through `cli.main`, with `script` at the keyboard of a headless terminal."""
    failures: list[BaseException] = []

    def headless_run(self: ReviewApp, *args: object, **kwargs: object) -> object:
        async def at_the_keyboard(pilot: Pilot[object]) -> None:
            try:
                await settle(pilot)
                await script(pilot)
            except BaseException as error:  # reported after the app has closed
                failures.append(error)
                pilot.app.exit()

        return ORIGINAL_RUN(self, headless=True, size=SIZE, auto_pilot=at_the_keyboard)

    monkeypatch.setattr(ReviewApp, "run", headless_run)
    code = cli.main(["review", *argv])
    if failures:
        raise failures[0]
    return code


def test_example_article_accept_reject_edit_save_and_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's acceptance path: decide on the example article, save, quit; reopening resumes."""
    original = EXAMPLE.read_text(encoding="utf-8")
    article = tmp_path / "spun-news-syria.txt"
    article.write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    findings = check_text(original, Checker())
    first, second, rejected, edited = findings[:4]
    assert (first.text, second.text, rejected.text, edited.text) == ("features blamed", "united states", "syria",
                                                                     "american")

    async def decide(pilot: Pilot[object]) -> None:
        await pilot.press("a", "enter", "r", "e")  # accept, accept, reject, then edit "american"
        await pilot.press("end", *["backspace"] * len("American"), *"US", "enter")
        await pilot.press("s", "q")

    assert run_review(monkeypatch, ["spun-news-syria.txt"], decide) == 0
    expected = (original[: first.start] + "has blamed" + original[first.end : second.start] + "United States"
                + original[second.end : edited.start] + "US" + original[edited.end :])
    assert article.read_bytes() == expected.encode("utf-8")
    remaining = len(findings) - 4
    assert capsys.readouterr().err == (
        f"respin: spun-news-syria.txt: accepted 2, rejected 1, edited 1, remaining {remaining}\n")

    async def resumed(pilot: Pilot[object]) -> None:
        review = review_of(pilot)
        assert review.summary() == Summary(accepted=2, rejected=1, edited=1, remaining=remaining)
        shift = len("has blamed") - len(first.text)
        syria = next(i for i, f in enumerate(review.findings) if f.start == rejected.start + shift)
        decision = review.decision(syria)
        assert decision is not None and decision.verdict is Verdict.REJECTED
        assert review.current == syria + 1
        await pilot.press("q")

    assert run_review(monkeypatch, ["spun-news-syria.txt"], resumed) == 0
    assert article.read_bytes() == expected.encode("utf-8")

    async def fresh(pilot: Pilot[object]) -> None:
        review = review_of(pilot)
        assert review.decisions == {} and review.current == 0
        await pilot.press("q")

    assert run_review(monkeypatch, ["--fresh", "spun-news-syria.txt"], fresh) == 0
    assert article.read_bytes() == expected.encode("utf-8")


def test_quitting_unsaved_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Quitting without saving leaves the file and tells the user the decisions wait for the next review."""
    article = tmp_path / "a.txt"
    article.write_text("Prices rose when you look at the market.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    async def discard(pilot: Pilot[object]) -> None:
        await pilot.press("a", "q", "d")

    assert run_review(monkeypatch, ["a.txt"], discard) == 0
    assert article.read_text(encoding="utf-8") == "Prices rose when you look at the market.\n"
    assert capsys.readouterr().err == (
        "respin: a.txt: accepted 1, rejected 0, edited 0, remaining 0 "
        "(not saved; run `respin review` on it again to resume)\n")


def test_review_deep_without_the_language_model_shows_the_fast_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`review --deep` without the lm extra opens anyway, with the fast findings and one message saying why."""
    monkeypatch.setattr(lm, "missing_modules", lambda: ["torch"])
    monkeypatch.setattr(lm, "_shared", [])  # a model not loaded yet, whatever other tests loaded
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    async def script(pilot: Pilot[object]) -> None:
        await settle_deep(pilot)
        told = [n for n in notifications(pilot) if "not available" in n]
        assert len(told) == 1 and "missing 'torch'" in told[0]
        assert len(review_of(pilot).findings) == 5
        await pilot.press("a", "s", "q")

    assert run_review(monkeypatch, ["--deep", "a.txt"], script) == 0
    assert article.read_text(encoding="utf-8") == ARTICLE.replace("shared chiefs of staff", "Joint Chiefs of Staff")


def test_bad_input_opens_no_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """One unreadable file among good ones: message, exit 2, no app, nothing written."""
    good = tmp_path / "good.txt"
    good.write_text("Prices rose when you look at the market.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 when you look at the")
    monkeypatch.chdir(tmp_path)

    def no_app(self: ReviewApp, *args: object, **kwargs: object) -> None:
        raise AssertionError("the app must not open on bad input")

    monkeypatch.setattr(ReviewApp, "run", no_app)
    assert cli.main(["review", "good.txt", "binary.txt", "missing.txt"]) == 2
    assert capsys.readouterr().err == (
        "respin: binary.txt: binary file (contains NUL bytes); not checked\n"
        "respin: missing.txt: no such file\n")
    assert good.read_text(encoding="utf-8") == "Prices rose when you look at the market.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["binary.txt", "good.txt"]


def test_check_does_not_import_textual(tmp_path: Path) -> None:
    """`check` never imports Textual or the review app: its start-up time is a measured target."""
    article = tmp_path / "a.txt"
    article.write_text("Prices rose when you look at the market.\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from respin import cli\n"
        f"cli.main(['check', {str(article)!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m == 'respin.review.app'))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                            check=False, cwd=ROOT)
    assert result.stdout.splitlines()[-1] == "[]", result.stderr
