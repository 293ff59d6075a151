"""The `respin` command line: `check` reports spun phrases, `fix` repairs them, `review` lets you decide.

Exit codes (a contract for pipelines and hooks): 0 nothing found (or nothing to
fix), 1 findings reported (or fixes applied, or, with --fail-spin-score, a
file's spin score at or above the threshold), 2 usage or input error, with the
reason on stderr. A bad file does not stop the others from being checked, but
the run still exits 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Generator, Sequence
from contextlib import closing
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from respin import __version__, config
from respin.config import Config
from respin.documents import formats
from respin.documents.allow_file import AllowFileError, read_allow_file
from respin.documents.files import DEFAULT_MAX_BYTES, STDIN, InputError, display_name
from respin.documents.walk import DEFAULT_INCLUDE, Expansion, GlobError, Globs, Selection, Target, expand
from respin.engine import (
    ALL_DICTIONARIES,
    CONTEXT_DETECTOR,
    DEFAULT_MIN_CONFIDENCE,
    LISTED_DICTIONARIES,
    Checker,
    PluginError,
    check_user_dictionary_names,
    detector_names,
    registered_detectors,
)
from respin.finding import Finding
from respin.language.dictionary import UserDictionaryError, user_dictionary_name
from respin.output.progress import progress_bar, wanted
from respin.output.report import (
    FORMATS,
    SarifLog,
    failed_verdict_message,
    file_record,
    github_lines,
    json_document,
    jsonl_lines,
    reaches,
    text_lines,
    verdict_github_line,
    verdict_jsonl_line,
    verdict_text_line,
)
from respin.output.stats import RunStats
from respin.runner import Action, FileResult, Job, WorkerError, run_files, usable_cores
from respin.workers import WorkerDied, WorkerFailed

if TYPE_CHECKING:
    from respin.detectors.grammar import LanguageToolDetector

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


def _mebibytes(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return number


def _phrase(value: str) -> str:
    if not any(ch.isalnum() for ch in value):
        raise argparse.ArgumentTypeError(f"{value!r} has no word in it")
    return value


def _jobs(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all cores) or more, got {value}")
    return number


def _detectors_epilog() -> str:
    lines = ["dictionaries (name: category, confidence):"]
    lines.extend(f"  {spec.name}: {spec.category.value}, {spec.confidence:.2f} - {spec.description}"
                 for spec in LISTED_DICTIONARIES)
    lines.append("rules:")  # plugins' detectors after the built-in ones
    lines.extend(f"  {detector.name}: {detector.category.value} - {detector.description}"
                 for detector in registered_detectors())
    lines.append("with --deep:")
    lines.append(f"  {CONTEXT_DETECTOR}: context - words and phrases the language model reads as swapped, "
                 "with the wording it expects (rules context-thesaurus, -dictionary, -model, -phrase, -deletion)")
    return "\n".join(lines)


def _add_detector_options(parser: argparse.ArgumentParser) -> None:
    """The options every command shares: how to read the files and which detectors to run."""
    parser.add_argument("--encoding", default="utf-8", help="encoding of the input files (default: utf-8; "
                        "a file that starts with a UTF-16 byte-order mark is read as UTF-16)")
    parser.add_argument(
        "--max-file-size", type=_mebibytes, metavar="MIB",
        help=f"refuse inputs larger than this many MiB (default: the config's max-file-size, else "
             f"{DEFAULT_MAX_BYTES // 2**20}); only regular files and '-' (standard input) are read",
    )
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


def _add_file_options(parser: argparse.ArgumentParser) -> None:
    """The options of commands that read many files: which files, how many processes, what to print."""
    parser.add_argument(
        "--jobs", "-j", type=_jobs, default=0, metavar="N",
        help="check files in N processes (default 0: one per core; 1: all in this process)",
    )
    parser.add_argument(
        "--include", action="append", default=None, metavar="GLOB",
        help="in folders, read only files matching this gitignore-style glob (repeatable; replaces the config's "
             f"include; default: {' '.join(DEFAULT_INCLUDE)})",
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB",
        help="in folders, skip files and folders matching this glob (repeatable; adds to the config's exclude)",
    )
    parser.add_argument(
        "--force-exclude", action="store_true",
        help="apply the excludes to files named on the command line too (for hooks that pass every file)",
    )
    parser.add_argument("--stats", action="store_true",
                        help="print a summary on stderr: files, words, findings by category, time")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress bar and no notes such as 'respin: fixed FILE'; errors are still printed")


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
    common.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="files to read, and folders to walk (honouring .gitignore, include and exclude); "
             "'-' or none: standard input",
    )
    _add_detector_options(common)
    _add_file_options(common)

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
    check.add_argument(
        "--verdict", action="store_true",
        help="also print each file's spin score, the probability that it was machine-spun: a "
             "'PATH: spin score 0.931 (likely spun)' line (text), a {\"path\", \"spin_score\", \"findings\"} "
             "line (jsonl), a notice (github); json and sarif always carry it",
    )
    check.add_argument(
        "--fail-spin-score", type=_confidence, metavar="X",
        help="exit 1 for a file whose spin score is X or above, even with no finding reported, and say so "
             "on stderr (default: the config's fail-spin-score, else off)",
    )

    fix = commands.add_parser(
        "fix", parents=[common], help="apply the auto-fixable repairs",
        epilog=_detectors_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--write", "-w", action="store_true", help="rewrite the files in place (atomically)")
    mode.add_argument("--diff", action="store_true", help="print a unified diff instead of the text")
    fix.add_argument(
        "--force", action="store_true",
        help="with --write, also replace read-only files and files with several hard links (which then no "
             "longer share the new content); a symbolic link is always written through to its target",
    )
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
    if options.command == "check":
        options.fail_spin_score_source = "--fail-spin-score"
        if options.fail_spin_score is None and settings.fail_spin_score is not None:
            options.fail_spin_score = settings.fail_spin_score
            options.fail_spin_score_source = f"fail-spin-score in {config.shown(settings.path)}"
    options.deep_source = "--deep"
    if options.deep is None:
        options.deep = bool(settings.deep)
        options.deep_source = f"deep = true in {config.shown(settings.path)}" if settings.path else "--deep"
    options.disable = [*settings.disable, *options.disable]
    if options.max_file_size is None:
        options.max_file_size = settings.max_file_size
    options.max_bytes = (DEFAULT_MAX_BYTES if options.max_file_size is None
                         else max(1, int(options.max_file_size * 2**20)))
    if options.languagetool is None:
        options.languagetool = settings.languagetool
    # Files are named as messages show them, each with where it was named (for error messages).
    in_file = f" (in {config.shown(settings.path)})" if settings.path else ""
    options.dictionary = _sourced(settings.dictionaries, f"dictionaries{in_file}", options.dictionary, "--dictionary")
    options.allow_file = _sourced(settings.allow_files, f"allow-file{in_file}", options.allow_file, "--allow-file")
    options.allow = [*settings.allow, *options.allow]
    if options.command in ("check", "fix"):
        options.selection = file_selection(options, settings)


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


def file_selection(options: argparse.Namespace, settings: Config) -> Selection:
    """Which files folders yield: --include replaces the config's include, --exclude adds to its exclude.

    Globs from the file are relative to its folder, those from the command line to the current folder.
    """
    try:
        include = Globs(tuple(options.include), Path.cwd()) if options.include else None
    except GlobError as error:
        raise UsageError(f"--include: {error}") from None
    try:
        excluded = Globs(tuple(options.exclude), Path.cwd()) if options.exclude else None
    except GlobError as error:
        raise UsageError(f"--exclude: {error}") from None
    if include is None:
        include = Globs(settings.include or DEFAULT_INCLUDE, settings.folder)
    exclude = [Globs(settings.exclude, settings.folder)] if settings.exclude else []
    if excluded is not None:
        exclude.append(excluded)
    return Selection(include=include, exclude=tuple(exclude), force_exclude=options.force_exclude)


def make_checker(options: argparse.Namespace) -> Checker:
    disabled = set(options.disable)
    dictionaries = tuple(n for n in ALL_DICTIONARIES if n not in disabled)
    rules = tuple(n for n in detector_names() if n not in disabled)
    user_sources: dict[str, str] = options.dictionary
    try:
        check_user_dictionary_names(list(user_sources))
    except UserDictionaryError as error:
        raise UsageError(f"{user_sources[error.path]}: {error}") from None
    user = tuple(path for path in user_sources if user_dictionary_name(path) not in disabled)
    unknown = (disabled - set(ALL_DICTIONARIES) - set(detector_names()) - {CONTEXT_DETECTOR}
               - {user_dictionary_name(p) for p in user_sources})
    if unknown:
        where = f"disable (in {config.shown(options.config_path)})" if options.config_path else "--disable"
        raise UsageError(f"{where}: no dictionary or rule named {', '.join(sorted(unknown))}")
    # review shows the fast findings and says once that the language model is missing (respin.review.app).
    if options.deep and options.command != "review":
        from respin.language.lm import INSTALL_HINT, available, missing_modules

        if not available():
            raise UsageError(
                f"{options.deep_source} needs the language model extra (missing: {', '.join(missing_modules())}); "
                f"install it with: {INSTALL_HINT}"
            )
    allowed = _allowed_phrases(options)
    try:
        return Checker(min_confidence=options.min_confidence, dictionaries=dictionaries, rules=rules,
                       deep=options.deep, context=CONTEXT_DETECTOR not in disabled,
                       jobs=getattr(options, "jobs", 0), extra_dictionaries=user, allowed=allowed)
    except UserDictionaryError as error:
        raise UsageError(f"{user_sources[error.path]}: {error}") from None


def make_grammar_detector(options: argparse.Namespace) -> LanguageToolDetector | None:
    """The LanguageTool detector the command line, the configuration or the environment asks for, if any."""
    if not (options.languagetool or os.environ.get("RESPIN_LANGUAGETOOL") or os.environ.get("LTP_PATH")):
        return None  # not configured: do not even import the adapter (start-up time)
    from respin.detectors.grammar import LanguageToolDetector, detector_from_env

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


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream is not None and stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def _targets(options: argparse.Namespace) -> Expansion:
    """The files to read, folders walked; folders that cannot be read are reported on stderr."""
    expansion = expand(options.paths or [STDIN], options.selection)
    if not options.paths and not options.quiet and _is_terminal(sys.stdin):
        print("respin: reading the text to check from standard input (end it with Ctrl-D; "
              "give a file or folder to check that instead)", file=sys.stderr)
    for message in expansion.errors:
        print(f"respin: {message}", file=sys.stderr)
    if not expansion.targets and not expansion.errors and not options.quiet:
        print(f"respin: no files to check (include: {' '.join(options.selection.include.patterns)})",
              file=sys.stderr)
    return expansion


#: Without --jobs, files smaller than this all together are checked in this process: quicker than a pool.
POOL_MIN_BYTES = 256_000


def _workers(options: argparse.Namespace, targets: Sequence[Target], grammar: _Grammar) -> int:
    """How many processes check the files.

    One for a single file, with --deep and with LanguageTool (the language model uses every core
    itself; the server is one connection). Without --jobs, also one for a small run, which
    would spend longer starting workers than checking.
    """
    if len(targets) < 2 or options.jobs == 1 or options.deep or grammar.detector is not None:
        return 1
    if options.jobs == 0 and _total_size(targets) < POOL_MIN_BYTES:
        return 1
    return min(options.jobs or usable_cores(), len(targets))


def _total_size(targets: Sequence[Target]) -> int:
    total = 0
    for target in targets:
        try:
            total += os.stat(target.path).st_size
        except OSError:  # reported when the file is read
            continue
        if total >= POOL_MIN_BYTES:
            break
    return total


def _results(options: argparse.Namespace, targets: Sequence[Target], checker: Checker, grammar: _Grammar,
             action: Action, stats: RunStats, verdict: bool = False) -> Generator[FileResult, None, None]:
    """Every file's result in order (with its spin score when `verdict`), with a progress bar on a terminal;
    counted for --stats."""
    workers = _workers(options, targets, grammar)
    extra = grammar.find if grammar.detector is not None else None
    job = Job(checker, options.encoding, action, options.syntax, max_bytes=options.max_bytes,
              force=getattr(options, "force", False), count_words=options.stats)
    if verdict:
        job = job.with_verdict()
    verb = "checking" if action == "check" else "fixing"
    show = wanted(len(targets), options.quiet)
    with progress_bar(len(targets), verb, show) as advance, closing(run_files(targets, job, workers, extra)) as run:
        for result in run:
            stats.add(result)
            advance(display_name(result.path))
            yield result


def _print_stats(options: argparse.Namespace, stats: RunStats) -> None:
    if options.stats:
        stats.stop()
        for line in stats.lines(options.command):
            print(line, file=sys.stderr)


def _wants_verdict(options: argparse.Namespace) -> bool:
    """Whether a check scores its files: json and sarif carry scores; --verdict, --fail-spin-score, --stats use them."""
    return (options.format in ("json", "sarif") or options.verdict or options.fail_spin_score is not None
            or options.stats)


class _CheckOutput:
    """Writes a check's report: line formats file by file as results arrive, json and sarif at the end."""

    def __init__(self, output_format: str, verdict: bool = False, fail_spin_score: float | None = None,
                 fail_source: str = "--fail-spin-score") -> None:
        self.format = output_format
        self.records: list[dict[str, object]] = []
        self.sarif = SarifLog() if output_format == "sarif" else None
        self.render = {"text": text_lines, "jsonl": jsonl_lines, "github": github_lines}.get(output_format)
        self.verdict = verdict  # --verdict: a line with each file's score in the line formats
        self.fail_spin_score = fail_spin_score
        self.fail_source = fail_source
        self.found = 0
        self.spun = 0  # files at or above --fail-spin-score

    def add(self, result: FileResult) -> bool:
        """Report one file; False when it could not be read (its message is on stderr)."""
        if result.error is not None:
            print(f"respin: {result.error}", file=sys.stderr)
            if self.sarif is not None:
                self.sarif.add_error(result.error)
            return False
        if result.skipped:
            return True
        self.found += len(result.findings)
        score = result.spin_score
        failed = score is not None and reaches(score, self.fail_spin_score)
        if self.format == "json":
            self.records.append(file_record(result.path, result.content, result.findings, score))
        elif self.sarif is not None:
            self.sarif.add_file(result.path, result.text, result.findings, score, self.fail_spin_score)
        elif self.render is not None:
            lines = self.render(result.path, result.content, result.findings) if result.findings else []
            if score is not None:
                lines += self._verdict_lines(result, score, failed)
            if lines:
                sys.stdout.write("".join(line + "\n" for line in lines))
                sys.stdout.flush()  # a pipeline reads each file's findings as soon as they are known
        if failed:
            self.spun += 1
            print(f"respin: {display_name(result.path)}: {failed_verdict_message(score, self.fail_spin_score)} "
                  f"({self.fail_source})", file=sys.stderr)
        return True

    def _verdict_lines(self, result: FileResult, score: float, failed: bool) -> list[str]:
        """The line formats' verdict line: with --verdict, and on GitHub for a file that fails the threshold."""
        if self.format == "github" and (self.verdict or failed):
            return [verdict_github_line(result.path, score, self.fail_spin_score)]
        if not self.verdict:
            return []
        if self.format == "jsonl":
            return [verdict_jsonl_line(result.path, score, len(result.findings))]
        return [verdict_text_line(result.path, score)]

    def finish(self, walk_errors: Sequence[str], stats: dict[str, object] | None) -> None:
        if self.format == "json":
            sys.stdout.write(json_document(self.records, stats) + "\n")
        elif self.sarif is not None:
            for message in walk_errors:
                self.sarif.add_error(message)
            sys.stdout.write(self.sarif.render(stats) + "\n")


