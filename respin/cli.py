"""The `respin` command line: `check` reports spun phrases, `fix` repairs them, `review` lets you decide.

Exit codes (a contract for pipelines and hooks): 0 nothing found (or nothing to
fix), 1 findings reported (or fixes applied), 2 usage or input error, with the
reason on stderr. A bad file does not stop the others from being checked, but
the run still exits 2.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Iterator, Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from respin import __version__, config, formats
from respin.allowed_phrases import AllowFileError, read_allow_file
from respin.config import Config
from respin.dictionary import REGISTRY, UserDictionaryError, user_dictionary_name
from respin.engine import ALL_DICTIONARIES, ALL_RULES, DEFAULT_MIN_CONFIDENCE, Checker, check_user_dictionary_names
from respin.files import STDIN, Document, InputError, display_name, read_document, write_document
from respin.finding import Finding
from respin.fixer import apply, auto_decisions
from respin.report import FORMATS, file_record, json_document, jsonl_lines, text_lines
from respin.rules import RULES

if TYPE_CHECKING:
    from respin.grammar import LanguageToolDetector

DEFAULT_FIX_CONFIDENCE = 0.8


class ExitCode(IntEnum):
    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


class UsageError(Exception):
    """A command line that cannot be run as given."""


def _confidence(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return number


def _phrase(value: str) -> str:
    if not any(ch.isalnum() for ch in value):
        raise argparse.ArgumentTypeError(f"{value!r} has no word in it")
    return value


def _detectors_epilog() -> str:
    lines = ["dictionaries (name: category, confidence):"]
    for spec in REGISTRY:
        if spec.role == "spin":
            lines.append(f"  {spec.name}: {spec.category.value}, {spec.confidence:.2f} - {spec.description}")
    lines.append("rules:")
    lines.extend(f"  {rule.name}: {rule.category.value} - {rule.description}" for rule in RULES)
    return "\n".join(lines)


def _add_detector_options(parser: argparse.ArgumentParser) -> None:
    """The options every command shares: how to read the files and which detectors to run."""
    parser.add_argument("--encoding", default="utf-8", help="encoding of the input files (default: utf-8)")
    parser.add_argument(
        "--syntax", choices=formats.CHOICES, default="auto",
        help="how the files are written, to check only their prose (default: auto, by extension: "
             ".md .markdown .mdown .mkd markdown, .html .htm .xhtml html, .rst .rest rst, else text)",
    )
    parser.add_argument(
        "--disable", action="append", default=[], metavar="NAME",
        help="turn off a dictionary or rule by name (repeatable; names are listed below)",
    )
    parser.add_argument(
        "--dictionary", action="append", default=[], metavar="FILE",
        help="also flag the phrases of this dictionary file (respin's dictionary format; comments '# category: C' "
             "and '# confidence: X' say what its findings get, by default collocation, 0.9; its name, for "
             "--disable and reports, is the file's stem; repeatable; adds to the config's dictionaries)",
    )
    parser.add_argument(
        "--allow", action="append", default=[], type=_phrase, metavar="PHRASE",
        help="never flag this phrase or anything inside it (whole words, any case; repeatable; "
             "adds to the config's allow)",
    )
    parser.add_argument(
        "--allow-file", action="append", default=[], metavar="FILE",
        help="never flag the phrases in this file, one a line, # comments (repeatable; adds to the config's "
             "allow-file)",
    )
    parser.add_argument(
        "--deep", action=argparse.BooleanOptionalAction, default=None,
        help="let a language model confirm, re-rank or reject uncertain findings "
             "(needs the lm extra, see the README; loads in seconds to a minute; default: off, or the config's deep)",
    )
    parser.add_argument(
        "--languagetool", metavar="URL",
        help="also report grammar findings from this LanguageTool server (default: the config's languagetool, "
             "else $RESPIN_LANGUAGETOOL, else a local install in $LTP_PATH; off when none is set)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--config", type=Path, metavar="FILE",
        help="read settings from this file (default: the nearest .respin.toml, or pyproject.toml with "
             "[tool.respin], in the first path's folder or above)",
    )
    where.add_argument("--no-config", action="store_true", help="ignore configuration files")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="respin",
        description="Find and repair spun, paraphrased and tortured phrases.",
        epilog=_detectors_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"respin {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("paths", nargs="*", metavar="PATH", help="files to read; '-' or none: standard input")
    _add_detector_options(common)

    check = commands.add_parser(
        "check", parents=[common], help="report spun phrases",
        epilog=_detectors_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument(
        "--min-confidence", type=_confidence, metavar="X",
        help=f"report findings at or above this confidence (default: the config's min-confidence, "
             f"else {DEFAULT_MIN_CONFIDENCE})",
    )

    fix = commands.add_parser(
        "fix", parents=[common], help="apply the auto-fixable repairs",
        epilog=_detectors_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--write", "-w", action="store_true", help="rewrite the files in place (atomically)")
    mode.add_argument("--diff", action="store_true", help="print a unified diff instead of the text")
    fix.add_argument(
        "--min-confidence", type=_confidence, metavar="X",
        help=f"apply findings at or above this confidence (default: the config's fix-confidence, "
             f"else {DEFAULT_FIX_CONFIDENCE})",
    )

    review = commands.add_parser(
        "review", help="decide about each finding interactively, then save",
        description="Open the files in an interactive review: accept, reject or edit each finding, then save\n"
                    "(? in the app lists the keys). Decisions are kept between runs, by file content, in\n"
                    "$RESPIN_CACHE_DIR, else $XDG_CACHE_HOME/respin/review, else ~/.cache/respin/review.",
        epilog=_detectors_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument("paths", nargs="+", metavar="PATH", help="files to review (not standard input)")
    _add_detector_options(review)
    review.add_argument(
        "--min-confidence", type=_confidence, metavar="X",
        help=f"show findings at or above this confidence (default: the config's min-confidence, "
             f"else {DEFAULT_MIN_CONFIDENCE})",
    )
    review.add_argument(
        "--fresh", action="store_true", help="ignore the decisions kept from an earlier review of the same file",
    )
    return parser


def read_config(options: argparse.Namespace) -> Config:
    """The configuration file's settings (none with --no-config); a bad file is a usage error."""
    if options.no_config:
        return Config()
    try:
        if options.config is not None:
            if not options.config.is_file():
                raise UsageError(f"--config: no such file {options.config}")
            return config.load(options.config)
        first = next((p for p in options.paths if p != STDIN), None)
        return config.discover(Path(first) if first else Path.cwd())
    except config.ConfigError as error:
        raise UsageError(str(error)) from None


