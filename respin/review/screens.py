"""The review's modal screens: confirmations, the hand edit, accept-all, the filter, quitting, help.

Each returns its answer through `dismiss` (`ModalScreen[T]`): the main screen
pushes it with a callback and acts on the answer, so nothing here touches a
document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static

from respin.finding import Category, Finding
from respin.review.palette import CATEGORY_COLOURS, category_style
from respin.review.session import Summary

_DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 72;
    max-width: 90%;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}}
{name} .title {{
    text-style: bold;
    width: 100%;
    margin-bottom: 1;
}}
{name} .buttons {{
    height: auto;
    margin-top: 1;
    align: right middle;
}}
{name} Button {{
    margin-left: 2;
}}
"""


def _dialog_css(name: str) -> str:
    return _DIALOG_CSS.format(name=name)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: `y` or the first button says yes, `n` or Escape says no."""

    DEFAULT_CSS = _dialog_css("ConfirmScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, message: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._title, self._message, self._yes, self._no = title, message, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="title")
            yield Static(self._message, id="message")
            with Horizontal(classes="buttons"):
                yield Button(f"{self._yes} (y)", variant="primary", id="yes")
                yield Button(f"{self._no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class QuitChoice(StrEnum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class QuitScreen(ModalScreen[QuitChoice]):
    """Quitting with unsaved decisions: save and quit, quit without saving, or stay."""

    DEFAULT_CSS = _dialog_css("QuitScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,y", "choose('save')", "Save and quit"),
        Binding("d", "choose('discard')", "Quit without saving"),
        Binding("escape,n,c", "choose('cancel')", "Cancel"),
    ]

    def __init__(self, unsaved: Sequence[str], summaries: Sequence[tuple[str, Summary]]) -> None:
        super().__init__()
        self._unsaved = unsaved
        self._summaries = summaries

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save before quitting?", classes="title")
            names = ", ".join(self._unsaved)
            yield Static(f"Decisions not yet written to {names}. Either way they are kept for the next "
                         "`respin review` of the same file.")
            yield Static(summary_table(self._summaries), id="summary")
            with Horizontal(classes="buttons"):
                yield Button("Save and quit (s)", variant="primary", id="save")
                yield Button("Quit without saving (d)", variant="warning", id="discard")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(QuitChoice(event.button.id or QuitChoice.CANCEL))

    def action_choose(self, choice: str) -> None:
        self.dismiss(QuitChoice(choice))


def summary_table(summaries: Sequence[tuple[str, Summary]]) -> Table:
    """Accepted, rejected, edited and remaining findings per file (and in all, for several files)."""
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("file")
    for heading in ("accepted", "rejected", "edited", "remaining"):
        table.add_column(heading, justify="right")
    for name, summary in summaries:
        table.add_row(name, *map(str, (summary.accepted, summary.rejected, summary.edited, summary.remaining)))
    if len(summaries) > 1:
        total = sum((s for _, s in summaries), Summary())
        table.add_row(Text("all", style="bold"),
                      *map(str, (total.accepted, total.rejected, total.edited, total.remaining)))
    return table


class EditScreen(ModalScreen[str | None]):
    """Type the replacement by hand; the input starts with the suggestion."""

    DEFAULT_CSS = _dialog_css("EditScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, finding: Finding, suggestion: str) -> None:
        super().__init__()
        self._finding = finding
        self._suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Edit the replacement", classes="title")
            spun = Text.assemble(("replace  ", "dim"), (" ".join(self._finding.text.split()),
                                                         category_style(self._finding.category)))
            yield Static(spun)
            yield Input(value=self._suggestion, id="replacement", select_on_focus=False)
            yield Static(Text("Enter keeps it, Escape cancels", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AcceptAllScreen(ModalScreen[float | None]):
    """Accept every undecided finding on screen at or above a confidence, after seeing how many that is."""

    DEFAULT_CSS = _dialog_css("AcceptAllScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, confidences: Sequence[float], threshold: float, scope: str) -> None:
        super().__init__()
        self._confidences = sorted(confidences)
        self._threshold = threshold
        self._scope = scope

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Accept all remaining findings", classes="title")
            yield Static(f"Accepts the best suggestion of every undecided finding ({self._scope}) "
                         "at or above this confidence. One undo (u) takes it all back.")
            yield Input(value=f"{self._threshold:.2f}", id="threshold", type="number")
            yield Static(id="count")
            with Horizontal(classes="buttons"):
                yield Button("Accept (enter)", variant="primary", id="accept")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self._update_count(str(self._threshold))
        self.query_one(Input).focus()

    def _parse(self, value: str) -> float | None:
        try:
            threshold = float(value)
        except ValueError:
            return None
        return threshold if 0.0 <= threshold <= 1.0 else None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._update_count(event.value)

    def _update_count(self, value: str) -> None:
        threshold = self._parse(value)
        count = self.query_one("#count", Static)
        if threshold is None:
            count.update(Text("a confidence is a number from 0 to 1", style="bold red"))
        else:
            accepted = sum(1 for c in self._confidences if c >= threshold)
            count.update(Text(f"{accepted} finding{'s' if accepted != 1 else ''} will be accepted", style="bold"))
        self.query_one("#accept", Button).disabled = threshold is None

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        threshold = self._parse(event.value)
        if threshold is not None:
            self.dismiss(threshold)

    @on(Button.Pressed, "#accept")
    def _accept(self) -> None:
        threshold = self._parse(self.query_one(Input).value)
        if threshold is not None:
            self.dismiss(threshold)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class FilterScreen(ModalScreen[frozenset[Category] | None]):
    """Choose the categories on screen: Space toggles, Enter applies, Escape cancels."""

    DEFAULT_CSS = _dialog_css("FilterScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("asterisk", "all", "All"),
    ]

    def __init__(self, counts: dict[Category, int], shown: Iterable[Category]) -> None:
        super().__init__()
        self._counts = counts
        self._shown = set(shown)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Show categories", classes="title")
            options = [
                (Text.assemble((f"{category.value:<12}", category_style(category)), f"{count:>6}"), category.value,
                 category in self._shown)
                for category, count in self._counts.items()
            ]
            yield SelectionList[str](*options, id="categories")
            yield Static(Text("Space toggles, * shows all, Enter applies, Escape cancels", style="dim"))

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        chosen = self.query_one(SelectionList).selected
        self.dismiss(frozenset(Category(value) for value in chosen))

    def action_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the review, and what the colours mean."""

    DEFAULT_CSS = _dialog_css("HelpScreen") + """
    HelpScreen > Vertical { width: 84; }
    HelpScreen VerticalScroll { height: auto; max-height: 100%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("respin review: keys", classes="title")
            with VerticalScroll():
                yield Static(self._key_table())
                yield Static(self._legend())
                yield Static(Text("Escape or ? closes this help.", style="dim"))

    def _key_table(self) -> Table:
        table = Table(box=None, padding=(0, 2, 0, 0), show_header=False)
        table.add_column(style="bold")
        table.add_column()
        for keys, description in self._keys:
            table.add_row(keys, description)
        return table

    @staticmethod
    def _legend() -> Text:
        legend = Text("\nColour: category; stronger colour: more confident. ", style="")
        legend.append("Struck through: accepted or edited. Underlined: rejected.\n")
        for category in CATEGORY_COLOURS:
            legend.append(f" {category.value} ", category_style(category) + Style(reverse=True))
            legend.append(" ")
        return legend

    def action_close(self) -> None:
        self.dismiss(None)
