"""Phrase dictionaries: the file format, its parser and validator, and the registry.

Every file under `dictionaries/` is plain UTF-8, one entry a line, sorted, with
`#` comment lines (a header names the source and licence). An entry is::

    spun phrase->canonical phrase                  one suggestion, auto-fixable
    spun phrase->first, second,                    trailing comma: for review only
    spun phrase->suggestion, why it needs review   last item without comma: a reason
    spun phrase->suggestion ;; requires "x" | "y"  document must also contain x or y (whole words;
                                                   "optimiz*" is a prefix)
    spun phrase->suggestion ;; excludes "x"        document must not contain x
    first second->suggestion ;; within 10          the words may be up to 10 words apart
    spun phrase->suggestion ;; mid-sentence        not where a sentence starts ("Additionally the")

Conditions after `;;` come from the Problematic Paper Screener's query operators
(AND, OR, NOT, proximity); see `tools/build_pps_dictionary.py`. Keys are matched
whole-word and case-insensitively; suggestions keep their own capitals.

`REGISTRY` lists every dictionary with its category and confidence: the CLI help,
the engine and the tests all read it, so a file that is not registered fails the
tests.

A user dictionary (`load_user`: the `dictionaries` setting, `--dictionary FILE`)
has the same format and is never registered: it is named after its file's stem,
says its category and confidence in header comments (`# category: entity`,
`# confidence: 0.95`; by default collocation, 0.9), and, being untrusted, every
line goes through the full validator, plus the checks that make sense within
one file (no key twice, no suggestion that is itself a key of the file).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from respin.finding import Category

ARROW = "->"
CONDITION_SEPARATOR = " ;; "
WITHIN_MARK = CONDITION_SEPARATOR + "within "
_CONDITION = re.compile(r'^(requires|excludes) ("[^"]+"(?: \| "[^"]+")*)$|^within (\d+)$|^(mid-sentence)$')
_QUOTED = re.compile(r'"([^"]+)"')
#: Characters a key may hold: letters, digits, and the punctuation found inside phrases.
_KEY = re.compile(r"^[^\W_](?:[\w '’.\-/&+()]*[\w.)])?$")


class DictionaryError(ValueError):
    """A malformed dictionary line; the message names the file and line."""


class UserDictionaryError(DictionaryError):
    """A user dictionary respin cannot use; `path` is the file as it was named, the message says why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Condition:
    """A document-level or proximity condition on one entry."""

    kind: str  # "requires", "excludes", "within" or "mid-sentence"
    phrases: tuple[str, ...] = ()
    distance: int = 0

    def __str__(self) -> str:
        if self.kind == "within":
            return f"within {self.distance}"
        if self.kind == "mid-sentence":
            return self.kind
        return f"{self.kind} " + " | ".join(f'"{p}"' for p in self.phrases)


@dataclass(frozen=True)
class Entry:
    """One parsed dictionary line."""

    key: str
    suggestions: tuple[str, ...]
    autofix: bool
    reason: str
    conditions: tuple[Condition, ...]
    line: int

    @property
    def mid_sentence(self) -> bool:
        """The phrase is a spin only inside a sentence ("Additionally the" opens sentences)."""
        return any(c.kind == "mid-sentence" for c in self.conditions)

    @property
    def within(self) -> int:
        """Proximity window in words, 0 when the key's words must be adjacent."""
        return next((c.distance for c in self.conditions if c.kind == "within"), 0)


@dataclass(frozen=True)
class DictionarySpec:
    """A registered dictionary file and what its entries mean."""

    name: str
    category: Category
    confidence: float
    description: str
    #: "spin": phrases to flag; "allow": correct phrases that look spun, they suppress
    #: findings; "gazetteer": proper nouns with their spelling, read by rules, never flagged.
    role: str = "spin"

    @property
    def allow_list(self) -> bool:
        return self.role == "allow"

    @property
    def filename(self) -> str:
        return f"{self.name}.txt"


