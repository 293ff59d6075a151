"""Document formats: only prose is checked and fixed in Markdown, HTML, reStructuredText and plain text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respin import apply, auto_decisions, check_text
from respin.documents.formats import (
    PLACEHOLDER,
    Syntax,
    address_spans,
    check_document,
    masked_copy,
    masked_text,
    prose_mask,
    syntax_for,
)
from respin.documents.spans import line_spans, merge_spans
from respin.engine import Checker
from respin.finding import Finding, LineIndex

ROOT = Path(__file__).resolve().parent.parent
#: The example article lost its capitals, so the case rules would "repair" words in addresses too.
LOWER_CASED_ARTICLE = (ROOT / "fixtures" / "spun-news-syria.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


def texts(findings: list[Finding]) -> list[str]:
    return [f.text for f in findings]


def assert_flagged(document: str, syntax: Syntax, spin: str, checker: Checker) -> None:
    findings = check_document(document, checker, syntax)
    assert spin in texts(findings), f"{spin!r} not flagged in {document!r}: {texts(findings)}"
    for finding in findings:
        assert document[finding.start : finding.end] == finding.text


def assert_left_alone(document: str, syntax: Syntax, checker: Checker) -> None:
    assert check_text(document, checker), f"the spin in {document!r} is not found even as plain text"
    assert check_document(document, checker, syntax) == []


@pytest.mark.parametrize(
    ("path", "override", "expected"),
    [
        ("a.md", None, Syntax.MARKDOWN),
        ("docs/A.MARKDOWN", None, Syntax.MARKDOWN),
        ("a.mdown", None, Syntax.MARKDOWN),
        ("a.mkd", None, Syntax.MARKDOWN),
        ("a.html", None, Syntax.HTML),
        ("a.htm", None, Syntax.HTML),
        ("a.xhtml", None, Syntax.HTML),
        ("a.rst", None, Syntax.RST),
        ("a.rest", None, Syntax.RST),
        ("a.txt", None, Syntax.TEXT),
        ("README", None, Syntax.TEXT),
        ("-", None, Syntax.TEXT),
        ("-", "markdown", Syntax.MARKDOWN),
        ("a.md", "text", Syntax.TEXT),
        ("a.md", "auto", Syntax.MARKDOWN),
        ("a.txt", "rst", Syntax.RST),
    ],
)
def test_syntax_for(path: str, override: str | None, expected: Syntax) -> None:
    """Syntax by extension (any case), plain text otherwise and for stdin; an override wins unless auto."""
    assert syntax_for(path, override) is expected


# --------------------------------------------------------------------------- Markdown

MARKDOWN_PROSE = {
    "atx heading with closing hashes": ("# The shared chiefs of staff met ##\n", "shared chiefs of staff"),
    "setext heading": ("When you look at the news\n=========================\n", "When you look at the"),
    "paragraph over two lines": ("Officials said\nus makes moved in.\n", "us makes"),
    "phrase across a CRLF": ("Prices rose when you look\r\nat the data.\r\n", "when you look\r\nat the"),
    "block quote with a lazy line": ("> Officials said\nus makes moved in.\n", "us makes"),
    "nested list": ("- one\n  - the shared chiefs of staff met\n", "shared chiefs of staff"),
    "ordered list": ("1. Then us makes moved in.\n", "us makes"),
    "emphasis": ("Prices rose *when you look at the* data.\n", "when you look at the"),
    "underscore emphasis": ("Prices rose _when you look at the_ data.\n", "when you look at the"),
    "strong": ("**The shared chiefs of staff** met.\n", "shared chiefs of staff"),
    "strikethrough": ("Then ~~us makes~~ moved in.\n", "us makes"),
    "table cell": ("| a | b |\n|---|---|\n| x | the shared chiefs of staff |\n", "shared chiefs of staff"),
    "table cell after an escaped pipe": ("| a \\| b | c |\n|---|---|\n| x \\| y | then us makes moved |\n", "us makes"),
    "link text": ("See [the shared chiefs of staff](https://example.com) now.\n", "shared chiefs of staff"),
    "reference link text": ("See [then us makes moved][r] now.\n\n[r]: https://example.com\n", "us makes"),
    "image description": ("![when you look at the chart](chart.png)\n", "when you look at the"),
    "list item continued after a tab": ("- item\n\tthen us makes moved\n", "us makes"),
    "after inline code": ("Run `x` when you look at the log.\n", "when you look at the"),
    "after an HTML block": ("<div>x</div>\n\nThen us makes moved in.\n", "us makes"),
    "beside inline HTML": ("<span>x</span> then us makes moved\n", "us makes"),
    "after front matter": ("---\ntitle: x\n---\nThen us makes moved in.\n", "us makes"),
}


@pytest.mark.parametrize(("document", "spin"), MARKDOWN_PROSE.values(), ids=MARKDOWN_PROSE.keys())
def test_markdown_prose_is_checked(document: str, spin: str, checker: Checker) -> None:
    """Headings, paragraphs, quotes, lists, emphasis, table cells, link texts and alt texts are prose."""
    assert_flagged(document, Syntax.MARKDOWN, spin, checker)


MARKDOWN_NOT_PROSE = {
    "fenced code": "Text.\n\n```\nwhen you look at the\n```\n",
    "tilde fence with info string": "~~~python\nus makes = 1\n~~~\n",
    "fence in a list": "- item\n\n  ```\n  us makes\n  ```\n",
    "indented code": "Text.\n\n    when you look at the\n",
    "inline code": "Run `when you look at the` now.\n",
    "inline code with a backtick inside": "Run ``the ` shared chiefs of staff`` now.\n",
    "inline code in a heading": "# `us makes`\n",
    "inline code in a table cell": "| a |\n|---|\n| `us makes` |\n",
    "link destination in angle brackets": "See [x](<when you look at the>) now.\n",
    "link title": 'See [x](https://example.com "us makes") now.\n',
    "image title": '![x](a.png "when you look at the")\n',
    "reference label": "See [x][when you look at the] now.\n\n[when you look at the]: https://example.com\n",
    "reference definition title": '[r]: https://example.com "the shared chiefs of staff"\n',
    "HTML block": "<div>\nwhen you look at the\n</div>\n",
    "HTML comment": "<!-- when you look at the -->\n",
    "inline HTML attribute": 'A <span title="us makes">b</span> c.\n',
    "YAML front matter": "---\ntitle: when you look at the\n---\nBody.\n",
    "YAML front matter closed by dots": "---\ntitle: us makes\n...\nBody.\n",
    "TOML front matter": '+++\ntitle = "us makes"\n+++\nBody.\n',
}


@pytest.mark.parametrize("document", MARKDOWN_NOT_PROSE.values(), ids=MARKDOWN_NOT_PROSE.keys())
def test_markdown_code_and_markup_are_left_alone(document: str, checker: Checker) -> None:
    """Code, link targets and titles, reference definitions, HTML and front matter are not checked."""
    assert_left_alone(document, Syntax.MARKDOWN, checker)


def test_markdown_mask_keeps_exactly_the_prose() -> None:
    """The masked copy of a Markdown document holds its prose words in place and nothing else."""
    document = (
        "# Title *one* ##\n"
        "> quote **two** `code` [link *three*](http://x.org \"t\") &amp; ![alt four](i.png) <b>x</b>\n"
        "\n"
        "| a \\| b | `c` |\n"
        "|---|---|\n"
        "\n"
        "[r]: http://r.org\n"
    )
    masked = masked_text(document, prose_mask(document, Syntax.MARKDOWN))
    assert masked == (
        "  Title  one    \n"
        "  quote   two           link  three                             alt four            x    \n"
        "\n"
        "  a  | b        \n"
        "         \n"
        "\n"
        "                 \n"
    )


@pytest.mark.parametrize("marker", ["- ", "> ", "1. ", "* > "])
@pytest.mark.parametrize("depth", [8, 10, 31, 32, 40, 120])
def test_a_deeply_nested_markdown_line_never_turns_off_the_rest_of_the_file(
        checker: Checker, marker: str, depth: int) -> None:
    """markdown-it stops parsing after a block nested past its limit; respin reads such a line as text and
    parses on after it, so every later line is still checked (it used to stop at about 10 "- ")."""
    document = f"Intro the the.\n\n{marker * depth}item the the\n\n# Heading us makes\n\nplain the the\n"
    found = check_document(document, checker, Syntax.MARKDOWN)
    lines = LineIndex(document)
    doubled = [lines.line_col(f.start)[0] for f in found if f.rule == "doubled-word"]
    assert doubled == [1, 3, 7]
    assert any(f.text == "us makes" for f in found)
    assert len(masked_copy(document, Syntax.MARKDOWN)) == len(document)


def test_markdown_spin_split_by_markup_is_not_fixed(checker: Checker) -> None:
    """A phrase interrupted by inline code, HTML or emphasis markers is not rewritten across them."""
    for document in ("Then us `x` makes moved.\n", "Then us <b>makes</b> moved.\n", "Then **us** makes moved.\n"):
        assert check_document(document, checker, Syntax.MARKDOWN) == []


def test_markdown_entities_are_never_written_into(checker: Checker) -> None:
    """An entity between words is masked: no finding covers it, so fix leaves it as it is."""
    document = "Prices rose when you look&nbsp;at the data, AT&amp;T said.\n"
    masked = masked_text(document, prose_mask(document, Syntax.MARKDOWN))
    assert masked == "Prices rose when you look      at the data, AT     T said.\n"
    assert check_document(document, checker, Syntax.MARKDOWN) == []


# --------------------------------------------------------------------------- HTML

HTML_PROSE = {
    "title": ("<title>When you look at the news</title>", "When you look at the"),
    "paragraph": ("<p>Then us makes moved in.</p>", "us makes"),
    "inside an inline element": ("<p>The <b>shared chiefs of staff</b> met.</p>", "shared chiefs of staff"),
    "list item": ("<ul><li>Then us makes moved in.</li></ul>", "us makes"),
    "table cell": ("<table><tr><td>the shared chiefs of staff</td></tr></table>", "shared chiefs of staff"),
    "after a comment": ("<!-- note --><p>Then us makes moved in.</p>", "us makes"),
    "after a script": ("<script>var a = 1;</script><p>Then us makes moved in.</p>", "us makes"),
    "after a closed pre": ("<pre>x</pre><p>Then us makes moved in.</p>", "us makes"),
    "upper-case tags": ("<P>Then us makes moved in.</P>", "us makes"),
    "before a line break tag": ("<p>Prices rose when you look at the<br>data</p>", "when you look at the"),
    "over lines": ("<p>Prices rose when you look\n  at the data</p>", "when you look\n  at the"),
}


@pytest.mark.parametrize(("document", "spin"), HTML_PROSE.values(), ids=HTML_PROSE.keys())
def test_html_text_nodes_are_checked(document: str, spin: str, checker: Checker) -> None:
    """Text nodes are prose, wherever they stand among tags."""
    assert_flagged(document, Syntax.HTML, spin, checker)


HTML_NOT_PROSE = {
    "attribute": '<p title="when you look at the">x</p>',
    "alt attribute": '<img alt="the shared chiefs of staff" src="a.png">',
    "comment": "<!-- when you look at the -->",
    "script": '<script>var s = "us makes";</script>',
    "style": "<style>/* when you look at the */</style>",
    "pre": "<pre>when you look at the</pre>",
    "element inside pre": "<pre><b>us makes</b></pre>",
    "code": "<p>Run <code>when you look at the</code> now.</p>",
    "kbd": "<kbd>us makes</kbd>",
    "textarea": "<textarea>us makes</textarea>",
    "unclosed pre runs to the end": "<pre>\nx\n<p>Then us makes moved.</p>",
    "CDATA": "<![CDATA[ us makes ]]>",
    "processing instruction": '<?php echo "us makes"; ?>',
    "declaration": "<!DOCTYPE html us makes>",
}


@pytest.mark.parametrize("document", HTML_NOT_PROSE.values(), ids=HTML_NOT_PROSE.keys())
def test_html_markup_scripts_and_code_are_left_alone(document: str, checker: Checker) -> None:
    """Tags, attributes, comments, scripts, styles and code elements are not checked."""
    assert_left_alone(document, Syntax.HTML, checker)


def test_html_character_references_are_masked(checker: Checker) -> None:
    """&amp;, &nbsp; and numeric references are markup: masked, never part of a finding."""
    document = "<p>Prices rose when you look&nbsp;at the data &#169; AT&amp;T &#x2014; us makes</p>\n"
    masked = masked_text(document, prose_mask(document, Syntax.HTML))
    assert masked == "   Prices rose when you look      at the data        AT     T          us makes    \n"
    assert texts(check_document(document, checker, Syntax.HTML)) == ["us makes"]


# --------------------------------------------------------------------------- reStructuredText

RST_PROSE = {
    "section title": ("When you look at the news\n=========================\n", "When you look at the"),
    "overlined title": ("====\nThe shared chiefs of staff\n====\n", "shared chiefs of staff"),
    "paragraph": ("Officials said\nus makes moved in.\n", "us makes"),
    "bullet list": ("- Then us makes moved in.\n", "us makes"),
    "enumerated list": ("#. Then us makes moved in.\n", "us makes"),
    "field body": (":Note: then us makes moved in\n", "us makes"),
    "footnote": (".. [1] The shared chiefs of staff met.\n", "shared chiefs of staff"),
    "admonition body": (".. note::\n   :class: x\n\n   Then us makes moved in.\n", "us makes"),
    "admonition argument": (".. warning:: The shared chiefs of staff met.\n", "shared chiefs of staff"),
    "hyperlink reference text": ("`the shared chiefs of staff <https://example.com>`_ met\n", "shared chiefs of staff"),
    "named reference": ("See `when you look at the news`_ now.\n", "when you look at the"),
    "definition list": ("term\n   Then us makes moved in.\n", "us makes"),
    "line block": ("| Then us makes moved in.\n", "us makes"),
    "block quote": ("Intro.\n\n   Then us makes moved in.\n", "us makes"),
    "paragraph before a literal block": ("When you look at the code::\n\n   x = 1\n", "When you look at the"),
    "after a literal block": ("Code::\n\n   x = 1\n\nThen us makes moved in.\n", "us makes"),
}


@pytest.mark.parametrize(("document", "spin"), RST_PROSE.values(), ids=RST_PROSE.keys())
def test_rst_prose_is_checked(document: str, spin: str, checker: Checker) -> None:
    """Titles, paragraphs, lists, field bodies, footnotes, admonitions and reference texts are prose."""
    assert_flagged(document, Syntax.RST, spin, checker)


RST_NOT_PROSE = {
    "code-block directive": ".. code-block:: python\n\n   when you look at the\n",
    "directive argument": ".. include:: when you look at the\n",
    "image directive options": ".. image:: a.png\n   :alt: the shared chiefs of staff\n",
    "admonition option": ".. note::\n   :name: when you look at the\n\n   Body.\n",
    "literal block": "Example::\n\n   when you look at the\n",
    "expanded literal block": "::\n\n   us makes\n",
    "inline literal": "Run ``when you look at the`` now.\n",
    "role": "See :ref:`the shared chiefs of staff` now.\n",
    "role after the text": "See `us makes`:term: now.\n",
    "interpreted text": "See `us makes` now.\n",
    "hyperlink target": ".. _`when you look at the`: https://example.com\n",
    "substitution definition": ".. |x| replace:: when you look at the\n",
    "substitution reference": "See |us makes| now.\n",
    "comment": ".. when you look at the\n",
    "comment body": "..\n   us makes\n   more\n",
    "field name": ":us makes: value\n",
    "doctest block": ">>> when you look at the\nus makes\n",
}


@pytest.mark.parametrize("document", RST_NOT_PROSE.values(), ids=RST_NOT_PROSE.keys())
def test_rst_directives_literals_and_markup_are_left_alone(document: str, checker: Checker) -> None:
    """Directives, literal blocks, roles, targets, substitutions, comments and field names are not checked."""
    assert_left_alone(document, Syntax.RST, checker)


def test_rst_adornments_and_reference_markers_are_masked() -> None:
    """Section lines, table borders, reference underscores and embedded URIs are markup."""
    document = "Title\n=====\n\n=====  =====\nSee `the text <http://x.org>`_, word_ and [1]_.\n"
    masked = masked_text(document, prose_mask(document, Syntax.RST))
    assert masked == "Title\n     \n\n            \nSee  the text                 , word  and     .\n"


# --------------------------------------------------------------------------- URLs and addresses


@pytest.mark.parametrize("syntax", list(Syntax))
def test_urls_and_email_addresses_are_masked_in_every_syntax(syntax: Syntax, checker: Checker) -> None:
    """A URL's path and an address are not prose: the case rules leave "russia" in them alone."""
    line = "see https://news.example.com/syria/russia or mail russia@example.com or www.syria.com/russia today.\n"
    document = LOWER_CASED_ARTICLE + "\n" + line
    tail = len(LOWER_CASED_ARTICLE) + 1
    plain = [f.text for f in check_text(document, checker) if f.start >= tail]
    assert plain.count("russia") == 3  # without masking the case rules would rewrite the addresses
    if syntax is Syntax.HTML:
        document = document.replace("<", "&lt;")
    assert [f for f in check_document(document, checker, syntax) if f.start >= tail] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(see https://example.com/a_(b)).", ["https://example.com/a_(b)"]),
        ("Visit www.example.com, then.", ["www.example.com"]),
        ("Write to first.last+tag@mail.example.co.uk.", ["first.last+tag@mail.example.co.uk"]),
        ("Open mailto:x@example.com?subject=hi!", ["mailto:x@example.com?subject=hi"]),
        ("ftp://files.example.org/pub/", ["ftp://files.example.org/pub/"]),
        ("a handle @bbc. and an ellipsis... and 3.5 and a://", []),
    ],
)
def test_address_spans(text: str, expected: list[str]) -> None:
    """URLs end before trailing punctuation and unopened brackets; handles and numbers are not addresses."""
    assert sorted(text[a:b] for a, b in merge_spans(address_spans(text))) == sorted(expected)


