"""respin's pre-commit hooks, used for real: `pre-commit try-repo` and a commit through an installed hook.

The hook repository is a throwaway git repository holding this checkout's package
files (so uncommitted work is tested too). pre-commit builds the hook's virtualenv
by pip-installing respin from it, with its dependencies from the package registry:
slow the first time (about half a minute), so the environments live in one
`PRE_COMMIT_HOME` for the whole module; `try-repo` always builds its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

#: What pip needs to build respin, and the hook manifest.
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "respin", "dictionaries")
#: Building a hook environment installs respin's dependencies: allow for a slow registry.
INSTALL_TIMEOUT = 900

SPUN = "The minister has actually said that prices rose when you look at the data.\n"
CLEAN = "The minister said that prices rose in the data.\n"


def _git_environment(home: Path) -> dict[str, str]:
    """The environment for git and pre-commit: no user or system git config, no PYTHONPATH.

    Without PYTHONPATH the hook runs the respin pre-commit installed in its own
    virtualenv, not this checkout.
    """
    empty_config = home / "gitconfig"
    empty_config.touch()
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment.update(
        GIT_CONFIG_GLOBAL=str(empty_config), GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_HOME=str(home / "pre-commit"),
        PRE_COMMIT_COLOR="never", GIT_TERMINAL_PROMPT="0",
    )
    return environment


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One pre-commit home for the module, so the installed hook's environment is built once."""
    return _git_environment(tmp_path_factory.mktemp("home"))


def _run(
    args: list[str], cwd: Path, environment: dict[str, str], timeout: int = 60,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )


