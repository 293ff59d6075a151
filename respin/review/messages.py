"""The messages the review's widgets and workers post, as dataclasses in one place."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from respin.finding import Finding
from respin.review.disk import OpenedDocument
from respin.review.session import ReviewState


@dataclass
class FindingClicked(Message):
    """A click on a highlight in the document view."""

    index: int


@dataclass
class DocumentChecked(Message):
    """A check worker found the findings of one document (opened, reloaded or re-read)."""

    position: int  # which of the review's documents
    opened: OpenedDocument
    findings: list[Finding]
    #: Decisions to carry over (a reload keeps those whose finding still matches); None: from the store.
    carried: ReviewState | None = None
    #: Which check of this document it was (the first is 1): results of a superseded check are ignored.
    generation: int = 1
    #: Findings of the first paragraphs only; the whole text's follow in another message.
    provisional: bool = False
    #: Findings from outside the engine (LanguageTool) that were merged in: the deep tier gets them too.
    extra: tuple[Finding, ...] = ()


@dataclass
class CheckFailed(Message):
    """A check worker could not read or check a document."""

    position: int
    reason: str
    generation: int = 1


@dataclass
class DeepStarted(Message):
    """The deep tier (the language model) started reading a document."""

    position: int
    generation: int


@dataclass
class DeepChecked(Message):
    """The deep tier's findings of a document: every finding, as `Checker(deep=True)` reports them."""

    position: int
    generation: int
    findings: list[Finding]


@dataclass
class DeepFailed(Message):
    """The deep tier could not check a document; `unavailable`: the language model cannot be used at all."""

    position: int
    generation: int
    reason: str
    unavailable: bool = False