# --------------------------------------------------------------------------- inline control

CONTROL = {
    "markdown ignore": (Syntax.MARKDOWN, "A us makes. <!-- respin: ignore -->\nB us makes.\n", ["B"]),
    "markdown ignore-next-line": (
        Syntax.MARKDOWN, "<!-- respin: ignore-next-line -->\nA us makes.\nB us makes.\n", ["B"]
    ),
    "markdown off and on": (
        Syntax.MARKDOWN, "A us makes.\n\n<!-- respin: off -->\n\nB us makes.\n\n<!-- respin: on -->\n\nC us makes.\n",
        ["A", "C"],
    ),
    "markdown off and on inside a line": (
        Syntax.MARKDOWN, "A us makes, <!-- respin: off -->B us makes<!-- respin: on --> C us makes.\n", ["A", "C"]
    ),
    "markdown unclosed off": (Syntax.MARKDOWN, "A us makes.\n\n<!--respin:off-->\n\nB us makes.\n", ["A"]),
    "markdown directive in inline code is an example": (
        Syntax.MARKDOWN, "Write `<!-- respin: off -->` or `respin: ignore`. A us makes.\n", ["A"]
    ),
    "markdown directive in a code block is an example": (
        Syntax.MARKDOWN, "```\n<!-- respin: off -->\n```\n\nA us makes.\n", ["A"]
    ),
    "html ignore": (Syntax.HTML, "<p>A us makes.</p><!-- respin: ignore -->\n<p>B us makes.</p>\n", ["B"]),
    "html off and on": (
        Syntax.HTML, "<p>A us makes.</p>\n<!-- respin: off -->\n<p>B us makes.</p>\n<!-- respin: on -->\n"
        "<p>C us makes.</p>\n", ["A", "C"],
    ),
    "html directive in a script is an example": (
        Syntax.HTML, "<script>\n// respin: ignore-next-line\n</script><p>A us makes.</p>\n", ["A"]
    ),
    "rst ignore-next-line": (Syntax.RST, ".. respin: ignore-next-line\nA us makes.\n\nB us makes.\n", ["B"]),
    "rst bare ignore": (Syntax.RST, "A us makes. respin: ignore\n\nB us makes.\n", ["B"]),
    "rst off and on": (
        Syntax.RST, "A us makes.\n\n.. respin: off\n\nB us makes.\n\n.. respin: on\n\nC us makes.\n", ["A", "C"]
    ),
    "rst directive in a literal block is an example": (
        Syntax.RST, "Example::\n\n   .. respin: off\n\nA us makes.\n", ["A"]
    ),
    "text ignore": (Syntax.TEXT, "A us makes. # respin: ignore\nB us makes.\n", ["B"]),
    "text ignore-next-line": (Syntax.TEXT, "// respin: ignore-next-line\nA us makes.\nB us makes.\n", ["B"]),
    "text off and on": (
        Syntax.TEXT, "A us makes.\nrespin: off\nB us makes.\n  # respin: on\nC us makes.\n", ["A", "C"]
    ),
    "text unclosed off": (Syntax.TEXT, "A us makes.\r\nrespin: off\r\nB us makes.\r\n", ["A"]),
    "text off inside a sentence is prose": (Syntax.TEXT, "Say respin: off here. A us makes.\n", ["A"]),
}