REGISTRY: tuple[DictionarySpec, ...] = (
    DictionarySpec(
        "fingerprints",
        Category.FINGERPRINT,
        0.95,
        "function-word and idiom rewrites that only spinners produce",
    ),
    DictionarySpec(
        "fingerprints-review",
        Category.FINGERPRINT,
        0.6,
        "spinner rewrites that are also ordinary English; shown for review",
    ),
    DictionarySpec(
        "entities",
        Category.ENTITY,
        0.95,
        "institutions, titles and places whose names spinners mangle",
    ),
    DictionarySpec(
        "collocations",
        Category.COLLOCATION,
        0.9,
        "news collocations with a word swapped for a thesaurus neighbour",
    ),
    DictionarySpec(
        "collocations-review",
        Category.COLLOCATION,
        0.6,
        "collocation swaps that can be correct English; shown for review",
    ),
    DictionarySpec(
        "scientific-pps",
        Category.SCIENTIFIC,
        0.9,
        "tortured phrases of the Problematic Paper Screener",
    ),
    DictionarySpec(
        "scientific-pps-uncertain",
        Category.SCIENTIFIC,
        0.6,
        "PPS tortured phrases whose canonical wording is uncertain (never auto-fixed)",
    ),
    DictionarySpec(
        "allowed",
        Category.FINGERPRINT,
        1.0,
        "correct phrases that contain a spun-looking phrase; they suppress findings",
        role="allow",
    ),
    DictionarySpec(
        "gazetteer",
        Category.CASE,
        1.0,
        "proper nouns (countries, cities, nationalities, months, days, institutions); read by rules",
        role="gazetteer",
    ),
    DictionarySpec(
        "first-names",
        Category.CASE,
        1.0,
        "frequent first names (1990 US Census); read by the casing rules in a name's context",
        role="gazetteer",
    ),
    DictionarySpec(
        "surnames",
        Category.CASE,
        1.0,
        "frequent surnames (1990 US Census); read by the casing rules in a name's context",
        role="gazetteer",
    ),
)
GAZETTEER, FIRST_NAMES, SURNAMES = REGISTRY[-3:]


def dictionaries_dir() -> Path:
    """The shipped `dictionaries/` folder: inside the wheel, or beside the package in a checkout."""
    package = Path(__file__).resolve().parent.parent  # respin/, where the wheel puts _dictionaries
    packaged = package / "_dictionaries"  # where the wheel puts them
    return packaged if packaged.is_dir() else package.parent / "dictionaries"


