"""Highlight colours of the review: hue by category, intensity by confidence, look by decision.

An undecided finding is drawn on a background of its category's colour, mixed
into the screen's background: the more confident the finding, the stronger the
colour. Accepted and edited findings are struck through (their text is going), a
rejected one is only underlined in its colour, and the current finding is drawn
in its full colour, bold and underlined (and marked in the view's gutter).
Styles are cached: a screen of rows asks for the same few dozen.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from textual.color import Color

from respin.finding import Category
from respin.review.session import Verdict

CATEGORY_COLOURS: dict[Category, Color] = {
    Category.FINGERPRINT: Color.parse("#e5a50a"),
    Category.ENTITY: Color.parse("#3584e4"),
    Category.COLLOCATION: Color.parse("#a347ba"),
    Category.SCIENTIFIC: Color.parse("#2ec27e"),
    Category.JOINED: Color.parse("#e66100"),
    Category.ARTICLE: Color.parse("#26a1b5"),
    Category.APOSTROPHE: Color.parse("#dc8add"),
    Category.REPEAT: Color.parse("#e01b24"),
    Category.CASE: Color.parse("#b5835a"),
    Category.GRAMMAR: Color.parse("#9a9996"),
    Category.CONTEXT: Color.parse("#6c71c4"),
}

#: Colour strength of the weakest and the strongest finding respin reports.
LOW_CONFIDENCE, HIGH_CONFIDENCE = 0.5, 0.95
WEAKEST, STRONGEST = 0.25, 0.6


def intensity(confidence: float) -> float:
    """How much of the category colour an undecided finding of this confidence gets (0..1)."""
    share = (confidence - LOW_CONFIDENCE) / (HIGH_CONFIDENCE - LOW_CONFIDENCE)
    return round(WEAKEST + (STRONGEST - WEAKEST) * min(1.0, max(0.0, share)), 2)


@lru_cache(maxsize=1024)
def highlight_style(
    category: Category, confidence: float, verdict: Verdict | None, current: bool, background: Color
) -> Style:
    """The style of a finding's text on a screen whose background is `background`."""
    colour = CATEGORY_COLOURS[category]
    if current:
        return Style(color=colour.get_contrast_text().rich_color, bgcolor=colour.rich_color, bold=True,
                     underline=True, strike=verdict in (Verdict.ACCEPTED, Verdict.EDITED))
    if verdict is None:
        fill = background.blend(colour, intensity(confidence))
        return Style(color=fill.get_contrast_text().rich_color, bgcolor=fill.rich_color)
    if verdict is Verdict.REJECTED:
        return Style(color=colour.rich_color, underline=True)
    return Style(color=colour.rich_color, strike=True, dim=True)


def category_style(category: Category) -> Style:
    """The style that names a category (in the finding panel and the filter)."""
    return Style(color=CATEGORY_COLOURS[category].rich_color, bold=True)