@pytest.mark.parametrize(("syntax", "document", "expected"), CONTROL.values(), ids=CONTROL.keys())
def test_inline_control(syntax: Syntax, document: str, expected: list[str], checker: Checker) -> None:
    """respin: ignore, ignore-next-line and off/on blocks exclude exactly what they say, in every syntax."""
    findings = check_document(document, checker, syntax)
    assert all(f.text == "us makes" for f in findings)
    assert [document[f.start - 2] for f in findings] == expected  # "A us makes": the letter before


# --------------------------------------------------------------------------- code inside a sentence

WORD_LIKE_MARKUP = {
    "markdown inline code": (Syntax.MARKDOWN, "Put a `#` or a `//` before it, or an `off` without an `on`.\n"),
    "html code and entity": (Syntax.HTML, "<p>Put a <code>#</code> or an <code>x</code> here, a &amp; or.</p>\n"),
    "rst literal and role": (Syntax.RST, "Put a ``#`` or an ``x`` here, a :ref:`x` or.\n"),
}


@pytest.mark.parametrize(("syntax", "document"), WORD_LIKE_MARKUP.values(), ids=WORD_LIKE_MARKUP.keys())
def test_code_inside_a_sentence_stands_for_a_word(syntax: Syntax, document: str, checker: Checker) -> None:
    """Inline code, entities and roles read as a word: "a `#` or" is not "a or" to the a/an rule."""
    spans = prose_mask(document, syntax)
    blanked = check_text(masked_text(document, spans), checker, excluded=spans)
    assert {f.rule for f in blanked} == {"a-an"}  # what blanks alone would make of it
    assert check_document(document, checker, syntax) == []


