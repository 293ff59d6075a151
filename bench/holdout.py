"""Section D of the evaluation: tortured phrases respin's dictionaries have never seen.

A seeded 20% of the entries of `dictionaries/scientific-pps.txt` is held out:
respin runs on a temporary copy of the dictionaries folder in which that file
holds only the other 80% (`held_out_dictionaries`). Each held-out entry with one
suggestion and no condition (`requires`, `excludes`, `within`, `mid-sentence`) is
put into two sentences::

    In this paper we apply {tortured phrase} to the data.
    In this paper we apply {canonical} to the data.

and both are checked. Reported: recall (tortured sentences with a finding
overlapping the phrase), correct suggestions (of those, the ones repaired to the
canonical when each finding is replaced by its first suggestion, judged by
`bench.metrics.judge_repairs`: with a finding on exactly the phrase, its first
suggestion equals the canonical, case-insensitively), and false flags (canonical
sentences with a finding overlapping the canonical phrase). Held-out entries
with conditions or several suggestions are skipped and counted.

A remaining entry can still overlap a held-out phrase (the key "flag-bearing"
kept, "flag-bearing network" held out); the hits are broken down by rule so
such dictionary hits can be told from those of detectors for unseen phrases.

The swap (`dictionaries_swapped`) replaces `respin.language.dictionary.dictionaries_dir`
(and any respin module's own binding of it) and clears every functools cache of
every loaded respin module (`shipped_lines`, `load`, `rules._gazetteer`, ...)
on entry and again on exit. A detector that keeps what it learnt from the
dictionaries must therefore cache it with functools (`cache`, `lru_cache`) at
module level, or on the `Checker`: build Checkers inside the swap, since a
Checker built before it keeps its phrase index.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import respin.language.dictionary
from bench import metrics
from respin import Checker, check_text
from respin.language.dictionary import parse_trusted, spec_named

SPEC_NAME = "scientific-pps"
HOLDOUT_FRACTION = 0.2
TEMPLATE = "In this paper we apply {} to the data."

TARGET_RECALL = 0.6
TARGET_FALSE_FLAGS = 0.05


def clear_respin_caches() -> int:
    """Clear every functools cache defined in a loaded respin module; return how many."""
    cleared = 0
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "respin" or name.startswith("respin.")):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                value.cache_clear()
                cleared += 1
    return cleared


@contextmanager
def dictionaries_swapped(folder: Path) -> Iterator[Path]:
    """Within the block respin reads its dictionaries from `folder`; afterwards from the original again."""
    original = respin.language.dictionary.dictionaries_dir
    folder = Path(folder)

    def swapped() -> Path:
        return folder

    bindings = [module for name, module in list(sys.modules.items())
                if module is not None and (name == "respin" or name.startswith("respin."))
                and getattr(module, "dictionaries_dir", None) is original]
    for module in bindings:
        module.dictionaries_dir = swapped
    clear_respin_caches()
    try:
        yield folder
    finally:
        for module in bindings:
            module.dictionaries_dir = original
        clear_respin_caches()


def entry_lines(path: Path) -> list[tuple[int, str]]:
    """The entry lines of a dictionary file with their line numbers (comments and blank lines left out)."""
    text = path.read_text(encoding="utf-8")
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line and not line.startswith("#")]


def split_entries(lines: Sequence[tuple[int, str]], seed: int | str,
                  fraction: float = HOLDOUT_FRACTION) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(kept, held out): round(fraction * n) of the lines, chosen by `seed`, held out; both in file order."""
    chosen = set(random.Random(f"pps-holdout:{seed}").sample(range(len(lines)), round(fraction * len(lines))))
    kept = [line for i, line in enumerate(lines) if i not in chosen]
    held = [line for i, line in enumerate(lines) if i in chosen]
    return kept, held


@dataclass(frozen=True)
class HeldOut:
    """The held-out entries, and the folder respin reads while they are held out."""

    folder: Path
    kept: list[tuple[int, str]]
    held: list[tuple[int, str]]


