"""Which files a run reads: the paths on the command line, with directories walked.

A path that names a file (or `-`, standard input) is read as given, even when it
is ignored or excluded, as ruff and typos do (`force_exclude` applies the
excludes to it too, for hooks that pass every changed file). A directory is
walked recursively, entries in name order, so a run reads the same files in
the same order every time:

- hidden entries (names starting with `.`, such as `.git` or `.venv`) are skipped;
- symbolic links to directories are not followed (links to files are read);
- files and folders matched by `.gitignore` files are skipped: the walked
  folder's and its subfolders', and, inside a Git repository, those of the
  folders above it up to the repository's root and `.git/info/exclude` (a
  deeper file wins, `!pattern` re-includes, as in Git; the global excludes file
  of Git's configuration is not read);
- files and folders matched by an `exclude` glob are skipped;
- of the remaining files, those matched by an `include` glob are read
  (`DEFAULT_INCLUDE`: text, Markdown, reStructuredText and HTML files).

Globs are gitignore patterns (`*.txt` matches at any depth, `drafts/` a folder
and all below it, `/notes.md` only at the top, `**` any number of folders),
relative to the folder of the configuration file that gives them, or to the
current folder on the command line; a file outside that folder is matched by
its path below the walked directory instead. A directory named on the command
line is walked even when a glob or .gitignore excludes it: only the patterns
that match something inside it apply there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from respin.documents.files import STDIN

if TYPE_CHECKING:  # pathspec is imported only when a glob is compiled: `respin check FILE` starts faster
    from pathspec import GitIgnoreSpec

#: Files read in a walked directory when no `include` is configured.
DEFAULT_INCLUDE: tuple[str, ...] = ("*.txt", "*.md", "*.markdown", "*.rst", "*.html", "*.htm")
GITIGNORE = ".gitignore"


class GlobError(ValueError):
    """A glob that cannot be used; the message quotes it and says why."""


@dataclass(frozen=True)
class Target:
    """A file to read, and whether the command line named it (a walk found it otherwise)."""

    path: str
    named: bool = True


@dataclass(frozen=True)
class Expansion:
    """The files a run reads, in order, and the folders that could not be walked."""

    targets: list[Target]
    errors: list[str]


def compile_globs(patterns: Iterable[str]) -> GitIgnoreSpec:
    """Compile gitignore-style globs; raise `GlobError` for one that is empty, a comment or malformed."""
    from pathspec import GitIgnoreSpec

    patterns = list(patterns)
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip():
            raise GlobError(f"{pattern!r} is not a glob (empty)")
        if "\n" in pattern or "\r" in pattern:
            raise GlobError(f"{pattern!r} is not a glob (contains a line break)")
        if pattern.startswith("#"):
            raise GlobError(f"{pattern!r} is not a glob ('#' starts a comment; write '\\#' for a literal '#')")
        try:
            compiled = GitIgnoreSpec.from_lines([pattern]).patterns
        except Exception as error:  # pathspec raises several types for malformed patterns
            raise GlobError(f"{pattern!r} is not a valid glob ({error})") from None
        if not compiled or compiled[0].include is None:
            raise GlobError(f"{pattern!r} is not a valid glob (it matches nothing)")
    return GitIgnoreSpec.from_lines(patterns)


def _lenient_spec(lines: list[str]) -> GitIgnoreSpec:
    """A .gitignore file's patterns; lines Git would ignore as malformed are dropped, as Git does."""
    from pathspec import GitIgnoreSpec

    try:
        return GitIgnoreSpec.from_lines(lines)
    except Exception:  # a malformed line: keep the others
        kept = []
        for line in lines:
            try:
                GitIgnoreSpec.from_lines([line])
            except Exception:  # Git ignores such a line too
                continue
            kept.append(line)
        return GitIgnoreSpec.from_lines(kept)


def _relative(path: str, base: str) -> str | None:
    """`path` below the folder `base` (both absolute, normalised) as a POSIX relative path, else None."""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not path.startswith(prefix) or len(path) == len(prefix):
        return None
    relative = path[len(prefix) :]
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