def _quoted(value: object, limit: int = 80) -> str:
    """`repr` for messages, cut short: a dictionary line may be a whole book long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-1]} ({len(str(value))} characters)"


def parse_line(line: str, where: str = "<line>", allow_list: bool = False) -> Entry | None:
    """Parse one line; `None` for comments and blank lines. Raises `DictionaryError`.

    In an allow-list the right-hand side is the reason the phrase is correct.
    """
    if not line.strip() or line.startswith("#"):
        return None
    if line != line.strip():
        raise DictionaryError(f"{where}: leading or trailing white space")
    body, *raw_conditions = line.split(CONDITION_SEPARATOR)
    conditions = tuple(_parse_condition(c, where) for c in raw_conditions)
    if body.count(ARROW) != 1:
        raise DictionaryError(f"{where}: expected exactly one '{ARROW}'")
    key, rhs = body.split(ARROW)
    if key != key.lower():
        raise DictionaryError(f"{where}: key {_quoted(key)} must be lower case")
    if "  " in key or not _KEY.match(key):
        raise DictionaryError(f"{where}: key {_quoted(key)} is not a clean phrase")
    if not rhs:
        raise DictionaryError(f"{where}: no suggestion")
    if allow_list:
        return Entry(key, (), False, rhs, conditions, 0)
    items = [item.strip() for item in rhs.split(",")]
    if rhs.endswith(","):
        suggestions, reason, autofix = items[:-1], "", False
    elif len(items) > 1:
        suggestions, reason, autofix = items[:-1], items[-1], False
    else:
        suggestions, reason, autofix = items, "", True
    if any(not s for s in suggestions):
        raise DictionaryError(f"{where}: empty suggestion in {_quoted(rhs)}")
    if key in suggestions:
        raise DictionaryError(f"{where}: {_quoted(key)} maps to itself")
    if len(set(suggestions)) != len(suggestions):
        raise DictionaryError(f"{where}: repeated suggestion in {_quoted(rhs)}")
    entry = Entry(key, tuple(suggestions), autofix, reason, conditions, 0)
    if entry.within and len(key.split()) < 2:
        raise DictionaryError(f"{where}: 'within' needs a key of two or more words")
    return entry


def _parse_condition(text: str, where: str) -> Condition:
    match = _CONDITION.match(text.strip())
    if not match:
        raise DictionaryError(f"{where}: bad condition {_quoted(text)}")
    if match.group(3):
        return Condition("within", distance=int(match.group(3)))
    if match.group(4):
        return Condition("mid-sentence")
    phrases = tuple(p.lower() for p in _QUOTED.findall(match.group(2)))
    return Condition(match.group(1), phrases=phrases)


def iter_entries(path: Path, allow_list: bool = False) -> Iterator[Entry]:
    """Yield the entries of one dictionary file, with their line numbers."""
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            entry = parse_line(raw.rstrip("\n"), f"{path.name}:{number}", allow_list)
            if entry is not None:
                yield Entry(entry.key, entry.suggestions, entry.autofix, entry.reason, entry.conditions, number)


def parse_trusted(line: str, allow_list: bool, number: int) -> Entry:
    """Split a line of a shipped dictionary without re-validating it.

    The shipped files are validated entry by entry by `tests/test_dictionaries.py`
    (with `parse_line`); doing that again on every start-up would cost 0.5 s.
    """
    body, *raw_conditions = line.split(CONDITION_SEPARATOR)
    conditions = tuple(_parse_condition(c, "") for c in raw_conditions) if raw_conditions else ()
    key, rhs = body.split(ARROW, 1)
    if allow_list:
        return Entry(key, (), False, rhs, conditions, number)
    if "," not in rhs:
        return Entry(key, (rhs,), True, "", conditions, number)
    items = [item.strip() for item in rhs.split(",")]
    if rhs.endswith(","):
        return Entry(key, tuple(items[:-1]), False, "", conditions, number)
    return Entry(key, tuple(items[:-1]), False, items[-1], conditions, number)


@cache
def shipped_lines(spec: DictionarySpec) -> tuple[tuple[int, str], ...]:
    """The entry lines of a shipped dictionary with their line numbers, unparsed."""
    text = (dictionaries_dir() / spec.filename).read_text(encoding="utf-8")
    return tuple(
        (number, line) for number, line in enumerate(text.splitlines(), start=1) if line and not line.startswith("#")
    )


@cache
def name_map(spec: DictionarySpec) -> dict[str, str]:
    """A gazetteer as key -> spelling, read straight from its lines (no Entry objects: 17k names)."""
    if spec.role != "gazetteer":
        raise ValueError(f"{spec.name} is not a gazetteer")
    text = (dictionaries_dir() / spec.filename).read_text(encoding="utf-8")
    return dict(line.split(ARROW, 1) for line in text.splitlines() if line and not line.startswith("#"))


@cache
def load(spec: DictionarySpec) -> tuple[Entry, ...]:
    """All entries of a shipped dictionary (read once per process, trusted: see `parse_trusted`)."""
    return tuple(parse_trusted(line, spec.allow_list, number) for number, line in shipped_lines(spec))


def spec_named(name: str) -> DictionarySpec:
    for spec in REGISTRY:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in REGISTRY)
    raise KeyError(f"no dictionary named {name!r} (known: {known})")


#: A user dictionary's category and confidence when its header does not name them.
DEFAULT_USER_CATEGORY = Category.COLLOCATION
DEFAULT_USER_CONFIDENCE = 0.9
#: Header comments of a user dictionary that say what its entries mean.
_DIRECTIVE = re.compile(r"^#\s*(category|confidence|description)\s*:\s*(.*?)\s*$", re.IGNORECASE)


def user_dictionary_name(path: str) -> str:
    """The name a user dictionary goes by (for `--disable` and in reports): its file's stem."""
    return Path(path).stem


