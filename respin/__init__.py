"""respin: find and repair spun, paraphrased and tortured phrases.

The public API: `Checker` (configuration and lazily loaded resources),
`check_text(text, checker) -> list[Finding]`, and
`apply(text, findings, decisions) -> str` with `auto_decisions` for the
decisions `respin fix` takes.
"""

from respin.engine import Checker, check_text
from respin.finding import Category, Finding
from respin.fixer import apply, auto_decisions

__version__ = "0.1.0"

__all__ = ["Category", "Checker", "Finding", "__version__", "apply", "auto_decisions", "check_text"]
