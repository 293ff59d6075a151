"""Section E of the eval: restoring the capitals a lower-cased text lost.

Two measures, both on the `case` findings of `check_text` with every case repair
applied (they only change letters' case, so offsets line up with the gold):

1. The user's example against `fixtures/spun-news-syria.cased.txt`, the same text
   with its capitals restored by hand. A word that differs from the gold only in
   case lost its capitals; it counts as restored when some finding over it
   suggests the gold spelling (a repair such as "russias" -> "Russia's" counts
   when its letters contain the gold word). Sentence starts are reported apart
   from proper nouns. Wrongly cased: case findings whose suggestion differs from
   the gold.
2. Clean BBC articles lower-cased (every `step`-th one): the share of the
   mid-sentence capitals (proper nouns, "I", acronyms) and of sentence starts
   that come back exactly, and the lower-case words wrongly capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from respin import Checker, Finding, apply, check_text
from respin.finding import Category

_WORD = re.compile(r"[A-Za-z]+")


def _starts_sentence(text: str, offset: int) -> bool:
    i = offset - 1
    while i >= 0 and text[i] in " \t\"“‘('":
        i -= 1
    return i < 0 or text[i] in ".!?\n"


def _letters(text: str) -> str:
    return re.sub(r"[^A-Za-z]", "", text)


def apply_case_repairs(text: str, findings: Sequence[Finding]) -> str:
    case = [f for f in findings if f.category is Category.CASE]
    return apply(text, case, {i: f.suggestions[0] for i, f in enumerate(case)})


def evaluate_example(article: Path, cased: Path, checker: Checker) -> dict[str, Any] | None:
    """Lost capitals of the example restored by respin's findings (see the module docstring)."""
    if not cased.exists():
        return None
    text = article.read_text(encoding="utf-8")
    gold = cased.read_text(encoding="utf-8")
    if gold.lower() != text.lower():
        raise ValueError(f"{cased.name} must differ from {article.name} only in letter case")
    findings = check_text(text, checker)
    counts = {"proper": 0, "proper_restored": 0, "starts": 0, "starts_restored": 0}
    missed = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        want = gold[start:end]
        if want == text[start:end]:
            continue
        restored = any(f.start < end and start < f.end and f.suggestions and want in _letters(f.suggestions[0])
                       for f in findings)
        kind = "starts" if _starts_sentence(text, start) else "proper"
        counts[kind] += 1
        counts[f"{kind}_restored"] += restored
        if not restored:
            missed.append(want)
    wrong = [f"{f.text!r} -> {f.suggestions[0]!r}" for f in findings
             if f.category is Category.CASE and gold[f.start : f.end] != f.suggestions[0]]
    return {**counts, "missed": missed, "wrongly_cased": wrong,
            "proper_rate": counts["proper_restored"] / counts["proper"] if counts["proper"] else None}


def evaluate_lowercased(texts: Sequence[str], checker: Checker) -> dict[str, Any]:
    """Lower-case clean articles and measure which capitals the case repairs bring back."""
    counts = {"articles": len(texts), "mid": 0, "mid_restored": 0, "starts": 0, "starts_restored": 0,
              "lower_words": 0, "wrongly_capitalised": 0}
    for original in texts:
        lowered = original.lower()
        if len(lowered) != len(original):
            continue
        repaired = apply_case_repairs(lowered, check_text(lowered, checker))
        for match in _WORD.finditer(original):
            start, end = match.span()
            word = original[start:end]
            if word.islower():
                counts["lower_words"] += 1
                counts["wrongly_capitalised"] += repaired[start:end] != word
                continue
            kind = "starts" if _starts_sentence(original, start) else "mid"
            counts[kind] += 1
            counts[f"{kind}_restored"] += repaired[start:end] == word
    return counts
