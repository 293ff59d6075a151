"""Resume data for `respin review`: the decisions about a file, kept between runs.

One small JSON file per file content, named by the SHA-256 of the file's bytes:
reopening the same content resumes the review, and a file that changed in the
meantime starts afresh (its hash is another). Decisions name their finding by
span and text (see `session.ReviewState`), never by index alone.

The folder is `$RESPIN_CACHE_DIR` if set, else `$XDG_CACHE_HOME/respin/review`,
else `~/.cache/respin/review` (as `respin.language.lm` picks `~/.cache/respin/lm`). Files are
written atomically (`files.write_atomic`); a file that cannot be read back as
resume data raises `StoreError`, which the review reports and then ignores.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from respin.documents.files import write_atomic
from respin.review.session import Decision, ReviewState, SpanKey, Verdict

STORE_VERSION = 1
#: Environment variable naming the folder of the resume files.
CACHE_ENV = "RESPIN_CACHE_DIR"


class StoreError(Exception):
    """Resume data that cannot be used; the message says which file and why."""


def default_store_dir() -> Path:
    """Where resume files live when no folder is given."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "respin" / "review"


def content_fingerprint(data: bytes) -> str:
    """The key of a file's resume data: SHA-256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


class ResumeStore:
    """Reads and writes the resume file of each file content."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_store_dir()

    def path(self, fingerprint: str) -> Path:
        return self.directory / f"{fingerprint}.json"

    def load(self, fingerprint: str) -> ReviewState | None:
        """The saved state for this content, None if there is none; `StoreError` if it is unreadable."""
        path = self.path(fingerprint)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise StoreError(f"{path}: cannot read ({error})") from None
        try:
            return _state_from_json(json.loads(raw), fingerprint)
        except (ValueError, KeyError, TypeError) as error:  # JSONDecodeError is a ValueError
            raise StoreError(f"{path}: not usable resume data ({error})") from None

    def record(self, fingerprint: str, state: ReviewState, name: str) -> None:
        """Keep `state` for this content (`name` is for people reading the file); an empty state is removed."""
        if state.empty:
            self.discard(fingerprint)
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps(_state_to_json(state, fingerprint, name), ensure_ascii=False, indent=1)
        write_atomic(self.path(fingerprint), (data + "\n").encode("utf-8"))

    def discard(self, fingerprint: str) -> None:
        self.path(fingerprint).unlink(missing_ok=True)


def _span_to_json(key: SpanKey) -> dict[str, Any]:
    start, end, text = key
    return {"start": start, "end": end, "text": text}


def _span_from_json(raw: Any) -> SpanKey:
    start, end, text = raw["start"], raw["end"], raw["text"]
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(text, str)):
        raise TypeError("a span needs integer start and end and a text")
    if not 0 <= start <= end or end - start != len(text):
        raise ValueError(f"span {start}..{end} does not fit its text")
    return start, end, text


def _state_to_json(state: ReviewState, fingerprint: str, name: str) -> dict[str, Any]:
    return {
        "version": STORE_VERSION,
        "sha256": fingerprint,
        "file": name,
        "current": None if state.current is None else _span_to_json(state.current),
        "applied": {"accepted": state.applied_accepted, "edited": state.applied_edited},
        "decisions": [
            {**_span_to_json(key), "verdict": d.verdict.value, "replacement": d.replacement}
            for key, d in state.decisions
        ],
    }


def _state_from_json(raw: Any, fingerprint: str) -> ReviewState:
    if not isinstance(raw, dict):
        raise TypeError("not a JSON object")
    if raw.get("version") != STORE_VERSION:
        raise ValueError(f"version {raw.get('version')!r}, expected {STORE_VERSION}")
    if raw.get("sha256") != fingerprint:
        raise ValueError("written for other content")
    decisions = []
    for item in raw["decisions"]:
        replacement = item["replacement"]
        if replacement is not None and not isinstance(replacement, str):
            raise TypeError("a replacement is a string")
        decisions.append((_span_from_json(item), Decision(Verdict(item["verdict"]), replacement)))
    applied = raw["applied"]
    accepted, edited = applied["accepted"], applied["edited"]
    if not (isinstance(accepted, int) and isinstance(edited, int)) or accepted < 0 or edited < 0:
        raise ValueError("applied counts are whole numbers")
    current = raw["current"]
    return ReviewState(
        decisions=tuple(decisions),
        current=None if current is None else _span_from_json(current),
        applied_accepted=accepted,
        applied_edited=edited,
    )