def run_check(options: argparse.Namespace, checker: Checker, grammar: _Grammar) -> ExitCode:
    stats = RunStats()
    expansion = _targets(options)
    output = _CheckOutput(options.format, options.verdict, options.fail_spin_score, options.fail_spin_score_source)
    failed = bool(expansion.errors)
    verdict = _wants_verdict(options)
    # Closed at once on Ctrl-C or a closed pipe, rather than when collected: that ends the worker processes.
    with closing(_results(options, expansion.targets, checker, grammar, "check", stats, verdict)) as results:
        for result in results:
            failed |= not output.add(result)
    stats.stop()
    output.finish(expansion.errors, stats.as_dict() if options.stats else None)
    _print_stats(options, stats)
    if failed:
        return ExitCode.ERROR
    return ExitCode.FINDINGS if output.found or output.spun else ExitCode.CLEAN


def run_fix(options: argparse.Namespace, checker: Checker, grammar: _Grammar) -> ExitCode:
    paths = options.paths or [STDIN]
    if options.write and STDIN in paths:
        raise UsageError("fix --write cannot rewrite standard input; drop --write to print the result")
    printing = not (options.write or options.diff)
    if printing and (len(paths) > 1 or any(p != STDIN and os.path.isdir(p) for p in paths)):
        raise UsageError("fix prints one repaired text: give one file, or use --write or --diff")
    stats = RunStats()
    expansion = _targets(options)
    failed = bool(expansion.errors)
    changed = 0
    action: Action = "write" if options.write else "diff" if options.diff else "print"
    # Closed at once on Ctrl-C or a closed pipe, rather than when collected: that ends the worker processes.
    with closing(_results(options, expansion.targets, checker, grammar, action, stats)) as results:
        for result in results:
            if result.error is not None:
                print(f"respin: {result.error}", file=sys.stderr)
                failed = True
                continue
            if result.skipped:
                continue
            changed += result.changed
            if action == "write":
                if result.changed and not options.quiet:
                    print(f"respin: fixed {display_name(result.path)}", file=sys.stderr)
            elif isinstance(result.output, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(result.output)
                sys.stdout.buffer.flush()
            elif result.output:
                sys.stdout.write(result.output)
                sys.stdout.flush()
    _print_stats(options, stats)
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
            opened.append(open_document(path, options.encoding, options.max_bytes))
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
    try:
        parser = build_parser()  # its help lists the detectors of installed plugins
    except PluginError as error:
        print(f"respin: {error}", file=sys.stderr)
        return ExitCode.ERROR
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
    except (WorkerError, WorkerDied, WorkerFailed) as error:
        print(f"respin: {error}", file=sys.stderr)
        return ExitCode.ERROR
    except MemoryError:
        print("respin: not enough memory; nothing was written (lower --max-file-size, or check fewer files "
              "at once)", file=sys.stderr)
        return ExitCode.ERROR
    except BrokenPipeError:  # `respin check ... | head`
        sys.stderr.close()
        return ExitCode.FINDINGS
    except KeyboardInterrupt:
        return 130
