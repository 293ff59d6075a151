"""The wheel carries the package, every registered dictionary and the verdict's weights."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from helpers import ROOT

from respin.language.dictionary import REGISTRY


def test_wheel_ships_every_dictionary(tmp_path: Path) -> None:
    """`pip wheel` puts each registered dictionary under respin/_dictionaries/."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("respin-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for spec in REGISTRY:
        assert f"respin/_dictionaries/{spec.filename}" in names
    assert "respin/cli.py" in names and "respin/__main__.py" in names
    assert "respin/models/verdict.json" in names  # the document verdict's weights (respin.detectors.verdict)
    assert "respin/models/context.json" in names  # the context tier's decision model (respin.detectors.context)
