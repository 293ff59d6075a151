"""Which files a run reads: folders walked in order, .gitignore files, include and exclude globs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from respin.documents import walk
from respin.documents.walk import Globs, Selection, Target, expand


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def _paths(paths: list[str], selection: Selection | None = None) -> list[str]:
    return [target.path for target in expand(paths, selection or Selection()).targets]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with nested .gitignore files, hidden folders and files of several kinds; the current folder."""
    _tree(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".gitignore": "build/\n*.log.txt\n",
        "a.txt": "a", "b.md": "b", "c.py": "c", "z.log.txt": "z",
        "build/out.txt": "o",
        ".hidden/h.txt": "h", ".dot.txt": "d",
        "docs/.gitignore": "drafts/\n!keep.log.txt\n",
        "docs/x.txt": "x", "docs/keep.log.txt": "k", "docs/other.log.txt": "o",
        "docs/drafts/d.txt": "d", "docs/sub/y.rst": "y", "docs/sub/page.html": "p",
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_walk_is_sorted_and_honours_nested_gitignore(project: Path) -> None:
    """Names in order; root and nested .gitignore apply, a deeper `!` re-includes; hidden entries are skipped."""
    assert _paths(["."]) == [
        "a.txt", "b.md", "docs/keep.log.txt", "docs/sub/page.html", "docs/sub/y.rst", "docs/x.txt",
    ]


def test_gitignore_can_be_turned_off(project: Path) -> None:
    """Selection(gitignore=False) reads ignored files too (hidden entries stay skipped)."""
    assert _paths(["."], Selection(gitignore=False)) == [
        "a.txt", "b.md", "build/out.txt", "docs/drafts/d.txt", "docs/keep.log.txt", "docs/other.log.txt",
        "docs/sub/page.html", "docs/sub/y.rst", "docs/x.txt", "z.log.txt",
    ]


def test_walk_shows_paths_below_the_folder_as_named(project: Path) -> None:
    """Files found in `docs/` are shown as `docs/...`, in an absolute folder as absolute paths."""
    assert _paths(["docs/"]) == ["docs/keep.log.txt", "docs/sub/page.html", "docs/sub/y.rst", "docs/x.txt"]
    assert _paths([str(project / "docs" / "sub")]) == [str(project / "docs/sub/page.html"),
                                                       str(project / "docs/sub/y.rst")]


def test_named_files_are_read_even_when_ignored_or_not_included(project: Path) -> None:
    """A file on the command line is read as given: ignored, excluded, hidden or of another kind."""
    selection = Selection(exclude=(Globs(("*.py",), project),))
    assert _paths(["z.log.txt", "c.py", ".dot.txt", "build/out.txt"], selection) == [
        "z.log.txt", "c.py", ".dot.txt", "build/out.txt",
    ]
    assert all(t.named for t in expand(["c.py"], selection).targets)


def test_force_exclude_applies_excludes_to_named_files(project: Path) -> None:
    """With force_exclude a named file matched by an exclude glob is dropped; other named files stay."""
    selection = Selection(exclude=(Globs(("*.py", "docs/sub/"), project),), force_exclude=True)
    assert _paths(["c.py", "a.txt", "docs/sub/y.rst"], selection) == ["a.txt"]


def test_named_ignored_folder_is_walked_with_the_patterns_inside_it(project: Path) -> None:
    """An ignored folder named on the command line is walked; patterns matching files inside it still apply."""
    _tree(project, {"build/debug.log.txt": "l", "build/sub/more.txt": "m"})
    assert _paths(["build"]) == ["build/out.txt", "build/sub/more.txt"]
    assert _paths(["docs/drafts"]) == ["docs/drafts/d.txt"]


def test_a_file_found_twice_is_read_once(project: Path) -> None:
    """Overlapping folders and a named file give each file once, at its first place, named if it was named."""
    targets = expand([".", "docs", "docs/x.txt"], Selection()).targets
    assert [t.path for t in targets] == _paths(["."])
    assert Target("docs/x.txt", named=True) in targets
    assert Target("a.txt", named=False) in targets


def test_include_replaces_the_default_kinds(project: Path) -> None:
    """include selects the files a walk yields: here Python files and everything below docs/sub."""
    selection = Selection(include=Globs(("*.py", "docs/sub/"), project))
    assert _paths(["."], selection) == ["c.py", "docs/sub/page.html", "docs/sub/y.rst"]


def test_exclude_globs_are_relative_to_their_folder(project: Path) -> None:
    """`/x.txt` is anchored at the globs' folder; a glob without a slash matches at any depth."""
    anchored = Selection(exclude=(Globs(("/x.txt",), project / "docs"),))
    assert "docs/x.txt" not in _paths(["."], anchored)
    assert "docs/x.txt" in _paths(["."], Selection(exclude=(Globs(("/x.txt",), project),)))
    anywhere = Selection(exclude=(Globs(("sub", "*.md"), project / "elsewhere"),))
    assert _paths(["."], anywhere) == ["a.txt", "docs/keep.log.txt", "docs/x.txt"]


def test_exclude_outside_its_folder_matches_below_the_walked_folder(tmp_path: Path) -> None:
    """Globs from a folder that does not contain the walked one are matched relative to the walked folder."""
    corpus = _tree(tmp_path / "corpus", {"keep.txt": "k", "old/a.txt": "a", "x/old/b.txt": "b"})
    selection = Selection(exclude=(Globs(("/old/",), tmp_path / "config-folder"),))
    assert _paths([str(corpus)], selection) == [str(corpus / "keep.txt"), str(corpus / "x/old/b.txt")]


def test_git_info_exclude_and_gitignore_above_the_walked_folder(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside a repository, .gitignore files up to its root and .git/info/exclude apply to a subfolder's walk."""
    _tree(tmp_path, {
        ".git/info/exclude": "secret.txt\n", ".gitignore": "*.tmp.txt\n",
        "docs/.gitignore": "/private/\n", "docs/news/a.txt": "a", "docs/news/b.tmp.txt": "b",
        "docs/news/secret.txt": "s", "docs/private/p.txt": "p",
    })
    monkeypatch.chdir(tmp_path / "docs")
    assert _paths(["news"]) == ["news/a.txt"]
    assert _paths(["."]) == ["news/a.txt"]


def test_gitignore_above_the_folder_is_not_read_outside_a_repository(tmp_path: Path) -> None:
    """Without a repository, only .gitignore files inside the walked folder count."""
    _tree(tmp_path, {".gitignore": "*.txt\n", "inner/a.txt": "a", "inner/.gitignore": "b.txt\n", "inner/b.txt": "b"})
    if walk.repository_root(tmp_path) is not None:
        pytest.skip("the temporary folder is inside a Git repository")
    assert _paths([str(tmp_path / "inner")]) == [str(tmp_path / "inner/a.txt")]


def test_worktree_git_file_points_to_the_shared_info_exclude(tmp_path: Path) -> None:
    """In a Git worktree (.git is a file), info/exclude is read from the repository's common folder."""
    _tree(tmp_path, {
        "main/.git/info/exclude": "skip.txt\n", "main/.git/worktrees/wt/commondir": "../..\n",
        "wt/.git": f"gitdir: {tmp_path / 'main/.git/worktrees/wt'}\n", "wt/a.txt": "a", "wt/skip.txt": "s",
    })
    assert _paths([str(tmp_path / "wt")]) == [str(tmp_path / "wt/a.txt")]


def test_malformed_gitignore_lines_are_dropped_like_git(tmp_path: Path) -> None:
    """A line Git cannot use (a lone `!`, a trailing backslash) is skipped; the other lines still apply."""
    _tree(tmp_path, {".gitignore": "!\nfoo\\\nb.txt\n", "a.txt": "a", "b.txt": "b"})
    assert _paths([str(tmp_path)]) == [str(tmp_path / "a.txt")]


def test_symlinked_folders_are_not_followed_but_symlinked_files_are(tmp_path: Path) -> None:
    """A link to a folder could loop: it is skipped; a link to a file is read."""
    _tree(tmp_path, {"real/a.txt": "a", "other.txt": "o"})
    (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "real" / "link.txt").symlink_to(tmp_path / "other.txt")
    assert _paths([str(tmp_path / "real")]) == [str(tmp_path / "real/a.txt"), str(tmp_path / "real/link.txt")]


def test_unreadable_folder_is_reported_and_the_rest_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that cannot be listed becomes an error naming it; its siblings are still walked."""
    _tree(tmp_path, {"ok/a.txt": "a", "locked/b.txt": "b"})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(walk.os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    expansion = expand(["."], Selection())
    assert [t.path for t in expansion.targets] == ["ok/a.txt"]
    assert expansion.errors == ["locked: cannot read directory (Permission denied)"]


def test_standard_input_and_missing_files_pass_through(tmp_path: Path) -> None:
    """`-` and a path that does not exist are kept: reading them reports what is wrong."""
    assert _paths(["-", str(tmp_path / "missing.txt")]) == ["-", str(tmp_path / "missing.txt")]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("#notes", "'#' starts a comment"),
        ("!", "not a valid glob"),
        ("docs\\", "not a valid glob"),
        ("a\nb", "line break"),
        ("/", "matches nothing"),
    ],
)
def test_bad_globs_are_rejected_with_the_reason(pattern: str, message: str) -> None:
    """Globs that would silently match nothing, or cannot be compiled, raise GlobError quoting them."""
    with pytest.raises(walk.GlobError, match=message) as error:
        walk.compile_globs(["*.txt", pattern])
    assert repr(pattern) in str(error.value)
