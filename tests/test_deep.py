"""The deep tier's verdicts: the language model confirms spins, rejects ordinary English, never drops by length."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from respin import Checker, apply, auto_decisions, check_text
from respin.detectors.deep import CONFIRMED, REJECTED, needs_verdict
from respin.finding import Category, Finding
from respin.language import lm

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "spun-news-syria.txt").read_text(encoding="utf-8")
REQUIRE_LM = os.environ.get("RESPIN_REQUIRE_LM", "").strip() not in {"", "0"}
if not REQUIRE_LM:
    pytest.importorskip("torch", reason=f"the language model extra is not installed ({lm.INSTALL_HINT})")


@pytest.fixture(scope="module")
def deep() -> Checker:
    if not REQUIRE_LM and not lm.available():
        pytest.skip(f"the language model extra is incomplete: missing {lm.missing_modules()}")
    return Checker(deep=True, context=False, min_confidence=0.0)  # the verifier alone: test_context covers the rest


def by_text(findings: list[Finding]) -> dict[str, Finding]:
    return {f.text: f for f in findings}


def test_spun_review_phrases_in_the_example_are_confirmed(deep: Checker) -> None:
    """'military causes' and 'risk of increase' read far better repaired: confirmed, so fix applies them."""
    found = by_text(check_text(EXAMPLE, deep))
    for spun in ("military causes", "risk of increase", "has actually backed"):
        assert found[spun].confidence >= CONFIRMED, found[spun].message
        assert "language model: confirmed" in found[spun].message
    repaired = apply(EXAMPLE, list(found.values()), auto_decisions(list(found.values()), 0.8))
    assert "military forces" in repaired and "risk of escalation" in repaired


def test_ordinary_english_swap_is_rejected(deep: Checker) -> None:
    """'consumer interest levels' is English: the like-for-like suggestion loses, the finding drops below 0.5."""
    [finding] = check_text("Consumer interest levels in electric cars rose sharply last year.", deep)
    assert finding.text == "interest levels"
    assert finding.confidence == REJECTED
    verifier_only = Checker(deep=True, context=False)
    assert check_text("Consumer interest levels in electric cars rose sharply last year.", verifier_only) == []


def test_length_changing_suggestions_are_never_rejected(deep: Checker) -> None:
    """'ended up being' -> 'was' changes the length: the verdict can confirm it, not reject it."""
    found = by_text(check_text(EXAMPLE, deep))
    assert found["ended up being"].confidence >= 0.7


def test_sure_and_out_of_scope_findings_are_left_alone(deep: Checker) -> None:
    """Findings fix already applies, and case or article repairs, get no verdict."""
    fast = check_text(EXAMPLE, Checker())
    slow = check_text(EXAMPLE, Checker(deep=True, context=False))
    untouched = [f for f in fast if not needs_verdict(f)]
    assert untouched and all(f in slow for f in untouched)
    assert all(not needs_verdict(f) for f in fast if f.category in (Category.CASE, Category.ARTICLE))


def test_cli_deep_needs_the_extra(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Without the extra, --deep is a usage error naming the missing packages and the install line."""
    from respin import cli

    monkeypatch.setattr(lm, "available", lambda: False)
    monkeypatch.setattr(lm, "missing_modules", lambda: ["torch"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", "--deep", "-"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "missing: torch" in err and "respin[lm]" in err