@pytest.mark.parametrize(
    ("syntax", "line"), [(Syntax.MARKDOWN, "`respin` is a tool.\n"), (Syntax.RST, "``respin`` is a tool.\n")]
)
def test_a_sentence_opening_with_code_does_not_open_with_the_next_word(
    syntax: Syntax, line: str, checker: Checker
) -> None:
    """In a text that lost its capitals, the word after opening code is not given a capital."""
    document = LOWER_CASED_ARTICLE + "\n\n" + line
    tail = len(LOWER_CASED_ARTICLE) + 2
    spans = prose_mask(document, syntax)
    blanked = check_text(masked_text(document, spans), checker, excluded=spans)
    assert [(f.text, f.rule) for f in blanked if f.start >= tail] == [("is", "sentence-case")]
    assert [f for f in check_document(document, checker, syntax) if f.start >= tail] == []


def test_masked_text_marks_the_start_of_word_like_spans() -> None:
    """An opaque span starts with the placeholder (not on a line break); other masked text is blank."""
    text = "a `x` b **c**\n`\nd`"
    spans = [(2, 5), (8, 10), (11, 18)]
    masked = masked_text(text, spans, opaque=[(2, 5), (13, 18), (16, 18)])
    assert masked == f"a {PLACEHOLDER}   b   c  \n \n{PLACEHOLDER} "


