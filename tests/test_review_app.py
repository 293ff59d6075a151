"""The review app driven with Pilot: every key path, checked on the bytes written to disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import (
    ARTICLE,
    CHECKER,
    ROOT,
    build_app,
    drive,
    isolate_cache,
    main_screen,
    notifications,
    review_of,
    settle,
    write,
)
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static

from respin.engine import check_text
from respin.finding import Category
from respin.review.app import HELP_ROWS, FileOutcome, ReviewApp
from respin.review.excerpts import paragraph_break_after
from respin.review.messages import DocumentChecked
from respin.review.screens import AcceptAllScreen, ConfirmScreen, EditScreen, FilterScreen, HelpScreen, QuitScreen
from respin.review.session import Decision, Summary, Verdict
from respin.review.store import ResumeStore, content_fingerprint
from respin.review.widgets import GUTTER, DocumentView, PreviewPanel

JOINT = ARTICLE.replace("shared chiefs of staff", "Joint Chiefs of Staff")


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_cache(tmp_path, monkeypatch)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return write(tmp_path / "article.txt", ARTICLE)


def test_accept_with_a_and_enter_then_save(article: Path) -> None:
    """`a` and Enter accept the best suggestion and move on; `s` writes exactly those changes."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "enter")
        assert review_of(pilot).current == 2
        await pilot.press("s")
        assert article.read_bytes() == JOINT.replace("when you look at the", "in the").encode()
        await pilot.press("q")

    drive(app, script)
    assert app.return_value == [FileOutcome(str(article), Summary(accepted=2, remaining=3), unsaved=False)]


def test_reject_leaves_the_text(article: Path) -> None:
    """A rejected finding stays as written; the next one is accepted and saved."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("r", "a", "s")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.replace("when you look at the", "in the").encode()


def test_choose_a_suggestion_by_number(article: Path) -> None:
    """`2` accepts the second suggestion; a number with no suggestion changes nothing."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("n", "n", "3")
        assert review_of(pilot).decision(2) is None
        await pilot.press("2", "s")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.replace("brain tumefaction", "brain tumor").encode()


def test_edit_by_hand_starts_from_the_suggestion(article: Path) -> None:
    """`e` opens an input holding the best suggestion; what is typed there is written."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("e")
        assert isinstance(pilot.app.screen, EditScreen)
        field = pilot.app.screen.query_one(Input)
        assert field.value == "Joint Chiefs of Staff"
        await pilot.press("end", *["backspace"] * len("Staff"), *"staff", "enter")
        assert review_of(pilot).summary().edited == 1
        await pilot.press("s")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.replace("shared chiefs of staff", "Joint Chiefs of staff").encode()


def test_edit_cancelled_with_escape_changes_nothing(article: Path) -> None:
    """Escape leaves the edit without a decision; saving then has nothing to write."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("e", "x", "escape")
        assert review_of(pilot).decisions == {}
        await pilot.press("s")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.encode()


def test_undo_and_redo(article: Path) -> None:
    """`u` takes a decision back before saving; `ctrl+r` makes it again."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "a", "u")
        assert review_of(pilot).current == 1
        await pilot.press("u", "s")
        assert article.read_bytes() == ARTICLE.encode()
        await pilot.press("ctrl+r", "s")
        assert article.read_bytes() == JOINT.encode()

    drive(app, script)


def test_accept_all_at_a_confidence_after_confirming(article: Path) -> None:
    """`A` shows how many findings a threshold accepts; Enter accepts them, as one undoable step."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("A")
        assert isinstance(pilot.app.screen, AcceptAllScreen)
        assert pilot.app.screen.query_one(Input).value == "0.80"
        await pilot.press(*"0.95")
        count = pilot.app.screen.query_one("#count")
        assert isinstance(count.content, Text) and count.content.plain == "2 findings will be accepted"
        await pilot.press("enter")
        await pilot.press("s")

    drive(app, script)
    assert article.read_bytes() == JOINT.replace("when you look at the", "in the").encode()


