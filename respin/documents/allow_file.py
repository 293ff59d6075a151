"""Reading an allow file: the phrases a project allows, one a line (`allow-file`, `--allow-file`).

What an allowed phrase does is `respin.detectors.allowed_phrases`'s business; this reads the file,
with the bounds and the errors of any input respin reads.
"""

from __future__ import annotations

from respin.documents.files import InputError, read_bytes


class AllowFileError(ValueError):
    """An allow file respin cannot read; the message names the file (and line)."""


def read_allow_file(path: str) -> tuple[str, ...]:
    """The phrases of an allow file: UTF-8, one phrase a line, `#` comments and blank lines skipped."""
    try:
        data = read_bytes(path)
    except InputError as error:
        raise AllowFileError(str(error)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
        raise AllowFileError(f"{path}:{bad_line}: not valid UTF-8") from None
    phrases = []
    for number, line in enumerate(text.splitlines(), start=1):
        phrase = line.strip()
        if not phrase or phrase.startswith("#"):
            continue
        if not any(ch.isalnum() for ch in phrase):
            raise AllowFileError(f"{path}:{number}: {phrase!r} has no word in it")
        phrases.append(phrase)
    return tuple(phrases)
