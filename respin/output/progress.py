"""A progress bar on stderr for long runs (rich), and nothing at all otherwise.

The bar is shown only when stderr is a terminal, the run reads at least
`MIN_FILES` files and `--quiet` is not given: piped or redirected output, CI
logs and short runs never see it. It is transient (erased when the run ends).
While it is shown, lines printed to stderr (messages) and, when stdout is the
same terminal, to stdout (the report) appear above it; when stdout is a pipe or
a file, it is left alone, so the report's bytes are the same with or without a
bar. rich is imported only when a bar is shown (start-up time).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: Fewer files than this finish too soon for a bar to help.
MIN_FILES = 20


def wanted(total: int, quiet: bool, stream: TextIO | None = None) -> bool:
    """Whether a run over `total` files shows a bar on `stream` (default: stderr)."""
    stream = sys.stderr if stream is None else stream
    if quiet or total < MIN_FILES:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


@contextmanager
def progress_bar(total: int, description: str, show: bool) -> Iterator[Callable[[str], None]]:
    """A function to call once per finished file (with its name); it draws a bar only when `show`."""
    if not show:
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=sys.stderr)
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.fields[name]}"),
    )
    stdout_is_terminal = _isatty(sys.stdout)
    with Progress(*columns, console=console, transient=True, redirect_stdout=stdout_is_terminal,
                  redirect_stderr=True) as progress:
        task = progress.add_task(description, total=total, name="")

        def advance(name: str) -> None:
            progress.update(task, advance=1, name=name if len(name) <= 40 else "…" + name[-39:])

        yield advance


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