def apply_config(options: argparse.Namespace, settings: Config) -> None:
    """Fill in what the command line left open from the configuration, then from the defaults."""
    if options.min_confidence is None:
        if options.command == "fix":
            options.min_confidence = settings.fix_confidence
            if options.min_confidence is None:
                options.min_confidence = DEFAULT_FIX_CONFIDENCE
        else:
            options.min_confidence = settings.min_confidence
            if options.min_confidence is None:
                options.min_confidence = DEFAULT_MIN_CONFIDENCE
    options.deep_source = "--deep"
    if options.deep is None:
        options.deep = bool(settings.deep)
        options.deep_source = f"deep = true in {config.shown(settings.path)}" if settings.path else "--deep"
    options.disable = [*settings.disable, *options.disable]
    if options.languagetool is None:
        options.languagetool = settings.languagetool
    # Files are named as messages show them, each with where it was named (for error messages).
    in_file = f" (in {config.shown(settings.path)})" if settings.path else ""
    options.dictionary = _sourced(settings.dictionaries, f"dictionaries{in_file}", options.dictionary, "--dictionary")
    options.allow_file = _sourced(settings.allow_files, f"allow-file{in_file}", options.allow_file, "--allow-file")
    options.allow = [*settings.allow, *options.allow]


def _sourced(from_config: Sequence[Path], config_source: str, given: Sequence[str], option: str) -> dict[str, str]:
    """path -> where it was named, configuration first, each file once (however it is spelt)."""
    named: dict[str, str] = {}
    seen: set[Path] = set()
    for path, source in [*((config.shown(p), config_source) for p in from_config), *((p, option) for p in given)]:
        resolved = Path(path).resolve()
        if resolved not in seen:
            seen.add(resolved)
            named[path] = source
    return named