@dataclass(frozen=True)
class Globs:
    """Gitignore-style globs and the folder they are relative to."""

    patterns: tuple[str, ...]
    base: Path
    _spec: GitIgnoreSpec | None = field(init=False, repr=False, compare=False, default=None)
    _base: str = field(init=False, repr=False, compare=False)  # `base` as a string, for quick prefix tests

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", Path(self.base).resolve())
        object.__setattr__(self, "_base", str(self.base))
        if tuple(self.patterns) != DEFAULT_INCLUDE:  # the user's globs are checked now (GlobError); the
            object.__setattr__(self, "_spec", compile_globs(self.patterns))  # default when a folder is walked

    @property
    def spec(self) -> GitIgnoreSpec:
        """The compiled globs (pathspec is imported on first use: `respin check FILE` never needs it)."""
        if self._spec is None:
            object.__setattr__(self, "_spec", compile_globs(self.patterns))
        assert self._spec is not None
        return self._spec

    def check(self, path: str, is_dir: bool, root: str) -> tuple[bool | None, int | None]:
        """(True: matched, False: matched by a `!` pattern, None: not matched; the deciding pattern's index).

        `path` is absolute and real; it is taken relative to `base`, or, outside it, to `root` (the walked folder).
        """
        relative = _relative(path, self._base)
        if relative is None:
            relative = _relative(path, root)
            if relative is None:
                return None, None
        result = self.spec.check_file(relative + "/" if is_dir else relative)
        return result.include, result.index


@dataclass(frozen=True)
class Selection:
    """Which files a walk reads: include and exclude globs, and whether .gitignore files count."""

    include: Globs = field(default_factory=lambda: Globs(DEFAULT_INCLUDE, Path.cwd()))
    exclude: tuple[Globs, ...] = ()
    gitignore: bool = True
    #: Apply the excludes to files named on the command line too.
    force_exclude: bool = False

    def excludes_named_file(self, path: str) -> bool:
        """With `force_exclude`, True when an exclude glob matches a file named on the command line."""
        if not self.force_exclude or path == STDIN:
            return False
        absolute = Path(os.path.abspath(path))
        real = str(absolute.parent.resolve() / absolute.name)
        return any(globs.check(real, False, os.path.dirname(real))[0] for globs in self.exclude)


def expand(paths: Sequence[str], selection: Selection) -> Expansion:
    """The files to read for `paths`, in order, each once: named files as given, directories walked."""
    targets: list[Target] = []
    errors: list[str] = []
    position: dict[str, int] = {}  # a file's real path -> its place in targets
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            found: Iterable[tuple[str, Target]] = _Walk(path, selection, errors).targets()
        elif selection.excludes_named_file(path):
            continue
        else:
            found = [(path if path == STDIN else os.path.realpath(path), Target(path, named=True))]
        for key, target in found:
            if key not in position:
                position[key] = len(targets)
                targets.append(target)
            elif target.named:  # also named on the command line: read it as a named file, where it was found
                targets[position[key]] = Target(targets[position[key]].path, named=True)
    return Expansion(targets, errors)