def _git(cwd: Path, environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = _run(["git", *args], cwd, environment)
    assert result.returncode == 0, result.stderr
    return result


def _new_repository(path: Path, environment: dict[str, str]) -> Path:
    path.mkdir()
    _git(path, environment, "init", "--quiet")
    _git(path, environment, "config", "user.name", "respin test")
    _git(path, environment, "config", "user.email", "test@respin.invalid")
    return path


def _pre_commit(cwd: Path, environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pre_commit", *args], cwd, environment, timeout=INSTALL_TIMEOUT)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, environment: dict[str, str]) -> tuple[Path, str]:
    """A git repository holding respin's package and hook manifest at one commit: (path, commit)."""
    repo = _new_repository(tmp_path_factory.mktemp("hooks") / "respin", environment)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    _git(repo, environment, "add", "--all")
    _git(repo, environment, "commit", "--quiet", "--message", "respin hooks")
    return repo, _git(repo, environment, "rev-parse", "HEAD").stdout.strip()


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (folder / name).write_bytes(content)


def test_try_repo_blocks_spun_files_of_every_text_kind(
    tmp_path: Path, environment: dict[str, str], hook_repo: tuple[Path, str]
) -> None:
    """`pre-commit try-repo REPO respin` fails on staged spun .txt/.md/.rst/.html files and names each finding."""
    project = _new_repository(tmp_path / "project", environment)
    _write(project, {
        "article.txt": SPUN.encode(),
        "notes.md": b"# Notes\n\nThe shared chiefs of staff met.\n",
        "guide.rst": b"Guide\n=====\n\nThey hoped to hit a handle Russia would accept.\n",
        "page.html": b"<p>Prices rose the the most in a decade.</p>\n",
    })
    _git(project, environment, "add", "--all")

    result = _pre_commit(project, environment, "try-repo", str(hook_repo[0]), "respin")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "respin (report spun phrases)" in result.stdout and "Failed" in result.stdout
    for finding in (  # path:line:col: spun -> suggestion [rule, confidence]
        "article.txt:1:14: has actually said -> has said [fingerprints-review, ",
        "article.txt:1:49: when you look at the -> in the [fingerprints, ",
        "notes.md:3:5: shared chiefs of staff -> Joint Chiefs of Staff [entities, ",
        "guide.rst:4:15: hit a handle -> strike a deal with [collocations, ",
        "page.html:1:16: the the -> the [doubled-word, ",
    ):
        assert any(line.startswith(finding) for line in result.stdout.splitlines()), result.stdout


def test_try_repo_passes_clean_files_and_skips_code_and_binaries(
    tmp_path: Path, environment: dict[str, str], hook_repo: tuple[Path, str]
) -> None:
    """Clean prose passes; a spun phrase in Python source or a binary file is not respin's business."""
    project = _new_repository(tmp_path / "project", environment)
    _write(project, {
        "article.txt": CLEAN.encode(),
        "README.md": b"# Project\n\nNothing spun here.\n",
        "script.py": b'MESSAGE = "prices rose when you look at the data"\n',
        "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00when you look at the",
    })
    _git(project, environment, "add", "--all")

    result = _pre_commit(project, environment, "try-repo", str(hook_repo[0]), "respin")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "respin (report spun phrases)" in result.stdout and "Passed" in result.stdout


#: The configuration the README recommends: the sure repairs first, then the check.
CONFIG = "repos:\n  - repo: {repo}\n    rev: {commit}\n    hooks:\n      - id: respin-fix\n      - id: respin\n"


@pytest.fixture(scope="module")
def hook_environment(
    tmp_path_factory: pytest.TempPathFactory, environment: dict[str, str], hook_repo: tuple[Path, str]
) -> Path:
    """The installed hooks' virtualenv (built once, by `pre-commit install-hooks`): its site-packages folder."""
    project = _new_repository(tmp_path_factory.mktemp("install") / "project", environment)
    (project / ".pre-commit-config.yaml").write_text(CONFIG.format(repo=hook_repo[0], commit=hook_repo[1]))
    result = _pre_commit(project, environment, "install-hooks")
    assert result.returncode == 0, result.stdout + result.stderr
    [site_packages] = Path(environment["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/lib/python*/site-packages")
    return site_packages


def test_installed_hooks_block_a_spun_commit_and_let_a_clean_one_through(
    tmp_path: Path, environment: dict[str, str], hook_repo: tuple[Path, str], hook_environment: Path
) -> None:
    """With both hooks installed, a spun commit is stopped (sure repairs applied for review), a clean one lands."""
    project = _new_repository(tmp_path / "project", environment)
    (project / ".pre-commit-config.yaml").write_text(CONFIG.format(repo=hook_repo[0], commit=hook_repo[1]))
    installed = _pre_commit(project, environment, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (project / "article.txt").write_text(SPUN, encoding="utf-8")
    _git(project, environment, "add", "--all")

    blocked = _run(["git", "commit", "--message", "spun"], project, environment, timeout=INSTALL_TIMEOUT)

    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert _run(["git", "rev-parse", "--verify", "HEAD"], project, environment).returncode != 0  # nothing committed
    assert "respin: fixed article.txt" in output and "files were modified by this hook" in output
    assert "article.txt:1:14: has actually said -> has said [fingerprints-review, " in output
    repaired = "The minister has actually said that prices rose in the data.\n"
    assert (project / "article.txt").read_text(encoding="utf-8") == repaired

    (project / "article.txt").write_text(CLEAN, encoding="utf-8")
    _git(project, environment, "add", "article.txt")
    landed = _run(["git", "commit", "--message", "clean"], project, environment, timeout=INSTALL_TIMEOUT)

    output = landed.stdout + landed.stderr  # git prints the hooks' report on stderr
    assert landed.returncode == 0, output
    assert "respin (report spun phrases)" in output and "Passed" in output and "Failed" not in output
    assert _git(project, environment, "show", "HEAD:article.txt").stdout == CLEAN


def test_hook_environment_holds_respin_without_torch(hook_environment: Path) -> None:
    """The hooks' virtualenv has respin and its core dependencies, not the language model's torch."""
    names = {path.name.lower() for path in hook_environment.iterdir()}
    assert "respin" in names and "ahocorasick_rs" in names
    assert not any(name == "torch" or name.startswith("torch-") for name in names)