def _allowed_phrases(options: argparse.Namespace) -> tuple[str, ...]:
    """The phrases of --allow and the allow setting, then those of the allow files."""
    phrases = list(options.allow)
    for path, source in options.allow_file.items():
        try:
            phrases.extend(read_allow_file(path))
        except AllowFileError as error:
            raise UsageError(f"{source}: {error}") from None
    return tuple(phrases)


def make_checker(options: argparse.Namespace) -> Checker:
    disabled = set(options.disable)
    dictionaries = tuple(n for n in ALL_DICTIONARIES if n not in disabled)
    rules = tuple(n for n in ALL_RULES if n not in disabled)
    user_sources: dict[str, str] = options.dictionary
    try:
        check_user_dictionary_names(list(user_sources))
    except UserDictionaryError as error:
        raise UsageError(f"{user_sources[error.path]}: {error}") from None
    user = tuple(path for path in user_sources if user_dictionary_name(path) not in disabled)
    unknown = disabled - set(ALL_DICTIONARIES) - set(ALL_RULES) - {user_dictionary_name(p) for p in user_sources}
    if unknown:
        where = f"disable (in {config.shown(options.config_path)})" if options.config_path else "--disable"
        raise UsageError(f"{where}: no dictionary or rule named {', '.join(sorted(unknown))}")
    if options.deep:
        from respin.lm import INSTALL_HINT, available, missing_modules

        if not available():
            raise UsageError(
                f"{options.deep_source} needs the language model extra (missing: {', '.join(missing_modules())}); "
                f"install it with: {INSTALL_HINT}"
            )
    allowed = _allowed_phrases(options)
    try:
        return Checker(min_confidence=options.min_confidence, dictionaries=dictionaries, rules=rules,
                       deep=options.deep, extra_dictionaries=user, allowed=allowed)
    except UserDictionaryError as error:
        raise UsageError(f"{user_sources[error.path]}: {error}") from None


def make_grammar_detector(options: argparse.Namespace) -> LanguageToolDetector | None:
    """The LanguageTool detector the command line, the configuration or the environment asks for, if any."""
    if not (options.languagetool or os.environ.get("RESPIN_LANGUAGETOOL") or os.environ.get("LTP_PATH")):
        return None  # not configured: do not even import the adapter (start-up time)
    from respin.grammar import LanguageToolDetector, detector_from_env

    try:
        if options.languagetool:
            return LanguageToolDetector(url=options.languagetool)
        return detector_from_env()
    except ValueError as error:
        raise UsageError(f"LanguageTool: {error}") from None


class _Grammar:
    """Grammar findings for each document, and the detector's one warning printed once."""

    def __init__(self, detector: LanguageToolDetector | None) -> None:
        self.detector = detector
        self.warned = False

    def find(self, text: str) -> list[Finding]:
        if self.detector is None:
            return []
        found = self.detector.find(text)
        if self.detector.warning and not self.warned:
            print(f"respin: warning: {self.detector.warning}", file=sys.stderr)
            self.warned = True
        return found


def _documents(options: argparse.Namespace, failed: list[str]) -> Iterator[Document]:
    """Read the inputs one at a time; report unreadable ones on stderr and in `failed`."""
    for path in options.paths or [STDIN]:
        try:
            yield read_document(path, options.encoding)
        except InputError as error:
            print(f"respin: {error}", file=sys.stderr)
            failed.append(path)


def _unified_diff(document: Document, repaired: str) -> Iterator[str]:
    """A unified diff that marks a last line without a line break, as diff(1) does."""
    name = display_name(document.path)
    lines = difflib.unified_diff(
        document.text.splitlines(keepends=True), repaired.splitlines(keepends=True),
        fromfile=f"a/{name}", tofile=f"b/{name}",
    )
    for line in lines:
        yield line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"