def test_accept_all_cancelled_accepts_nothing(article: Path) -> None:
    """Escape in the accept-all dialog leaves every finding undecided."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("A", "escape")
        assert review_of(pilot).decisions == {}
        await pilot.press("s", "q")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.encode()


def test_filter_by_category_limits_moving_and_accepting(article: Path) -> None:
    """With only 'joined' and 'article' shown, navigation and accept-all touch only those findings."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("f")
        assert isinstance(pilot.app.screen, FilterScreen)
        options = pilot.app.screen.query_one(SelectionList)
        assert options.selected == ["fingerprint", "entity", "scientific", "joined", "article"]
        await pilot.press("space", "down", "space", "down", "space", "enter")
        screen = main_screen(pilot)
        assert screen.shown == {Category.JOINED, Category.ARTICLE}
        assert review_of(pilot).current == 3
        await pilot.press("n")
        assert review_of(pilot).current == 4
        await pilot.press("n", "p", "p")
        assert review_of(pilot).current == 3
        await pilot.press("A", "enter", "s")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.replace("attemptedto", "attempted to").replace(
        "an united", "a united").encode()


def test_jump_between_files(tmp_path: Path) -> None:
    """`]` and `[` switch files; decisions and saving belong to the file on screen."""
    first = write(tmp_path / "first.txt", ARTICLE)
    second = write(tmp_path / "second.txt", "Prices rose when you look at the market.\n")
    app = build_app(first, second)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("right_square_bracket")
        assert main_screen(pilot).position == 1
        await pilot.press("a", "left_square_bracket")
        assert main_screen(pilot).position == 0
        await pilot.press("r", "s")

    drive(app, script)
    assert first.read_bytes() == ARTICLE.encode()
    assert second.read_bytes() == b"Prices rose in the market.\n"


def test_saving_twice_builds_on_the_first_save(article: Path) -> None:
    """After a save the review continues on the written text; a second save adds the new decisions."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "s")
        assert article.read_bytes() == JOINT.encode()
        assert not review_of(pilot).unsaved
        await pilot.press("r", "2", "s")
        await pilot.press("q")

    drive(app, script)
    assert article.read_bytes() == JOINT.replace("brain tumefaction", "brain tumor").encode()
    assert app.return_value is not None
    assert app.return_value[0].summary == Summary(accepted=2, rejected=1, edited=0, remaining=2)


def test_quit_with_unsaved_work_save_and_quit(article: Path) -> None:
    """`q` with unsaved decisions asks; `s` in the dialog saves, then the app exits."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "q")
        assert isinstance(pilot.app.screen, QuitScreen)
        await pilot.press("s")

    drive(app, script)
    assert article.read_bytes() == JOINT.encode()
    assert app.return_value == [FileOutcome(str(article), Summary(accepted=1, remaining=4), unsaved=False)]


def test_quit_with_unsaved_work_without_saving(article: Path, cache: Path) -> None:
    """`d` in the quit dialog leaves the file alone but keeps the decisions for next time."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "q", "d")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.encode()
    assert app.return_value is not None and app.return_value[0].unsaved
    assert (cache / f"{content_fingerprint(ARTICLE.encode())}.json").exists()


def test_quit_with_unsaved_work_cancelled(article: Path) -> None:
    """Escape in the quit dialog returns to the review with the decisions intact."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "q", "escape")
        assert pilot.app.is_running and pilot.app.screen is main_screen(pilot)
        assert review_of(pilot).unsaved
        await pilot.press("s")

    drive(app, script)
    assert article.read_bytes() == JOINT.encode()


def test_quit_without_unsaved_work_exits_at_once(article: Path) -> None:
    """With only rejections, `q` exits without a dialog and writes nothing."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("r", "q")
        assert not pilot.app.is_running

    drive(app, script)
    assert article.read_bytes() == ARTICLE.encode()
    assert app.return_value == [FileOutcome(str(article), Summary(rejected=1, remaining=4), unsaved=False)]


def test_ctrl_q_asks_like_q(article: Path) -> None:
    """Ctrl+Q with unsaved decisions opens the same dialog instead of dropping them."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "ctrl+q")
        assert isinstance(pilot.app.screen, QuitScreen)
        await pilot.press("escape")
        assert pilot.app.is_running

    drive(app, script)


