"""English word frequencies and word segmentation, from the data symspellpy ships.

Loaded lazily and once per process (about 40 ms for the 82k unigrams; the 243k
bigram counts only when a detector asks for one), and
never pickled: each worker process loads its own copy on first use.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Collection, Iterable, Sequence
from functools import cache, cached_property
from pathlib import Path

FREQUENCY_FILE = "frequency_dictionary_en_82_765.txt"
BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"
_LONGEST_WORD = 24
#: Words in the corpus the counts come from: the constant symspellpy's segmentation uses (SymSpell.N).
CORPUS_WORDS = 1_024_908_267_229


def _read(name: str) -> str:
    # find_spec locates the package without importing it (symspellpy's import costs 60 ms).
    spec = importlib.util.find_spec("symspellpy")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("symspellpy is not installed; reinstall respin")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / name).read_text(encoding="utf-8")


class Lexicon:
    """symspellpy's unigram counts, and exact-word segmentation over them."""

    @cached_property
    def counts(self) -> dict[str, str]:
        """Word -> count as written in the file; `count()` converts (parsing 82k ints costs 60 ms)."""
        fields = _read(FREQUENCY_FILE).split()
        return dict(zip(fields[0::2], fields[1::2]))

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def count(self, word: str) -> int:
        return int(self.counts.get(word, 0))

    def segment(self, joined: str, max_parts: int = 3) -> list[str] | None:
        """The likeliest split of `joined` into at most `max_parts` known words, or None.

        A Viterbi search over symspellpy's unigram probabilities: the model
        symspellpy's own `word_segmentation` uses at edit distance 0, without
        building its 80k-entry lookup index (1.2 s) for a handful of words.
        """
        counts, total = self.counts, CORPUS_WORDS
        # best[i] = (log probability, words) for the best split of joined[:i]
        best: list[tuple[float, list[str]] | None] = [None] * (len(joined) + 1)
        best[0] = (0.0, [])
        for end in range(1, len(joined) + 1):
            for start in range(max(0, end - _LONGEST_WORD), end):
                prefix, word = best[start], joined[start:end]
                if prefix is None or len(prefix[1]) >= max_parts or word not in counts:
                    continue
                score = prefix[0] + math.log(int(counts[word]) / total)
                current = best[end]
                if current is None or score > current[0]:
                    best[end] = (score, prefix[1] + [word])
        result = best[-1]
        return result[1] if result else None

    def __getstate__(self) -> dict[str, object]:
        return {}  # reload lazily in each worker instead of pickling 80k words


@cache
def shared_lexicon() -> Lexicon:
    """The process-wide lexicon."""
    return Lexicon()


@cache
def _bigram_lines() -> str:
    """symspellpy's bigram file as one string, each line preceded by a line break."""
    return "\n" + _read(BIGRAM_FILE)


def bigram_count(first: str, second: str) -> int:
    """How often `first second` occurs in symspellpy's bigram counts (0: not listed).

    A substring search (a few ms) instead of a 243k-entry dict (0.3 s to build):
    callers ask for a handful of pairs.
    """
    lines = _bigram_lines()
    at = lines.find(f"\n{first} {second} ")
    if at == -1:
        return 0
    line_end = lines.find("\n", at + 1)
    return int(lines[at + len(first) + len(second) + 3 : line_end if line_end != -1 else None])


def beside_listed_pair(words: Sequence[str], changed: Iterable[int], function_words: Collection[str]) -> bool:
    """True when a changed word forms, as written, a pair symspellpy's bigram counts list with a
    neighbouring word that is not a function word: such pairs are natural English, not a spin.

    Pairs with a function word say nothing ("of employees" is common whatever was swapped).
    """
    for index in changed:
        for neighbour in (index - 1, index + 1):
            if not 0 <= neighbour < len(words) or words[neighbour] in function_words:
                continue
            if bigram_count(words[min(index, neighbour)], words[max(index, neighbour)]) > 0:
                return True
    return False