@contextmanager
def held_out_dictionaries(seed: int | str, fraction: float = HOLDOUT_FRACTION,
                          source: Path | None = None) -> Iterator[HeldOut]:
    """A temporary copy of the dictionaries folder with `fraction` of scientific-pps held out, swapped in."""
    source = Path(source) if source is not None else respin.language.dictionary.dictionaries_dir()
    filename = spec_named(SPEC_NAME).filename
    text = (source / filename).read_text(encoding="utf-8")
    kept, held = split_entries(entry_lines(source / filename), seed, fraction)
    header = [line for line in text.splitlines() if not line or line.startswith("#")]
    header.append(f"# bench.holdout: {len(held)} of {len(kept) + len(held)} entries held out (seed {seed})")
    with tempfile.TemporaryDirectory(prefix="respin-holdout-") as tmp:
        folder = Path(tmp) / "dictionaries"
        shutil.copytree(source, folder)
        (folder / filename).write_text("\n".join([*header, *(line for _, line in kept)]) + "\n", encoding="utf-8")
        with dictionaries_swapped(folder):
            yield HeldOut(folder, kept, held)


def _phrase_span(sentence_template: str, phrase: str) -> tuple[str, tuple[int, int]]:
    start = sentence_template.index("{}")
    return sentence_template.format(phrase), (start, start + len(phrase))


def evaluate_holdout(seed: int | str, make_checker: Callable[[], Checker],
                     fraction: float = HOLDOUT_FRACTION, source: Path | None = None) -> dict:
    """Section D's figures. `make_checker` is called inside the swap, so its Checker sees only the kept 80%."""
    with held_out_dictionaries(seed, fraction, source) as holdout:
        checker = make_checker()
        spec = spec_named(SPEC_NAME)
        skipped: Counter[str] = Counter()
        tested = detected = correct = false_flags = 0
        hits_by_rule: Counter[str] = Counter()
        flags_by_rule: Counter[str] = Counter()
        missed: list[str] = []
        for number, line in holdout.held:
            entry = parse_trusted(line, spec.allow_list, number)
            if entry.conditions:
                skipped["conditions"] += 1
                continue
            if len(entry.suggestions) != 1:
                skipped["several suggestions"] += 1
                continue
            tested += 1
            canonical = entry.suggestions[0]
            sentence, span = _phrase_span(TEMPLATE, entry.key)
            found = [f for f in check_text(sentence, checker) if metrics.overlaps((f.start, f.end), span)]
            if found:
                detected += 1
                hits_by_rule.update({f.rule for f in found})
                gold = metrics.GoldSpan(span[0], span[1], entry.key, canonical, "broken", number)
                edits = [(f.start, f.end, f.suggestions[0] if f.suggestions else f.text) for f in found]
                correct += metrics.judge_repairs(sentence, [gold], edits)[0]
            elif len(missed) < 5:
                missed.append(entry.key)
            sentence, span = _phrase_span(TEMPLATE, canonical)
            flagged = [f for f in check_text(sentence, checker) if metrics.overlaps((f.start, f.end), span)]
            if flagged:
                false_flags += 1
                flags_by_rule.update({f.rule for f in flagged})
        kept_count, held_count = len(holdout.kept), len(holdout.held)
    return {
        "seed": seed,
        "dictionary": spec.filename,
        "entries": kept_count + held_count,
        "held_out": held_count,
        "skipped": dict(skipped.most_common()),
        "tested": tested,
        "detected": detected,
        "recall": metrics.ratio(detected, tested),
        "correct": correct,
        "correct_rate": metrics.ratio(correct, detected),
        "false_flags": false_flags,
        "false_flag_rate": metrics.ratio(false_flags, tested),
        "hits_by_rule": dict(hits_by_rule.most_common()),
        "false_flags_by_rule": dict(flags_by_rule.most_common()),
        "missed_examples": missed,
    }
