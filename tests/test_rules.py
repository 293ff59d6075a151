"""Every mechanical rule fires on its examples, produces the expected text, and stays quiet on the others."""

from __future__ import annotations

import pytest

from respin.detectors.rules import RULES
from respin.documents.fixer import apply, auto_decisions
from respin.language.lexicon import shared_lexicon
from respin.textview import TextView

FIRING = [(rule, given, expected) for rule in RULES for given, expected in rule.fires_on]
QUIET = [(rule, text) for rule in RULES for text in rule.quiet_on]


def test_every_rule_has_examples() -> None:
    """A rule without firing and quiet examples is undocumented and untested."""
    for rule in RULES:
        assert rule.fires_on, f"{rule.name} has no examples that fire"
        assert rule.quiet_on, f"{rule.name} has no examples that stay quiet"


def test_rule_names_are_unique() -> None:
    """Rules are addressed by name (--disable, reports), so names must not repeat."""
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("rule", "given", "expected"), FIRING, ids=lambda x: getattr(x, "name", str(x)[:30]))
def test_rule_fires_and_repairs(rule, given: str, expected: str) -> None:
    """The rule finds its example and fixing it yields the expected text."""
    findings = list(rule.find(TextView(given), shared_lexicon()))
    assert findings, f"{rule.name} missed {given!r}"
    for finding in findings:
        assert given[finding.start : finding.end] == finding.text
        assert finding.rule == rule.name and finding.category == rule.category
    assert apply(given, findings, auto_decisions(findings)) == expected


@pytest.mark.parametrize(("rule", "text"), QUIET, ids=lambda x: getattr(x, "name", str(x)[:30]))
def test_rule_stays_quiet(rule, text: str) -> None:
    """The rule does not flag correct English."""
    assert list(rule.find(TextView(text), shared_lexicon())) == []


def test_every_rule_names_the_resources_it_reads_and_they_load() -> None:
    """`Detector.resources` are loaded before workers fork; each loads without error, and a rule that
    reads the lexicon or a name list says so."""
    from respin.detectors import tortured
    from respin.engine import Checker

    for rule in RULES:
        rule.load_resources()
    needs = {rule.name: len(rule.resources) for rule in RULES}
    assert needs["joined-words"] and needs["lost-possessive"] and needs["name-case"] and needs["tortured-phrase"]
    tortured.vocabulary.cache_clear()
    Checker(rules=("joined-words", "tortured-phrase")).load_resources()
    assert tortured.vocabulary.cache_info().currsize == 0  # gated: loaded when its gate opens
