"""Snapshots of the review's main screens (pytest-textual-snapshot; `--snapshot-update` rewrites them).

The app runs over a small article in a temporary folder, opened by a relative
name, at a fixed terminal size, so the pictures hold no paths, times or sizes
that change between runs. Snapshots live in tests/__snapshots__/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import ARTICLE, SlowTier, build_app, build_deep_app, isolate_cache, settle, settle_deep, write
from textual.pilot import Pilot

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_cache(tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    return write(tmp_path / "article.txt", ARTICLE)


async def checked(pilot: Pilot[object]) -> None:
    await settle(pilot)


def test_main_view(snap_compare) -> None:
    """The document with its highlights (accepted, rejected, current, pending), the finding, the preview."""
    assert snap_compare(build_app(Path("article.txt")), press=["a", "r"], terminal_size=SIZE, run_before=checked)


def test_help_screen(snap_compare) -> None:
    """`?` lists every key and the colour legend."""
    assert snap_compare(build_app(Path("article.txt")), press=["question_mark"], terminal_size=SIZE,
                        run_before=checked)


def test_edit_input(snap_compare) -> None:
    """`e` opens an input holding the best suggestion."""
    assert snap_compare(build_app(Path("article.txt")), press=["e"], terminal_size=SIZE, run_before=checked)


def test_accept_all_confirmation(snap_compare) -> None:
    """`A` asks for a confidence and says how many findings it would accept."""
    assert snap_compare(build_app(Path("article.txt")), press=["A"], terminal_size=SIZE, run_before=checked)


def test_quit_confirmation_with_summary(snap_compare) -> None:
    """`q` with unsaved decisions asks to save and shows the summary so far."""
    assert snap_compare(build_app(Path("article.txt")), press=["a", "r", "q"], terminal_size=SIZE,
                        run_before=checked)


def test_main_view_after_the_language_model(snap_compare) -> None:
    """With --deep: the context finding the deep tier added, its word in the status line, and its notice."""
    tier = SlowTier()
    tier.gate.set()
    assert snap_compare(build_deep_app(Path("article.txt"), tier=tier), press=["a", "r"], terminal_size=SIZE,
                        run_before=settle_deep)
