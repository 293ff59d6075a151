"""respin: find and repair spun, paraphrased and tortured phrases.

The public API (the README's "Python API" section shows it at work):

- `Checker`: what to look for (dictionaries, rules, threshold, deep tier) and the
  resources to look with, loaded lazily and once per process; it pickles as a few
  hundred bytes of configuration, so it can be sent to worker processes.
- `check_text(text, checker) -> list[Finding]`: pure, findings in text order, none overlapping.
- `Finding`, `Category`: one suspected spin (code-point offsets, suggestions best first).
- `apply(text, findings, decisions) -> str` and `auto_decisions(findings, min_confidence)`,
  the decisions `respin fix` takes; `StaleFindingError` when a finding no longer matches.
- `read_document(path, encoding) -> Document` (strict decoding; `InputError` names the
  file) and `write_document(document, text)` (atomic, keeps encoding and byte-order mark).
"""

from respin.documents.files import Document, InputError, read_document, write_document
from respin.documents.fixer import StaleFindingError, apply, auto_decisions
from respin.engine import Checker, check_text
from respin.finding import Category, Finding

__version__ = "0.1.0"

__all__ = [
    "Category",
    "Checker",
    "Document",
    "Finding",
    "InputError",
    "StaleFindingError",
    "__version__",
    "apply",
    "auto_decisions",
    "check_text",
    "read_document",
    "write_document",
]