@dataclass(frozen=True)
class UserDictionary:
    """A dictionary file the user supplies: its spec (named after the file) and its validated entries."""

    path: str
    spec: DictionarySpec
    entries: tuple[Entry, ...]


def load_user(path: str) -> UserDictionary:
    """Read and validate a user dictionary, once per process while the file stays unchanged.

    Raises `UserDictionaryError` naming the file (and the line, for a bad entry).
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise UserDictionaryError(path, f"{path}: no such file") from None
    except OSError as error:
        raise UserDictionaryError(path, f"{path}: cannot read ({error.strerror or error})") from None
    if Path(path).is_dir():
        raise UserDictionaryError(path, f"{path}: is a directory")
    return _load_user(path, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=64)
def _load_user(path: str, mtime_ns: int, size: int) -> UserDictionary:
    """`load_user` for one version of the file (the stamp is part of the cache key)."""
    from respin.documents.files import InputError, read_bytes

    try:
        data = read_bytes(path)  # a regular file, and no larger than respin reads any input
    except InputError as error:
        raise UserDictionaryError(path, str(error)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UserDictionaryError(path, f"{path}:{line}: not valid UTF-8") from None
    return parse_user(path, text)


def parse_user(path: str, text: str) -> UserDictionary:
    """Validate the text of a user dictionary named `path`; see `load_user`."""
    header: dict[str, tuple[str, int]] = {}
    entries: list[Entry] = []
    first_at: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path}:{number}"
        directive = _DIRECTIVE.match(line)
        if directive:
            name = directive.group(1).lower()
            if entries:
                raise UserDictionaryError(path, f"{where}: '# {name}:' must come before the first entry")
            if name in header:
                raise UserDictionaryError(path, f"{where}: '# {name}:' given twice (first on line {header[name][1]})")
            header[name] = (directive.group(2), number)
            continue
        try:
            entry = parse_line(line, where)
        except DictionaryError as error:
            raise UserDictionaryError(path, str(error)) from None
        if entry is None:
            continue
        key = entry.key.replace("’", "'")  # the text is matched with its apostrophes straightened
        if key in first_at:
            raise UserDictionaryError(path, f"{where}: key {_quoted(key)} already on line {first_at[key]}")
        first_at[key] = number
        entries.append(Entry(key, entry.suggestions, entry.autofix, entry.reason, entry.conditions, number))
    for entry in entries:
        for suggestion in entry.suggestions:
            as_key = suggestion.lower().replace("’", "'")
            if as_key == entry.key:
                raise UserDictionaryError(
                    path,
                    f"{path}:{entry.line}: suggestion {_quoted(suggestion)} differs from its key only in case; "
                    f"keys match "
                    f"any case, so the repaired text would be flagged again",
                )
            if as_key in first_at:
                raise UserDictionaryError(
                    path,
                    f"{path}:{entry.line}: suggestion {_quoted(suggestion)} is itself a key of this file "
                    f"(line {first_at[as_key]}): fixing would leave a phrase it flags",
                )
    spec = DictionarySpec(
        name=user_dictionary_name(path),
        category=_user_category(path, header.get("category")),
        confidence=_user_confidence(path, header.get("confidence")),
        description=header["description"][0] if "description" in header else f"listed in {path}",
    )
    return UserDictionary(path, spec, tuple(entries))


def _user_category(path: str, given: tuple[str, int] | None) -> Category:
    if given is None:
        return DEFAULT_USER_CATEGORY
    value, number = given
    try:
        return Category(value.lower())
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise UserDictionaryError(path, f"{path}:{number}: unknown category {_quoted(value)} "
                                        f"(known: {known})") from None


def _user_confidence(path: str, given: tuple[str, int] | None) -> float:
    if given is None:
        return DEFAULT_USER_CONFIDENCE
    value, number = given
    try:
        confidence = float(value)
    except ValueError:
        confidence = -1.0
    if not 0.0 <= confidence <= 1.0:
        raise UserDictionaryError(path, f"{path}:{number}: confidence must be a number between 0 and 1, "
                                        f"got {_quoted(value)}")
    return confidence
