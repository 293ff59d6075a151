"""An example respin plugin: a detector of runs of exclamation marks ("Amazing!!!" -> "Amazing!").

A plugin detector is a `respin.detectors.base.Detector`: a name, a category, a
description, a `find(view, lexicon)` that yields findings, and examples it must
fire on and stay quiet on. It is registered in the package metadata under the
entry-point group `respin.detectors` (see pyproject.toml).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from respin.detectors.base import Detector
from respin.finding import Category, Finding
from respin.language.lexicon import Lexicon
from respin.textview import TextView

NAME = "exclamation-marks"
_RUN = re.compile(r"!{2,}")


def find_exclamation_runs(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Two or more exclamation marks in a row: one is enough."""
    if "!!" not in view.text:  # a cheap literal test first: detectors run over megabytes
        return
    for match in _RUN.finditer(view.text):
        yield Finding(match.start(), match.end(), match.group(), ("!",), NAME, Category.REPEAT, 0.9,
                      "one exclamation mark is enough")


DETECTOR = Detector(
    NAME, Category.REPEAT, "runs of exclamation marks (an example plugin)", find_exclamation_runs,
    fires_on=(("What a result!!!", "What a result!"), ("No!! Never!!", "No! Never!")),
    quiet_on=("What a result!", "Hello! Goodbye!"),
)
