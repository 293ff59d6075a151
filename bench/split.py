"""Which half of bbc-dev each article belongs to: one half fits, the other reports.

Anything respin learns or tunes from bbc-dev (the context tier's decision model,
the document verdict's weights, thresholds) is fitted on the `fit` half only and
reported by `bench.eval` on the `report` half, which no fitting ever reads. The
half of an article depends on its file name alone (CRC-32 of the name), so it
stays the same when files are added, removed or read in another order.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import TypeVar

FIT, REPORT = "fit", "report"
PARTS = (FIT, REPORT)

T = TypeVar("T")


def part_of(name: str) -> str:
    """`fit` or `report` for an article's file name (e.g. "business_001.txt")."""
    return FIT if zlib.crc32(name.encode("utf-8")) % 2 == 0 else REPORT


def select(items: Iterable[T], part: str, name_of=lambda item: item.name) -> list[T]:
    """The items (articles, paths) whose name falls in `part`."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}: expected one of {', '.join(PARTS)}")
    return [item for item in items if part_of(name_of(item)) == part]