def run_check(options: argparse.Namespace, checker: Checker, grammar: _Grammar) -> ExitCode:
    failed: list[str] = []
    found = 0
    records = []
    out = sys.stdout
    for document in _documents(options, failed):
        syntax = formats.syntax_for(document.path, options.syntax)
        findings = formats.check_document(document.text, checker, syntax, grammar.find(document.text))
        found += len(findings)
        if options.format == "json":
            records.append(file_record(document.path, document.text, findings))
            continue
        render = jsonl_lines if options.format == "jsonl" else text_lines
        for line in render(document.path, document.text, findings):
            out.write(line + "\n")
        out.flush()
    if options.format == "json":
        out.write(json_document(records) + "\n")
    if failed:
        return ExitCode.ERROR
    return ExitCode.FINDINGS if found else ExitCode.CLEAN


def run_fix(options: argparse.Namespace, checker: Checker, grammar: _Grammar) -> ExitCode:
    paths = options.paths or [STDIN]
    if options.write and STDIN in paths:
        raise UsageError("fix --write cannot rewrite standard input; drop --write to print the result")
    if not (options.write or options.diff) and len(paths) > 1:
        raise UsageError("fix prints one repaired text: give one path, or use --write or --diff")
    failed: list[str] = []
    changed = 0
    for document in _documents(options, failed):
        syntax = formats.syntax_for(document.path, options.syntax)
        findings = formats.check_document(document.text, checker, syntax, grammar.find(document.text))
        repaired = apply(document.text, findings, auto_decisions(findings, checker.min_confidence))
        if repaired != document.text:
            changed += 1
        if options.write:
            if repaired != document.text:
                try:
                    write_document(document, repaired)
                except OSError as error:  # the file is untouched: write_document is atomic
                    print(f"respin: {document.path}: cannot write ({error.strerror or error})", file=sys.stderr)
                    failed.append(document.path)
                    continue
                print(f"respin: fixed {display_name(document.path)}", file=sys.stderr)
        elif options.diff:
            sys.stdout.writelines(_unified_diff(document, repaired))
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(document.encode(repaired))
            sys.stdout.buffer.flush()
    if failed:
        return ExitCode.ERROR
    return ExitCode.FINDINGS if changed else ExitCode.CLEAN


def run_review(options: argparse.Namespace, checker: Checker, grammar: _Grammar) -> ExitCode:
    """Read every file first (any bad one: report it, exit 2, open nothing), then run the review app."""
    if STDIN in options.paths:
        raise UsageError("review edits files in place; it cannot read standard input ('-'): give a file")
    from respin.review.disk import OpenedDocument, open_document  # no Textual: bad input fails fast

    opened: list[OpenedDocument] = []
    failed = False
    for path in dict.fromkeys(options.paths):  # each file once, in the order given
        try:
            opened.append(open_document(path, options.encoding))
        except InputError as error:
            print(f"respin: {error}", file=sys.stderr)
            failed = True
    if failed:
        return ExitCode.ERROR
    from respin.review.app import make_app  # Textual is imported only here: `check` starts faster

    checker.jobs = 1  # the app checks in a worker thread; forking worker processes from it is unsafe
    outcomes = make_app(opened, checker, fresh=options.fresh, extra=grammar.find, syntax=options.syntax).run()
    for outcome in outcomes or []:
        note = " (not saved; run `respin review` on it again to resume)" if outcome.unsaved else ""
        print(f"respin: {outcome.name}: {outcome.summary}{note}", file=sys.stderr)
    return ExitCode.CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)  # argparse exits 2 on usage errors
    try:
        settings = read_config(options)
        options.config_path = settings.path
        apply_config(options, settings)
        checker = make_checker(options)
        grammar = _Grammar(make_grammar_detector(options))
        try:
            if options.command == "check":
                return run_check(options, checker, grammar)
            if options.command == "review":
                return run_review(options, checker, grammar)
            return run_fix(options, checker, grammar)
        finally:
            if grammar.detector is not None:
                grammar.detector.close()
    except UsageError as error:
        parser.exit(ExitCode.ERROR, f"respin: {error}\n")
    except BrokenPipeError:  # `respin check ... | head`
        sys.stderr.close()
        return ExitCode.FINDINGS
    except KeyboardInterrupt:
        return 130