# --------------------------------------------------------------------------- offsets and fixing


def test_offsets_lines_and_columns_point_into_the_original(checker: Checker) -> None:
    """Findings after front matter, code and CRLF line breaks carry the original file's positions."""
    document = (
        "---\r\ntitle: x\r\n---\r\n"
        "# Heading\r\n"
        "```\r\ncode\r\n```\r\n"
        "Text `code` then us makes moved\r\n"
        "and the shared chiefs of staff met.\r\n"
    )
    findings = check_document(document, checker, Syntax.MARKDOWN)
    lines = LineIndex(document)
    assert [(f.text, lines.line_col(f.start)) for f in findings] == [
        ("us makes", (8, 18)),
        ("shared chiefs of staff", (9, 9)),
    ]
    for finding in findings:
        assert document[finding.start : finding.end] == finding.text


MARKDOWN_ARTICLE = """\
---
title: "When you look at the news"
---

# When you look at the news

The shared chiefs of staff met, and us makes moved in. See
[the shared chiefs of staff](https://example.com/when-you-look-at-the "us makes") &amp; more.

```sh
echo "when you look at the"  # us makes
```

    the shared chiefs of staff

| who | what |
|-----|------|
| us makes | `us makes` |

<div class="when you look at the">us makes</div>

[ref]: https://example.com "when you look at the"
"""

