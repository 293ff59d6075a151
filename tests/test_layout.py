"""The walls between respin's folders (ARCHITECTURE.md), checked on the source with `ast`.

Every `import` and `from ... import` in the package counts, at module level or
inside a function (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "respin"

#: (importer prefix, imported prefixes it must not import, the exceptions to that, why).
WALLS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("respin.finding", ("respin.",), ("respin.finding", "respin.textview"), "the core types stand alone"),
    ("respin.textview", ("respin.",), ("respin.finding", "respin.textview"), "the core types stand alone"),
    ("respin.language", ("respin.detectors", "respin.engine", "respin.runner", "respin.config", "respin.cli",
                         "respin.review", "respin.output", "respin.documents"),
     ("respin.documents.files",), "resources know no detector (user dictionaries are read as any input is)"),
    ("respin.detectors", ("respin.engine", "respin.runner", "respin.config", "respin.cli", "respin.review",
                          "respin.output", "respin.documents", "respin.workers"),
     (), "a detector reads a TextView and returns findings: no files, no reports, no command line"),
    ("respin.engine", ("respin.runner", "respin.config", "respin.cli", "respin.review", "respin.output",
                       "respin.documents"),
     ("respin.documents.spans",), "the engine checks text; it does no I/O and knows no output"),
    ("respin.documents", ("respin.runner", "respin.config", "respin.cli", "respin.review", "respin.output"), (),
     "documents are read, checked and written below the command line"),
    ("respin.output", ("respin.cli", "respin.review"), (), "reports render results; they do not run commands"),
    ("respin.review", ("respin.cli",), (), "the review app is started by the command line, not the reverse"),
    ("respin.cli", ("respin.detectors",), ("respin.detectors.grammar",),
     "the command line lists and disables detectors through the engine's registry (it only configures the "
     "LanguageTool client, the one detector that talks to a server)"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, importer: str) -> set[str]:
    """Every respin module `source` imports (`from respin import x` counts as importing `respin.x`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importer's package
                base = importer.split(".")[: -node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "respin" or name.startswith("respin.")}


def _under(name: str, prefix: str) -> bool:
    return name == prefix.rstrip(".") or name.startswith(prefix if prefix.endswith(".") else prefix + ".")


def violations(importer: str, imported: set[str]) -> list[str]:
    broken = []
    for owner, forbidden, allowed, why in WALLS:
        if not _under(importer, owner):
            continue
        for name in sorted(imported):
            if any(_under(name, prefix) for prefix in forbidden) and not any(_under(name, a) for a in allowed) \
                    and not _under(name, owner):
                broken.append(f"{importer} imports {name}: {why}")
    return broken


def package_modules() -> list[tuple[str, Path]]:
    return sorted((module_name(path), path) for path in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize(("module", "path"), package_modules(), ids=[m for m, _ in package_modules()])
def test_no_module_imports_across_a_wall(module: str, path: Path) -> None:
    assert violations(module, imported_modules(path.read_text(encoding="utf-8"), module)) == []


def test_every_folder_is_walled() -> None:
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    owners = {owner.split(".")[1] for owner, *_ in WALLS}
    assert folders <= owners | {"models"}, f"a folder without a wall: {folders - owners}"


@pytest.mark.parametrize(("importer", "source"), [
    ("respin.detectors.rules", "from respin.output import report"),
    ("respin.detectors.rules", "def f():\n    from respin.cli import main\n"),
    ("respin.language.lexicon", "import respin.detectors.rules"),
    ("respin.engine", "from respin.documents.files import read_bytes"),
    ("respin.cli", "from respin.detectors.rules import RULES"),
    ("respin.finding", "from respin.engine import Checker"),
])
def test_the_walls_catch_a_forbidden_import(importer: str, source: str) -> None:
    assert violations(importer, imported_modules(source, importer))
