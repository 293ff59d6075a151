"""What a detector is: the protocol the built-in rules follow and a plugin implements.

A detector is a `Detector`: a name (used by `--disable`, in reports and in each
finding's `rule`), a category, a one-line description (listed by `respin check
--help`), a `find(view, lexicon)` that yields findings in the view's text, the
resources it reads (functions that load them), and examples: texts it must fire
on, with the text fixing them gives, and texts it must leave alone. `find` reads
the text through its `TextView` (lower-cased, folded and tokenised once for all
detectors) and may look words up in the shared `Lexicon`; it does no I/O and
keeps no state between texts, because a large text is checked chunk by chunk,
possibly in several processes.

A third-party package registers detectors under the entry-point group
`respin.detectors` (see `respin.detectors.plugins`); each entry point names a
`Detector`, a sequence of them, or a function returning either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from respin.finding import Category, Finding
from respin.textview import TextView

if TYPE_CHECKING:
    from respin.language.lexicon import Lexicon

FindFunction = Callable[[TextView, "Lexicon"], Iterator[Finding]]
#: Decides, from the text and the other detectors' findings, whether a gated detector runs.
Gate = Callable[[TextView, Sequence[Finding]], bool]


@dataclass(frozen=True)
class Detector:
    """A registered detector and the examples that document and test it."""

    name: str
    category: Category
    description: str
    find: FindFunction
    #: (input, expected text after applying every fixable finding of this detector)
    fires_on: tuple[tuple[str, str], ...]
    quiet_on: tuple[str, ...]
    #: When set, the detector runs once on the whole text after the others, and only when the gate
    #: opens (see `respin.detectors.evidence`): for guesses that need a reason to expect damage.
    gate: Gate | None = None
    #: What `find` reads besides the text: functions that load it once per process (cached). The engine
    #: calls them before it forks worker processes, so that the workers share what they loaded.
    resources: tuple[Callable[[], object], ...] = ()

    def load_resources(self) -> None:
        for load in self.resources:
            load()
