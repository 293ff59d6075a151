"""Project configuration: `[tool.respin]` in pyproject.toml, or a `.respin.toml` file.

The configuration is found by walking up from the directory of the first path
checked (the current directory for standard input): in each directory a
`.respin.toml` (its top-level keys are respin's settings) wins over a
`pyproject.toml` with a `[tool.respin]` table; a pyproject.toml without that
table is passed over. `--config FILE` names the file instead, `--no-config`
ignores every file. Command-line options win over the file.

Keys (all optional)::

    min-confidence = 0.5              # report findings at or above this (check, review)
    fix-confidence = 0.8              # apply findings at or above this (fix)
    fail-spin-score = 0.9             # check fails files whose spin score is at or above this
    disable = ["joined-words"]        # dictionaries and rules to turn off
    deep = false                      # let the language model verify findings
    languagetool = "http://localhost:8081"   # a LanguageTool server to ask
    dictionaries = ["house-style.txt"]       # user dictionaries (format of dictionaries/)
    allow = ["The The"]               # phrases never to flag (whole words, any case)
    allow-file = "allowed-phrases.txt"       # more of them, one a line (a path or a list of paths)

Paths are relative to the folder of the file that names them.
    include = ["*.txt", "*.md"]       # files read in a walked directory (see respin.documents.walk)
    exclude = ["drafts/", "/vendor"]  # files and folders a walk skips

Globs in `include` and `exclude` are gitignore patterns relative to the
folder of the file that gives them.

An unknown key, a value of the wrong type or out of range, or a file that is not
valid TOML raises `ConfigError` naming the file and the key: the command line
turns it into exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOCAL_FILE = ".respin.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """A configuration file respin cannot use; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """Settings read from a file; None (or empty) where the file says nothing."""

    path: Path | None = None
    min_confidence: float | None = None
    fix_confidence: float | None = None
    fail_spin_score: float | None = None
    disable: tuple[str, ...] = field(default_factory=tuple)
    deep: bool | None = None
    languagetool: str | None = None
    dictionaries: tuple[Path, ...] = field(default_factory=tuple)
    allow: tuple[str, ...] = field(default_factory=tuple)
    allow_files: tuple[Path, ...] = field(default_factory=tuple)
    #: Globs of the files a walked directory yields (None: `respin.documents.walk.DEFAULT_INCLUDE`).
    include: tuple[str, ...] | None = None
    #: Globs of the files and folders a walk skips.
    exclude: tuple[str, ...] = field(default_factory=tuple)
    #: The largest input read, in MiB (None: `respin.documents.files.DEFAULT_MAX_BYTES`).
    max_file_size: float | None = None

    @property
    def folder(self) -> Path:
        """The folder globs are relative to: the file's, or the current folder without a file."""
        return self.path.parent if self.path is not None else Path.cwd()


def _confidence(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: expected a number between 0 and 1, got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{where}: must be between 0 and 1, got {value}")
    return float(value)


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of names, e.g. [\"joined-words\"], got {value!r}")
    return tuple(value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def _mebibytes(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigError(f"{where}: expected a size in MiB greater than 0, e.g. 100, got {value!r}")
    return float(value)


def _url(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: expected an http:// or https:// URL, got {value!r}")
    return value


def _paths(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ConfigError(f"{where}: expected a list of file paths, e.g. [\"house-style.txt\"], got {value!r}")
    return tuple(value)


def _path_or_paths(value: Any, where: str) -> tuple[str, ...]:
    return _paths([value] if isinstance(value, str) else value, where)


def _phrases(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of phrases, e.g. [\"The The\"], got {value!r}")
    for item in value:
        if not any(ch.isalnum() for ch in item):
            raise ConfigError(f"{where}: {item!r} has no word in it")
    return tuple(value)


def _globs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of globs, e.g. [\"*.txt\", \"drafts/\"], got {value!r}")
    from respin.documents.walk import GlobError, compile_globs

    try:
        compile_globs(value)
    except GlobError as error:
        raise ConfigError(f"{where}: {error}") from None
    return tuple(value)


def _include_globs(value: Any, where: str) -> tuple[str, ...]:
    if value == []:
        raise ConfigError(f"{where}: an empty list would leave nothing to check in a folder; "
                          f"name at least one glob, e.g. [\"*.txt\"]")
    return _globs(value, where)


#: key in the file -> (Config field, validator)
_KEYS = {
    "min-confidence": ("min_confidence", _confidence),
    "fix-confidence": ("fix_confidence", _confidence),
    "fail-spin-score": ("fail_spin_score", _confidence),
    "disable": ("disable", _names),
    "deep": ("deep", _bool),
    "languagetool": ("languagetool", _url),
    "dictionaries": ("dictionaries", _paths),
    "allow": ("allow", _phrases),
    "allow-file": ("allow_files", _path_or_paths),
    "include": ("include", _include_globs),
    "exclude": ("exclude", _globs),
    "max-file-size": ("max_file_size", _mebibytes),
}
#: Config fields holding paths, which are relative to the configuration file's folder.
_PATH_FIELDS = ("dictionaries", "allow_files")


def parse(table: dict[str, Any], path: Path, section: str) -> Config:
    """Validate one settings table (`section`, e.g. "[tool.respin]", names it in messages)."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            inside = f" in {section}" if section else ""
            raise ConfigError(f"{shown(path)}: unknown key {key!r}{inside} (known keys: {known})")
        name, validate = _KEYS[key]
        values[name] = validate(value, f"{shown(path)}: {section + ' ' if section else ''}{key}")
    for name in _PATH_FIELDS:
        if name in values:
            values[name] = tuple(path.parent / Path(item).expanduser() for item in values[name])
    return Config(path=path, **values)


def shown(path: Path) -> str:
    """How messages name a configuration file: relative to the current directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here: a run without a configuration file does not pay for it

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown(path)}: not valid TOML ({error})") from None
    except UnicodeDecodeError as error:  # TOML is UTF-8 by definition
        raise ConfigError(f"{shown(path)}: not valid TOML (not UTF-8: byte {error.object[error.start]:#04x} "
                          f"at offset {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{shown(path)}: cannot read ({error.strerror or error})") from None


def load(path: Path) -> Config:
    """Read settings from a `.respin.toml` (top level) or a pyproject.toml (`[tool.respin]`)."""
    document = _read_toml(path)
    if path.name == PYPROJECT:
        tool = document.get("tool", {})
        table = tool.get("respin", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{shown(path)}: [tool.respin] must be a table")
        return parse(table, path, "[tool.respin]")
    return parse(document, path, "")


def _has_respin_table(path: Path) -> bool:
    tool = _read_toml(path).get("tool", {})
    return isinstance(tool, dict) and "respin" in tool


def find(start: Path) -> Path | None:
    """The configuration file that applies to `start` (a file or directory), or None."""
    folder = start if start.is_dir() else start.parent
    for directory in [folder.resolve(), *folder.resolve().parents]:
        local = directory / LOCAL_FILE
        if local.is_file():
            return local
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_respin_table(pyproject):
            return pyproject
    return None


def discover(start: Path) -> Config:
    """The settings that apply to `start`: those of the file `find` finds, or none."""
    path = find(start)
    return load(path) if path is not None else Config()