@dataclass(frozen=True)
class _IgnoreFile:
    """The patterns of one .gitignore (or info/exclude) file and the folder they are relative to."""

    spec: GitIgnoreSpec
    base: str

    @classmethod
    def read(cls, path: Path, base: Path) -> _IgnoreFile | None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return cls(_lenient_spec(lines), str(base))

    def check(self, path: str, is_dir: bool, root: str) -> tuple[bool | None, int | None]:
        """As `Globs.check`; a path outside the file's folder is never matched (`root` is unused)."""
        relative = _relative(path, self.base)
        if relative is None:
            return None, None
        result = self.spec.check_file(relative + "/" if is_dir else relative)
        return result.include, result.index


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` that holds a `.git` folder or file, or None."""
    for candidate in [folder, *folder.parents]:
        if (candidate / ".git").exists():
            return candidate
    return None


def _git_common_dir(root: Path) -> Path | None:
    """The repository's Git folder shared by its worktrees (`.git`, or where a `.git` file points)."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        first = dot_git.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return None
    if not first.startswith("gitdir:"):
        return None
    git_dir = (root / first.removeprefix("gitdir:").strip()).resolve()
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return (git_dir / common).resolve()


def _ancestor_ignore_files(folder: Path) -> list[_IgnoreFile]:
    """info/exclude and the .gitignore files above `folder` up to its repository's root, shallowest first."""
    root = repository_root(folder)
    if root is None:
        return []
    layers: list[_IgnoreFile] = []
    common = _git_common_dir(root)
    if common is not None and (common / "info" / "exclude").is_file():
        layer = _IgnoreFile.read(common / "info" / "exclude", root)
        if layer is not None:
            layers.append(layer)
    above = [folder.parent, *folder.parent.parents] if folder != root else []
    for directory in reversed([d for d in above if d == root or root in d.parents]):
        if (directory / GITIGNORE).is_file():
            layer = _IgnoreFile.read(directory / GITIGNORE, directory)
            if layer is not None:
                layers.append(layer)
    return layers


class _Walk:
    """One directory named on the command line, walked depth first in name order.

    Matching happens on real paths (symbolic links in the named path resolved), so
    globs relative to a configuration file's folder and .gitignore files above the
    walked folder line up with the files found; messages and reports show each file
    below the directory as it was named.
    """

    def __init__(self, given: str, selection: Selection, errors: list[str]) -> None:
        self.given = given
        self.root = str(Path(given).resolve())
        self.selection = selection
        self.errors = errors
        self.outer = _ancestor_ignore_files(Path(self.root)) if selection.gitignore else []
        # A pattern that matches the named directory itself would exclude everything below it;
        # the directory was asked for by name, so that pattern does not apply inside it.
        sources: list[_IgnoreFile | Globs] = [*self.outer, *selection.exclude]
        self.named_dir_matches = {id(source): source.check(self.root, True, self.root) for source in sources}

    def targets(self) -> Iterator[tuple[str, Target]]:
        """(real path, target) of each file to read, in order."""
        yield from self._visit(self.root, "", self.outer)

    def _display(self, relative: str) -> str:
        return os.path.normpath(os.path.join(self.given, relative))

    def _visit(self, folder: str, relative: str, layers: list[_IgnoreFile]) -> Iterator[tuple[str, Target]]:
        if self.selection.gitignore and os.path.isfile(os.path.join(folder, GITIGNORE)):
            layer = _IgnoreFile.read(Path(folder, GITIGNORE), Path(folder))
            if layer is not None:
                layers = [*layers, layer]
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            where = self._display(relative) if relative else self.given
            self.errors.append(f"{where}: cannot read directory ({error.strerror or error})")
            return
        include = self.selection.include
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if not (is_dir or is_file):
                continue
            path = entry.path
            if self._ignored(path, is_dir, layers) or self._excluded(path, is_dir):
                continue
            child = f"{relative}/{entry.name}" if relative else entry.name
            if is_dir:
                yield from self._visit(path, child, layers)
            elif include.check(path, False, self.root)[0]:
                yield path, Target(self._display(child), named=False)

    def _own_match(self, source: _IgnoreFile | Globs, verdict: tuple[bool | None, int | None]) -> bool | None:
        """A source's verdict, unless it only repeats the pattern that matched the named directory."""
        included, index = verdict
        if included and self.named_dir_matches.get(id(source)) == (True, index):
            return None
        return included

    def _ignored(self, path: str, is_dir: bool, layers: list[_IgnoreFile]) -> bool:
        for layer in reversed(layers):  # the deepest .gitignore that says something decides
            verdict = self._own_match(layer, layer.check(path, is_dir, self.root))
            if verdict is not None:
                return verdict
        return False

    def _excluded(self, path: str, is_dir: bool) -> bool:
        return any(self._own_match(globs, globs.check(path, is_dir, self.root)) for globs in self.selection.exclude)