def test_file_changed_on_disk_is_not_overwritten_and_can_be_reloaded(article: Path) -> None:
    """A save after someone else wrote the file refuses; reloading keeps decisions that still match."""
    app = build_app(article)
    theirs = ARTICLE + "Added later by someone else.\n"

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a")
        article.write_bytes(theirs.encode())
        await pilot.press("s")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert article.read_bytes() == theirs.encode()
        await pilot.press("n")  # keep my version open: still not written
        assert article.read_bytes() == theirs.encode()
        await pilot.press("s", "y")
        await settle(pilot)
        review = review_of(pilot)
        assert review.document.text == theirs
        assert review.summary() == Summary(accepted=1, remaining=4)
        await pilot.press("s")

    drive(app, script)
    assert article.read_bytes() == theirs.replace("shared chiefs of staff", "Joint Chiefs of Staff").encode()


def test_resume_after_quitting_without_saving(article: Path) -> None:
    """Reopening the same file restores its decisions and position; saving then writes them."""
    first = build_app(article)

    async def decide(pilot: Pilot[object]) -> None:
        await pilot.press("a", "r", "q", "d")

    drive(first, decide)
    again = build_app(article)

    async def resume(pilot: Pilot[object]) -> None:
        review = review_of(pilot)
        assert review.summary() == Summary(accepted=1, rejected=1, remaining=3)
        assert review.current == 2
        await pilot.press("s", "q")

    drive(again, resume)
    assert article.read_bytes() == JOINT.encode()


def test_resume_after_saving_keeps_rejections(article: Path) -> None:
    """After a save, reopening the written file remembers what was rejected and what was applied."""
    first = build_app(article)

    async def decide(pilot: Pilot[object]) -> None:
        await pilot.press("a", "r", "s", "q")

    drive(first, decide)
    assert article.read_bytes() == JOINT.encode()
    again = build_app(article)

    async def resume(pilot: Pilot[object]) -> None:
        review = review_of(pilot)
        assert review.summary() == Summary(accepted=1, rejected=1, remaining=3)
        assert review.findings[review.current or 0].text == "brain tumefaction"
        await pilot.press("q")

    drive(again, resume)
    assert article.read_bytes() == JOINT.encode()


def test_fresh_ignores_the_kept_decisions(article: Path) -> None:
    """With `fresh`, a reopened file starts with no decisions, and saving writes nothing."""
    first = build_app(article)

    async def decide(pilot: Pilot[object]) -> None:
        await pilot.press("a", "q", "d")

    drive(first, decide)
    again = build_app(article, fresh=True)

    async def fresh(pilot: Pilot[object]) -> None:
        assert review_of(pilot).decisions == {}
        await pilot.press("s", "q")

    drive(again, fresh)
    assert article.read_bytes() == ARTICLE.encode()


def test_unreadable_resume_data_is_ignored_with_a_notice(article: Path, cache: Path) -> None:
    """A corrupt resume file is reported and ignored; the review works as on a first run."""
    cache.mkdir()
    (cache / f"{content_fingerprint(ARTICLE.encode())}.json").write_text("{broken", encoding="utf-8")
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        assert any("unreadable resume data" in message for message in notifications(pilot))
        assert review_of(pilot).decisions == {}
        await pilot.press("a", "s")

    drive(app, script)
    assert article.read_bytes() == JOINT.encode()


def test_crlf_line_endings_round_trip(tmp_path: Path) -> None:
    """A CRLF file keeps every line ending; only the accepted span changes."""
    crlf = ARTICLE.replace("\n", "\r\n")
    path = write(tmp_path / "crlf.txt", crlf)
    app = build_app(path)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "s")

    drive(app, script)
    assert path.read_bytes() == crlf.replace("shared chiefs of staff", "Joint Chiefs of Staff").encode()


