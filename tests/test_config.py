"""Configuration files: where they are found, what they may say, and how bad ones are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from respin import config


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_table_is_found_walking_up(tmp_path: Path) -> None:
    """A [tool.respin] table in a parent directory applies to files below it."""
    pyproject = _write(tmp_path / "pyproject.toml", '[tool.respin]\nmin-confidence = 0.7\ndeep = true\n')
    article = _write(tmp_path / "docs" / "news" / "a.txt", "text")
    assert config.find(article) == pyproject
    settings = config.discover(article)
    assert (settings.min_confidence, settings.deep, settings.path) == (0.7, True, pyproject)


def test_local_file_wins_and_pyproject_without_table_is_passed_over(tmp_path: Path) -> None:
    """.respin.toml beats pyproject.toml in the same folder; a pyproject without [tool.respin] is skipped."""
    _write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    local = _write(tmp_path / ".respin.toml", 'disable = ["joined-words"]\nlanguagetool = "http://localhost:8081"\n')
    settings = config.discover(tmp_path / "sub" / "a.txt")
    assert settings.path == local
    assert settings.disable == ("joined-words",)
    assert settings.languagetool == "http://localhost:8081"
    _write(tmp_path / "sub" / "pyproject.toml", "[tool.respin]\nfix-confidence = 0.9\n")
    assert config.discover(tmp_path / "sub" / "a.txt").fix_confidence == 0.9


def test_no_file_gives_empty_settings(tmp_path: Path) -> None:
    """Without any file every setting is left to the command line and the defaults."""
    settings = config.discover(tmp_path / "a.txt")
    assert settings == config.Config()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("min-confidance = 0.5\n", "unknown key 'min-confidance'"),
        ("min-confidence = 1.5\n", "min-confidence: must be between 0 and 1"),
        ('min-confidence = "high"\n', "min-confidence: expected a number"),
        ("fail-spin-score = -0.1\n", "fail-spin-score: must be between 0 and 1"),
        ("fail-spin-score = true\n", "fail-spin-score: expected a number between 0 and 1"),
        ("deep = 1\n", "deep: expected true or false"),
        ('disable = "joined-words"\n', "disable: expected a list of names"),
        ('languagetool = "localhost:8081"\n', "languagetool: expected an http:// or https:// URL"),
        ('dictionaries = "house.txt"\n', "dictionaries: expected a list of file paths"),
        ('dictionaries = ["house.txt", ""]\n', "dictionaries: expected a list of file paths"),
        ("allow = [1]\n", "allow: expected a list of phrases"),
        ('allow = ["ok", "--"]\n', "allow: '--' has no word in it"),
        ("allow-file = 3\n", "allow-file: expected a list of file paths"),
        ('include = "*.txt"\n', "include: expected a list of globs"),
        ("include = []\n", "include: an empty list would leave nothing to check"),
        ('exclude = ["drafts/", 3]\n', "exclude: expected a list of globs"),
        ('exclude = ["!"]\n', "exclude: '!' is not a valid glob"),
        ('exclude = ["#old"]\n', "exclude: '#old' is not a glob ('#' starts a comment"),
        ("deep = \n", "not valid TOML"),
    ],
)
def test_bad_files_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    """Each mistake is reported with the file's path and what is wrong with which key."""
    path = _write(tmp_path / ".respin.toml", text)
    with pytest.raises(config.ConfigError) as error:
        config.load(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_pyproject_key_errors_name_the_table(tmp_path: Path) -> None:
    """In pyproject.toml the message says the key is in [tool.respin]."""
    path = _write(tmp_path / "pyproject.toml", "[tool.respin]\ncolour = true\n")
    with pytest.raises(config.ConfigError, match=r"unknown key 'colour' in \[tool.respin\]"):
        config.load(path)


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    """Options given on the command line override the file; the rest come from it, then the defaults."""
    from respin import cli

    _write(tmp_path / ".respin.toml", 'deep = true\nmin-confidence = 0.7\nfix-confidence = 0.95\ndisable = ["a-an"]\n')
    article = str(_write(tmp_path / "a.txt", "text"))

    def resolved(*args: str) -> tuple[object, ...]:
        options = cli.build_parser().parse_args([*args, article])
        settings = cli.read_config(options)
        cli.apply_config(options, settings)
        return options.deep, options.min_confidence, options.disable

    assert resolved("check") == (True, 0.7, ["a-an"])
    assert resolved("check", "--no-deep", "--min-confidence", "0.5", "--disable", "doubled-word") == (
        False, 0.5, ["a-an", "doubled-word"]
    )
    assert resolved("fix") == (True, 0.95, ["a-an"])
    assert resolved("check", "--no-config") == (False, 0.5, [])


def test_fail_spin_score_comes_from_the_file_unless_given(tmp_path: Path) -> None:
    """fail-spin-score is read from the file (and named so in messages); --fail-spin-score wins."""
    from respin import cli

    _write(tmp_path / ".respin.toml", "fail-spin-score = 0.8\n")
    article = str(_write(tmp_path / "a.txt", "text"))

    def resolved(*args: str) -> tuple[object, ...]:
        options = cli.build_parser().parse_args([*args, article])
        cli.apply_config(options, cli.read_config(options))
        return options.fail_spin_score, options.fail_spin_score_source

    assert config.discover(tmp_path / "a.txt").fail_spin_score == 0.8
    assert resolved("check") == (0.8, f"fail-spin-score in {config.shown(tmp_path / '.respin.toml')}")
    assert resolved("check", "--fail-spin-score", "0.95") == (0.95, "--fail-spin-score")
    assert resolved("check", "--no-config") == (None, "--fail-spin-score")


def test_user_lists_are_read_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    """dictionaries and allow-file name files beside the configuration, wherever respin runs from."""
    _write(tmp_path / "pyproject.toml", """[tool.respin]
dictionaries = ["words/house.txt", "/srv/shared/style.txt"]
allow = ["The The", "final march"]
allow-file = "words/allowed.txt"
""")
    settings = config.discover(tmp_path / "docs" / "a.txt")
    assert settings.dictionaries == (tmp_path / "words" / "house.txt", Path("/srv/shared/style.txt"))
    assert settings.allow == ("The The", "final march")
    assert settings.allow_files == (tmp_path / "words" / "allowed.txt",)
    _write(tmp_path / ".respin.toml", 'allow-file = ["a.txt", "b.txt"]\n')
    assert config.discover(tmp_path / "a.txt").allow_files == (tmp_path / "a.txt", tmp_path / "b.txt")


def test_command_line_adds_to_the_user_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--dictionary, --allow and --allow-file add to the file's lists; a file named twice counts once."""
    from respin import cli

    monkeypatch.chdir(tmp_path)
    _write(tmp_path / ".respin.toml", 'dictionaries = ["house.txt"]\nallow = ["The The"]\nallow-file = "ok.txt"\n')
    article = str(_write(tmp_path / "a.txt", "text"))
    options = cli.build_parser().parse_args([
        "check", "--dictionary", "style.txt", "--dictionary", "./house.txt", "--allow", "final march",
        "--allow-file", "more.txt", article,
    ])
    cli.apply_config(options, cli.read_config(options))
    assert options.dictionary == {"house.txt": "dictionaries (in .respin.toml)", "style.txt": "--dictionary"}
    assert options.allow == ["The The", "final march"]
    assert options.allow_file == {"ok.txt": "allow-file (in .respin.toml)", "more.txt": "--allow-file"}
def test_include_and_exclude_are_read_with_their_folder(tmp_path: Path) -> None:
    """include/exclude keep their globs; globs are relative to the configuration file's folder."""
    path = _write(tmp_path / "pyproject.toml", '[tool.respin]\ninclude = ["*.txt"]\nexclude = ["drafts/", "/old"]\n')
    settings = config.discover(tmp_path / "docs" / "a.txt")
    assert (settings.include, settings.exclude, settings.folder) == (("*.txt",), ("drafts/", "/old"), path.parent)
    assert config.Config().include is None and config.Config().exclude == ()


def test_command_line_include_replaces_and_exclude_adds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--include replaces the file's include (relative to the current folder); --exclude adds to its exclude."""
    from respin import cli

    _write(tmp_path / ".respin.toml", 'include = ["*.md"]\nexclude = ["drafts/"]\n')
    _write(tmp_path / "docs" / "a.txt", "text")
    monkeypatch.chdir(tmp_path / "docs")

    def selection(*args: str) -> object:
        options = cli.build_parser().parse_args(["check", *args, "."])
        cli.apply_config(options, cli.read_config(options))
        return options.selection

    from_file = selection()
    assert from_file.include.patterns == ("*.md",) and from_file.include.base == tmp_path.resolve()
    assert [(g.patterns, g.base) for g in from_file.exclude] == [(("drafts/",), tmp_path.resolve())]
    both = selection("--include", "*.txt", "--include", "*.rst", "--exclude", "old/")
    assert both.include.patterns == ("*.txt", "*.rst") and both.include.base == (tmp_path / "docs").resolve()
    assert [g.patterns for g in both.exclude] == [("drafts/",), ("old/",)]
    assert selection("--no-config").include.patterns == ("*.txt", "*.md", "*.markdown", "*.rst", "*.html", "*.htm")
