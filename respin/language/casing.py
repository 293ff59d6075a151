"""Carry the case of the matched text over to a suggestion.

Dictionaries are written in lower case except for proper nouns. A match keeps
its own shape: "When you look at the" becomes "In the", "WHEN YOU LOOK AT THE"
becomes "IN THE", and a suggestion with capitals of its own ("Joint Chiefs of
Staff") keeps them unless the match is shouted in capitals.
"""

from __future__ import annotations


def has_own_capitals(suggestion: str) -> bool:
    """True for suggestions that are (or contain) proper nouns or acronyms."""
    return any(ch.isupper() for ch in suggestion)


def carry_case(matched: str, suggestion: str) -> str:
    """Return `suggestion` shaped like `matched` (see the module docstring)."""
    letters = [ch for ch in matched if ch.isalpha()]
    if not letters or not suggestion:
        return suggestion
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return suggestion.upper()
    if has_own_capitals(suggestion):
        return suggestion
    if letters[0].isupper():
        return suggestion[0].upper() + suggestion[1:]
    return suggestion
