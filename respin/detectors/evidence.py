"""What a whole document shows about itself, for detectors that guess.

Some detectors make guesses that are only worth showing where there is reason
to expect damage: a paraphrase of a name or a scientific term is far more often
the writer's own wording than a spinner's. The engine runs such a rule (one
with a `gate`) on the whole text after the other detectors, and only when its
gate opens:

* `looks_spun`: the other detectors already found confident spins, at least
  MIN_SPIN_EVIDENCE and one per SPIN_EVIDENCE_WORDS words. Typos (a/an,
  doubled words) and lost capitals happen in clean text and do not count; the
  density keeps a few stray matches in a long concatenation of clean articles
  from counting.
* `reads_as_research`: the text is written like a research paper, the register
  paper mills' tortured phrases live in: it speaks of "this paper", "we
  propose", "et al." about once per RESEARCH_MARKER_WORDS words (a news article
  that mentions "this study" or a dataset once is not a paper).
"""

from __future__ import annotations

from collections.abc import Sequence

from respin.finding import Category, Finding
from respin.textview import TextView

SPIN_CATEGORIES = frozenset({Category.FINGERPRINT, Category.ENTITY, Category.COLLOCATION, Category.SCIENTIFIC})
MIN_SPIN_EVIDENCE = 1
SPIN_EVIDENCE_WORDS = 1_000
#: Phrases research papers use and news, fiction and correspondence rarely do, with their weight:
#: a paper's own voice ("this paper", "we propose") counts double, its vocabulary ("dataset") once.
RESEARCH_MARKERS = {
    "this paper": 2, "we propose": 2, "et al": 2, "the proposed": 2, "in this work": 2,
    "this study": 1, "dataset": 1, "experimental results": 1, "state-of-the-art": 1, "methodology": 1,
}
#: The gate opens at a score of 2 or more and at least 2 points per this many words.
RESEARCH_MARKER_WORDS = 1_000


#: `TextView.memo` key of the text's count of spaces, when it was counted piece by piece (`respin.documents.stream`).
SPACES = "spaces"


def _words(view: TextView) -> int:
    spaces = view.memo.get(SPACES)
    if not isinstance(spaces, int):
        spaces = view.text.count(" ")
    return spaces + 1  # close enough to a word count, and cheap on megabytes


def looks_spun(view: TextView, findings: Sequence[Finding]) -> bool:
    """True when confident matches of spinner rewrites show a spinner at work in the text."""
    evidence = sum(1 for f in findings if f.category in SPIN_CATEGORIES and f.confidence >= 0.9)
    words = _words(view)
    return evidence >= MIN_SPIN_EVIDENCE and evidence * SPIN_EVIDENCE_WORDS >= words


#: `TextView.memo` key of a research-marker score computed piece by piece (see `research_marker_score`).
RESEARCH_SCORE = "research_marker_score"


def research_marker_score(lower: str, start: int = 0, end: int | None = None) -> int:
    """The weighted count of research markers starting in `lower[start:end]` (a lower-cased text).

    A marker counts where it starts (it may end past `end`) and no marker can
    overlap itself, so the scores of the chunks of a text add up to the score of
    the whole: a large text is scored chunk by chunk.
    """
    if end is None:
        end = len(lower)
    return sum(weight * lower.count(marker, start, end + len(marker) - 1)
               for marker, weight in RESEARCH_MARKERS.items())


def reads_as_research(view: TextView, findings: Sequence[Finding]) -> bool:
    """True when the text is written like a research paper (see RESEARCH_MARKERS)."""
    score = view.memo.get(RESEARCH_SCORE)
    if not isinstance(score, int):
        score = research_marker_score(view.lower)
    return score >= 2 and score * RESEARCH_MARKER_WORDS >= 2 * _words(view)