MARKDOWN_ARTICLE_FIXED = """\
---
title: "When you look at the news"
---

# In the news

The Joint Chiefs of Staff met, and US forces moved in. See
[the Joint Chiefs of Staff](https://example.com/when-you-look-at-the "us makes") &amp; more.

```sh
echo "when you look at the"  # us makes
```

    the shared chiefs of staff

| who | what |
|-----|------|
| US forces | `us makes` |

<div class="when you look at the">us makes</div>

[ref]: https://example.com "when you look at the"
"""

HTML_PAGE = """\
<!DOCTYPE html>
<html><head><title>When you look at the news</title>
<style>/* when you look at the */</style>
<script>var s = "us makes"; // the shared chiefs of staff</script></head>
<body>
<!-- when you look at the -->
<p class="us makes" title="when you look at the">The shared chiefs of staff met &amp; us makes moved in.</p>
<pre>when you look at the</pre>
<p>Run <code>us makes</code> when you look at the logs.</p>
</body></html>
"""

HTML_PAGE_FIXED = """\
<!DOCTYPE html>
<html><head><title>In the news</title>
<style>/* when you look at the */</style>
<script>var s = "us makes"; // the shared chiefs of staff</script></head>
<body>
<!-- when you look at the -->
<p class="us makes" title="when you look at the">The Joint Chiefs of Staff met &amp; US forces moved in.</p>
<pre>when you look at the</pre>
<p>Run <code>us makes</code> in the logs.</p>
</body></html>
"""