def test_latin1_file_round_trips(tmp_path: Path) -> None:
    """A latin-1 file read with that encoding is written back in latin-1, accents intact."""
    text = "Le café: prices rose when you look at the market.\nNaïve traders left.\n"
    path = write(tmp_path / "latin1.txt", text, encoding="latin-1")
    app = build_app(path, encoding="latin-1")

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "s")

    drive(app, script)
    assert path.read_bytes() == text.replace("when you look at the", "in the").encode("latin-1")


def test_click_on_a_highlight_selects_it(article: Path) -> None:
    """Clicking a highlighted finding makes it the current one."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        view = pilot.app.screen.query_one(DocumentView)
        finding = review_of(pilot).findings[3]
        layout = view.layout_rows
        assert layout is not None
        row = layout.row_of(finding.start)
        column = finding.start - layout.starts[row]
        # the border (1) and the gutter (2) come before the text; aim at the second letter
        await pilot.click(DocumentView, offset=(1 + GUTTER + column + 1, 1 + row))
        assert review_of(pilot).current == 3
        await pilot.press("a", "s")

    drive(app, script)
    assert article.read_bytes() == ARTICLE.replace("attemptedto", "attempted to").encode()


def test_preview_follows_the_decisions(article: Path) -> None:
    """The preview shows the paragraph repaired as decided, and as a diff after `v`."""
    app = build_app(article)

    def preview_text(pilot: Pilot[object]) -> str:
        content = pilot.app.screen.query_one(PreviewPanel).content
        assert isinstance(content, Text)
        return content.plain

    async def script(pilot: Pilot[object]) -> None:
        assert preview_text(pilot).startswith("The general met the shared chiefs of staff when")
        await pilot.press("a")
        assert preview_text(pilot).startswith("The general met the Joint Chiefs of Staff when")
        await pilot.press("v")
        assert preview_text(pilot).startswith("The general met the shared chiefs of staffJoint Chiefs of Staff when")

    drive(app, script)


def test_next_and_previous_keys(article: Path) -> None:
    """n, Tab, down and right go forward; p, Shift+Tab, up and left go back; the ends stay put."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        for key in ("n", "tab", "down", "right"):
            await pilot.press(key)
        assert review_of(pilot).current == 4
        await pilot.press("n")
        assert review_of(pilot).current == 4
        for key in ("p", "shift+tab", "up", "left"):
            await pilot.press(key)
        assert review_of(pilot).current == 0

    drive(app, script)


def test_help_screen_lists_the_keys(article: Path) -> None:
    """`?` opens the help with every key; Escape closes it."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        assert pilot.app.screen is main_screen(pilot)

    drive(app, script)


def test_app_is_built_from_injected_documents(article: Path, cache: Path) -> None:
    """make_app takes documents and a checker (and optionally a store); nothing else is read."""
    app = build_app(article)
    assert isinstance(app, ReviewApp)
    assert app.review_screen.store.directory == ResumeStore(cache).directory


def small_progressive_app(path: Path) -> ReviewApp:
    """An app that checks any document over 500 characters in two steps, the first ~100 characters first."""
    app = build_app(path)
    app.review_screen.progressive_min_chars = 500
    app.review_screen.head_chars = 100
    return app


def test_large_document_is_checked_in_two_steps(tmp_path: Path) -> None:
    """A long document first shows its first paragraph's findings, then all of them; saving writes all decided."""
    long = "\n".join([ARTICLE] * 3)
    path = write(tmp_path / "long.txt", long)
    app = small_progressive_app(path)

    async def script(pilot: Pilot[object]) -> None:
        assert len(review_of(pilot).findings) == 15
        await pilot.press("A", "enter", "s")

    drive(app, script)
    expected = long.replace("shared chiefs of staff", "Joint Chiefs of Staff").replace(
        "brain tumefaction", "brain cancer").replace(
        "when you look at the", "in the").replace("attemptedto", "attempted to").replace("an united", "a united")
    assert path.read_bytes() == expected.encode()


