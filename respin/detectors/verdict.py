"""The document verdict: how likely a whole text is to have been machine-spun, from its findings.

`spin_score(text, findings, deep=False)` is a number in 0..1, a small logistic
model over document features that `document_features` computes from the text
and the findings `check_text` reported on it:

``evidence``
    the sum of the confidences of the findings that count (all but `case`,
    which only says a text was lower-cased, and `grammar`, which needs a
    LanguageTool server the weights were not fitted with), at or above the
    threshold the weights were fitted at (`evidence_threshold`, 0.5).
``lexical``
    the same sum over the dictionary kinds (`fingerprint`, `entity`,
    `collocation`, `scientific`) only: what a dictionary finding counts for
    beyond any other finding of the same confidence.
``context``
    the same sum over the context tier's findings (`--deep`).
``sentence_share``
    the share of sentences with a finding that counts.
``kwords``, ``log_words``
    thousands of words, and ln(1 + words).

Sums, not rates: if spun and clean text each produce findings at their own
rate per word, the log-odds of "spun" are linear in the number of findings and
in the number of words (a Poisson likelihood ratio), so a long text with a few
findings is judged by its rate, and a long text with none is more surely
clean than a short one. `lexical` and `context` are added on top of `evidence`,
and the fit shrinks them towards 0 (L2): without data that says otherwise a
dictionary or context finding counts as much as any other of its confidence.

The weights live in `respin/models/verdict.json`, read once per process, with
their provenance: `tools/train_verdict.py` fits them on spun and clean copies
of the fit half of bbc-dev (`bench.split`), with the checker settings recorded
there. There is one set per tier: `fast` (without `--deep`) and `deep`
(findings of the context tier, and the language model's re-ranked
confidences). Until a `deep` set is fitted, `deep=True` uses the `fast`
weights, and context findings then count only as `evidence`.

The score is a probability under equal prior odds of spun and clean, for
text like the fitting data (news articles; spun: 15% of the eligible words or
phrases swapped for a thesaurus synonym). A text without words scores 0.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from respin.finding import Category, Finding

#: The features, in the order the model file lists them.
FEATURES = ("evidence", "lexical", "context", "sentence_share", "kwords", "log_words")
#: Findings that say nothing about spinning (lost capitals), or come from a detector the weights never saw.
IGNORED = frozenset({Category.CASE, Category.GRAMMAR})
#: The dictionary kinds: spinner habits, mangled names, swapped collocations, tortured phrases.
LEXICAL = frozenset({Category.FINGERPRINT, Category.ENTITY, Category.COLLOCATION, Category.SCIENTIFIC})
#: A score at or above this is "likely spun" in reports.
LIKELY_SPUN = 0.5

MODEL_RESOURCE = ("models", "verdict.json")
FAST, DEEP = "fast", "deep"

# A sentence ends at . ! ? (and closing quotes or brackets) before white space, or at a blank line.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n[ \t]*\n")
_WORD_CHARACTER = re.compile(r"\w")


def sentence_starts(text: str) -> list[int]:
    """The offset where each sentence (or stretch between blank lines) of `text` starts, in order."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def document_features(text: str, findings: Sequence[Finding], min_confidence: float) -> dict[str, float]:
    """The model's features of a text and its findings (those below `min_confidence` are left out)."""
    words = len(text.split())
    counted = [f for f in findings if f.category not in IGNORED and f.confidence >= min_confidence]
    return {
        "evidence": sum((f.confidence for f in counted), 0.0),
        "lexical": sum((f.confidence for f in counted if f.category in LEXICAL), 0.0),
        "context": sum((f.confidence for f in counted if f.category is Category.CONTEXT), 0.0),
        "sentence_share": _sentence_share(text, counted),
        "kwords": words / 1000,
        "log_words": math.log1p(words),
    }


def _sentence_share(text: str, findings: Sequence[Finding]) -> float:
    """The share of the sentences with a word in them that hold the start of one of `findings`."""
    if not findings:
        return 0.0  # most texts: no need to split them into sentences
    starts = sentence_starts(text)
    bounds = [*starts[1:], len(text)]
    sentences = sum(1 for start, end in zip(starts, bounds) if _WORD_CHARACTER.search(text, start, end))
    with_finding = {bisect.bisect_right(starts, f.start) - 1 for f in findings}
    return min(1.0, len(with_finding) / sentences) if sentences else 0.0


@cache
def load_model() -> dict[str, Any]:
    """The packaged model file, read and checked once per process."""
    from importlib import resources  # here: importing it costs start-up time every run would pay

    text = resources.files("respin").joinpath(*MODEL_RESOURCE).read_text(encoding="utf-8")
    return check_model(json.loads(text))


def check_model(model: dict[str, Any]) -> dict[str, Any]:
    """`model` if it is a verdict model for these features (else ValueError)."""
    if tuple(model.get("features", ())) != FEATURES:
        raise ValueError(f"verdict model features {model.get('features')} are not {list(FEATURES)}")
    if FAST not in model.get("models", {}):
        raise ValueError("verdict model has no 'fast' weights")
    for name, weights in model["models"].items():
        if set(weights.get("weights", {})) != set(FEATURES) or "intercept" not in weights:
            raise ValueError(f"verdict model {name!r} needs an intercept and a weight for each feature")
    return model


def weights_for(deep: bool, model: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The weight set for a tier: `deep` when asked for and fitted, else `fast`."""
    models = (model or load_model())["models"]
    return models[DEEP] if deep and DEEP in models else models[FAST]


def evidence_threshold(deep: bool = False, model: Mapping[str, Any] | None = None) -> float:
    """The min-confidence of the checker the tier's weights were fitted with: the verdict reads findings from there."""
    return float(weights_for(deep, model)["checker"]["min_confidence"])


def logistic(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def spin_score(text: str, findings: Sequence[Finding], deep: bool = False,
               model: Mapping[str, Any] | None = None) -> float:
    """The probability (0..1) that `text` was machine-spun, from the findings a check reported on it.

    `findings` should be those of a checker like the one the weights were fitted
    with (all dictionaries and rules, min-confidence at most `evidence_threshold`);
    `deep` says whether the context tier ran. `model` replaces the packaged model file.
    """
    weights = weights_for(deep, model)
    features = document_features(text, findings, float(weights["checker"]["min_confidence"]))
    if not features["kwords"]:
        return 0.0
    z = float(weights["intercept"]) + sum(float(weights["weights"][name]) * features[name] for name in FEATURES)
    return logistic(z)


def verdict_label(score: float) -> str:
    """How reports describe a score in words."""
    return "likely spun" if score >= LIKELY_SPUN else "likely not spun"