@pytest.mark.parametrize(
    ("syntax", "document", "expected"),
    [(Syntax.MARKDOWN, MARKDOWN_ARTICLE, MARKDOWN_ARTICLE_FIXED), (Syntax.HTML, HTML_PAGE, HTML_PAGE_FIXED)],
    ids=["markdown", "html"],
)
def test_fix_changes_only_prose(syntax: Syntax, document: str, expected: str, checker: Checker) -> None:
    """Applying every fixable finding repairs the prose and leaves code, markup and metadata byte for byte."""
    findings = check_document(document, checker, syntax)
    assert apply(document, findings, auto_decisions(findings, 0.8)) == expected


def test_plain_text_without_anything_to_mask_is_checked_as_it_is(checker: Checker) -> None:
    """No address and no directive: check_document gives exactly check_text's findings."""
    assert prose_mask(LOWER_CASED_ARTICLE, Syntax.TEXT) == []
    assert check_document(LOWER_CASED_ARTICLE, checker, Syntax.TEXT) == check_text(LOWER_CASED_ARTICLE, checker)


# --------------------------------------------------------------------------- properties

PIECES = {
    Syntax.MARKDOWN: [
        "# ", "> ", "- ", "1. ", "`", "``", "```", "~~~", "*", "_", "**", "~~", "[", "](", ")", "![", "]: ",
        "<", ">", "<b>", "</b>", "&amp;", "&nbsp;", "\\", "|", "|---|", "---", "+++", "<!--", "-->", "    ", "\t",
        "<!-- respin: off -->", "<!-- respin: on -->", "<!-- respin: ignore -->", '"', "<http://x.org/a>",
    ],
    Syntax.HTML: [
        "<p>", "</p>", "<pre>", "</pre>", "<code>", "</code>", "<script>", "</script>", "<style>", "<!--", "-->",
        "&amp;", "&#169;", "&nbsp;", "&", '<a href="', '">', "</a>", "<br>", "<![CDATA[", "]]>", "<", ">",
        "<!-- respin: off -->", "<!-- respin: on -->", "respin: ignore-next-line",
    ],
    Syntax.RST: [
        ".. ", "::", "``", "`", "`_", "_", "|", ":ref:", ":x: ", "===", "----", "   ", ">>> ", ".. note::",
        ".. code-block:: py", ".. _t:", "[1]_", ".. [1]", ".. respin: off", ".. respin: on", "<http://x.org>",
    ],
    Syntax.TEXT: ["respin: off", "respin: on", "# respin: ignore", "http://x.org/a", "www.x.org", "a@b.co", "@"],
}
WORDS = ["when you look at the", "shared chiefs of staff", "us makes", "the the", "russia", "word", "attemptedto"]
SEPARATORS = ["", " ", "\n", "\r\n", "\n\n", "\r"]