def test_decisions_made_before_the_whole_text_is_checked_are_kept(tmp_path: Path) -> None:
    """Decisions on the first findings, resume data for later ones, and undo all survive the full check."""
    long = "\n".join([ARTICLE] * 3)
    path = write(tmp_path / "long.txt", long)

    async def reject_the_last(pilot: Pilot[object]) -> None:
        await pilot.press(*["n"] * 14, "r", "q")

    drive(small_progressive_app(path), reject_the_last)

    async def decide_early(pilot: Pilot[object]) -> None:
        screen = main_screen(pilot)
        opened = screen.opened[0]
        text = opened.document.text
        head = paragraph_break_after(text, 100, 100)
        assert head is not None
        # What the check worker posts for a large file, replayed so that keys come between its two messages.
        generation = screen.checks_started(0)
        screen.post_message(DocumentChecked(0, opened, check_text(text[:head], CHECKER), None, generation,
                                            provisional=True))
        await pilot.pause()
        assert len(review_of(pilot).findings) == 3
        assert "checking the rest" in str(screen.query_one("#status", Static).content)
        await pilot.press("n", "n", "2", "s")
        assert path.read_bytes() == long.encode()  # no saving a half-checked file
        screen.post_message(DocumentChecked(0, opened, check_text(text, CHECKER), None, generation))
        await pilot.pause()
        review = review_of(pilot)
        assert len(review.findings) == 15
        assert review.decision(2) == Decision(Verdict.ACCEPTED, "brain tumor")
        assert review.decision(14) == Decision(Verdict.REJECTED)
        await pilot.press("u")
        assert review.decision(2) is None
        await pilot.press("ctrl+r", "s")

    drive(small_progressive_app(path), decide_early)
    assert path.read_bytes() == long.replace("brain tumefaction", "brain tumor", 1).encode()


def test_redrawing_only_changed_rows_matches_a_full_redraw(article: Path) -> None:
    """After decisions and moves, the screen is the same as when every row is drawn afresh."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a", "r", "n", "p", "u", "2", "p")
        partial = pilot.app.export_screenshot()
        view = pilot.app.screen.query_one(DocumentView)
        view.refresh()
        await pilot.pause()
        assert pilot.app.export_screenshot() == partial

    drive(app, script)


def test_readme_lists_every_key() -> None:
    """The README's key table has a row for every key of the help screen, worded the same."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for keys, description in HELP_ROWS:
        row = "| " + " ".join(f"`{key}`" for key in keys.split("  ")) + f" | {description} |"
        assert row in readme, row


def test_stale_check_results_are_ignored(article: Path) -> None:
    """Findings from a superseded check of a file do not replace the current review."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        screen = main_screen(pilot)
        review = review_of(pilot)
        screen.post_message(DocumentChecked(0, screen.opened[0], [], None, screen.checks_started(0) - 1))
        await pilot.pause()
        assert review_of(pilot) is review and len(review.findings) == 5

    drive(app, script)


def test_deleted_file_is_not_recreated_and_reload_keeps_the_review(article: Path) -> None:
    """Saving over a file deleted meanwhile is refused; a failed reload keeps the decisions on screen."""
    app = build_app(article)

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("a")
        article.unlink()
        await pilot.press("s")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert any("no such file" in message for message in notifications(pilot))
        assert review_of(pilot).summary() == Summary(accepted=1, remaining=4)
        assert not article.exists()

    drive(app, script)
    assert not article.exists()


def test_markdown_review_offers_only_prose_and_saves_code_untouched(tmp_path: Path) -> None:
    """In a Markdown file the review shows the spin in prose, not the one in code, and saving leaves code as it was."""
    markdown = (
        "# Notes\n\nWhen you look at the report, officials said so.\n\n"
        "```\nwhen you look at the code\n```\n\nRun `when you look at the` in a shell.\n"
    )
    path = write(tmp_path / "notes.md", markdown)
    app = build_app(path)

    async def script(pilot: Pilot[object]) -> None:
        assert [f.text for f in review_of(pilot).findings] == ["When you look at the"]
        await pilot.press("a", "s", "q")

    drive(app, script)
    assert path.read_text(encoding="utf-8") == markdown.replace("When you look at the report", "In the report")