@st.composite
def documents(draw: st.DrawFn, syntax: Syntax) -> str:
    """Documents made of a syntax's markup, spins, random characters and mixed line breaks."""
    piece = st.sampled_from(PIECES[syntax] + WORDS) | st.text(alphabet="ab <>&;`*_[]()!#|:.-\n\r\t\\\"'", max_size=4)
    parts = draw(st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=25))
    return "".join(text + separator for text, separator in parts)


def _line_break_positions(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch in "\r\n"]


@pytest.mark.parametrize("syntax", list(Syntax))
@given(data=st.data())
@settings(max_examples=150, deadline=None)
def test_mask_keeps_length_and_line_breaks(syntax: Syntax, data: st.DataObject) -> None:
    """The masked copy has the text's length and line breaks; spans are sorted, disjoint and inside the text."""
    text = data.draw(documents(syntax))
    spans = prose_mask(text, syntax)
    assert spans == merge_spans(spans)
    assert all(0 <= start < end <= len(text) for start, end in spans)
    masked = masked_copy(text, syntax)
    assert len(masked) == len(text)
    assert _line_break_positions(masked) == _line_break_positions(text)
    assert len(line_spans(masked)) == len(line_spans(text))
    unmasked = [(a, b) for a, b in zip([0, *(e for _, e in spans)], [*(s for s, _ in spans), len(text)])]
    assert all(masked[a:b] == text[a:b] for a, b in unmasked)
    assert not re.search(rf"[^\s{PLACEHOLDER}]", "".join(masked[a:b] for a, b in spans))


@pytest.mark.parametrize("syntax", list(Syntax))
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_fixing_never_touches_masked_spans(syntax: Syntax, data: st.DataObject, checker: Checker) -> None:
    """Applying every fixable finding leaves each masked span byte-identical (shifted by earlier repairs)."""
    text = data.draw(documents(syntax))
    spans = prose_mask(text, syntax)
    findings = check_document(text, checker, syntax)
    decisions = {i: f.suggestions[0] for i, f in enumerate(findings) if f.fixable}
    repaired = apply(text, findings, decisions)
    for start, end in spans:
        shift = sum(len(decisions[i]) - (f.end - f.start) for i, f in enumerate(findings) if i in decisions
                    and f.end <= start)
        assert repaired[start + shift : end + shift] == text[start:end]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
