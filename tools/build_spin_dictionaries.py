"""Build respin's news-spin dictionaries from families of spinner rewrites.

A synonym spinner replaces a word with a thesaurus neighbour, one word at a
time, so one canonical phrase yields a whole family of spun forms: "military
forces" comes out as "military causes", "armed makes", "us pushes"... Each
family below names the canonical phrase, the slot a spinner rewrites, and the
neighbours spinners are known to put there (synonym-spinner output collected by
respin's authors; the swaps follow Moby/WordNet senses: force~cause/make,
power~ability, deal~handle, call for~necessitate, order~purchase, last~final).
Context words are part of a key where the rewrite is only wrong in context
("chief associated with" -> "chief of"; "associated with" alone is fine English).

Every generated key is checked against the clean corpus before it lands (see
`python -m bench.eval --show-fp`); keys that occur in clean news go to the
`-review` files (confidence 0.6) or get more context.

Run: python tools/build_spin_dictionaries.py   (writes dictionaries/*.txt)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
Pair = tuple[str, str]  # (spun, canonical); the canonical side may end in " ;; condition"
#: Condition for rewrites that are English only where a sentence starts ("Additionally the ...").
MID_SENTENCE = " ;; mid-sentence"

LICENCE = "# licence: CC0 (respin authors)"


def family(spun: str, canonical: str, **slots: Iterable[str | tuple[str, str]]) -> list[Pair]:
    """Fill both templates with every combination of slot values.

    A slot value is a string (the same in both) or a (spun, canonical) pair.
    """
    names = list(slots)
    pairs = []
    for combo in itertools.product(*(list(slots[n]) for n in names)):
        spun_values = {n: (v if isinstance(v, str) else v[0]) for n, v in zip(names, combo)}
        canon_values = {n: (v if isinstance(v, str) else v[1]) for n, v in zip(names, combo)}
        pairs.append((spun.format(**spun_values), canonical.format(**canon_values)))
    return pairs


def swaps(canonical_word: str, *spun_words: str) -> list[tuple[str, str]]:
    """Slot values: each spun word stands for `canonical_word`."""
    return [(w, canonical_word) for w in spun_words]


MONTHS = "january february march april may june july august september october november december".split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
NATIONAL = (
    "american russian syrian turkish kurdish iraqi afghan israeli iranian british french german "
    "chinese ukrainian saudi egyptian libyan lebanese pakistani indian nigerian"
).split()
#: Who has "forces": adjectives only, never words that can be a sentence's subject
#: ("the government makes", "security causes concern" are English).
FORCE_HOLDERS: list[str | tuple[str, str]] = [
    *NATIONAL, ("us", "US"), *"armed allied pro-government peacekeeping naval rebel".split()
]
REPORTING_VERBS = (
    "blamed said warned accused announced agreed denied claimed called urged rejected vowed "
    "pledged insisted admitted confirmed criticised criticized threatened promised dismissed "
    "condemned welcomed demanded ordered launched backed supported signed approved"
).split()
PARTICIPLES = (
    "backed said been made taken announced agreed become led seen shown given found told "
    "warned decided used increased reduced helped started begun lost won paid sold bought"
).split()
OF_HEADS = (
    "chief head part one some many most all none each both several number lot lots majority "
    "rest end start beginning middle kind sort couple half third quarter percent front top "
    "bottom outskirts aftermath wake heart centre center capital minister secretary chairman "
    "chairwoman president director governor mayor commander spokesman spokeswoman leader "
    "because instead out"
).split()
TITLES = (
    "head chief leader president director minister secretary spokesman spokeswoman chairman "
    "commander boss governor mayor"
).split()
PEOPLE_NOUNS = (
    "soldiers troops people workers jobs civilians protesters fighters refugees migrants families "
    "children residents students staff employees patients homes houses vehicles companies firms "
    "members officials police officers"
).split()
ING_VERBS = (
    "wanting trying seeking looking going hoping planning working fighting waiting calling "
    "asking saying making taking getting using"
).split()
PLURAL_HEADS = (
    "militaries leaders governments armies economies citizens borders forces troops officials "
    "relations presidents ministers"
).split()
GEO = "northern southern eastern western central north south east west the".split()


def fingerprints() -> list[Pair]:
    """Function-word and idiom rewrites that only spinners produce."""
    pairs: list[Pair] = [
        ("when you look at the", "in the"),
        ("when you look at a", "in a"),
        ("whenever you look at the", "in the"),
        ("in purchase to", "in order to"),
        ("in purchase for", "in order for"),
        ("in response for", "in response to"),
        ("try not to look for", "do not seek"),
        ("from country.", "from the country."),
        ("during the time.", "at the time."),
        ("additionally the", "and the" + MID_SENTENCE),
    ]
    pairs += family("{head} associated with", "{head} of", head=OF_HEADS)
    pairs += family("general staff associated with", "general staff of")
    pairs += family("{head} regarding the", "{head} of the", head=OF_HEADS)
    pairs += family("your {title} of", "the {title} of", title=TITLES)
    pairs += family("{aux} {verb}", "has {verb}", aux=("features", "possesses"), verb=REPORTING_VERBS)
    pairs += family("a huge selection of {noun}", "hundreds of {noun}", noun=PEOPLE_NOUNS)
    pairs += family("these are generally {verb}", "they are {verb}", verb=ING_VERBS)
    pairs += family("these were generally {verb}", "they were {verb}", verb=ING_VERBS)
    pairs += family("their particular {noun}", "their {noun}",
                    noun=PEOPLE_NOUNS + "presence country countries government governments own".split())
    pairs += family("since final {when}", "since last {when}",
                    when="year month week summer winter autumn spring".split() + MONTHS + WEEKDAYS)
    pairs += family("final {month}s", "last {month}'s", month=[(m, m.title()) for m in MONTHS if m != "may"])
    pairs += family("final {month}", "last {month}", month=[(m, m.title()) for m in MONTHS if m != "may"])
    pairs += family("{prep} the reality that", "{prep} the fact that",
                    prep=("despite", "due to", "regardless of", "in spite of", "because of"))
    pairs += family("in accordance with {source}", "according to {source}",
                    source=[*"officials sources witnesses analysts experts police reports figures".split(),
                            "the report", "a report", "the ministry", "the pentagon", "the kremlin"])
    return pairs


def fingerprints_review() -> list[Pair]:
    """Spinner rewrites that are also ordinary English: shown, fixed only on request."""
    pairs: list[Pair] = [
        ("aided by the", "with the"),
        ("a huge selection of", "hundreds of"),
        ("these are generally", "they are"),
        ("has actually", "has"),
        ("have actually", "have"),
        ("their particular", "their"),
    ]
    pairs += family("{aux} actually {verb}", "{aux} {verb}", aux=("has", "have", "had"), verb=PARTICIPLES)
    pairs += family("because {aux}", "because it {aux}",
                    aux="won't doesn't can't isn't wasn't hasn't didn't".split())
    return pairs


def entities() -> list[Pair]:
    """Institutions, titles and places whose names spinners mangle."""
    pairs: list[Pair] = []
    pairs += [
        (p, "Joint Chiefs of Staff")
        for p in (f"{a} {b} of {c}" for a, b, c in itertools.product(
            ("joint", "shared", "combined", "mutual", "collective", "common"),
            ("chiefs", "leaders", "heads", "mind"),
            ("staff", "employees", "workers", "personnel"),
        ))
        if p != "joint chiefs of staff"
    ]
    pairs += family("{n} {s} council", "National Security Council",
                    n=("nationwide", "countrywide"), s=("security", "safety", "protection", "safeguards"))
    # "national safety council" is a real body: only the less ambiguous swaps of "security".
    pairs += family("national {s} council", "National Security Council", s=("protection", "safeguards"))
    pairs += family("{un} {s} council", "UN Security Council",
                    un=("united nations", "un"), s=("safety", "protection"))
    pairs += family("the white {h}", "the White House", h=("home", "household", "residence"))
    pairs += family("european {c}", "European Commission", c=("payment", "percentage", "fee"))
    pairs += family("federal {r}", "Federal Reserve", r=("book", "reservation"))
    pairs += [
        ("wall surface street", "Wall Street"),
        ("supreme courtroom", "Supreme Court"),
        ("high courtroom", "High Court"),
        ("islamic condition", "Islamic State"),
        ("brand new york", "New York"),
        ("brand new zealand", "New Zealand"),
        ("brand new delhi", "New Delhi"),
        ("center east", "Middle East"),
        ("centre east", "Middle East"),
        ("northern korea", "North Korea"),
        ("southern korea", "South Korea"),
        ("world wellness organization", "World Health Organization"),
        ("globe bank", "World Bank"),
        ("world financial institution", "World Bank"),
        ("worldwide monetary fund", "International Monetary Fund"),
        ("international financial fund", "International Monetary Fund"),
        ("financial institution of england", "Bank of England"),
        ("european main bank", "European Central Bank"),
        ("european central financial institution", "European Central Bank"),
        ("central cleverness agency", "Central Intelligence Agency"),
        ("central intellect agency", "Central Intelligence Agency"),
        ("secretary of condition", "secretary of state"),
        ("head of condition", "head of state"),
        ("ministry of protection", "ministry of defence"),
        ("primary minister", "prime minister"),
        ("primary executive officer", "chief executive officer"),
        ("main executive officer", "chief executive officer"),
    ]
    pairs += family("department of homeland {s}", "Department of Homeland Security", s=("safety", "protection"))
    pairs += family("{h} of {c}", "House of {c}", h=("home", "household"),
                    c=[("commons", "Commons"), ("representatives", "Representatives"), ("lords", "Lords")])
    pairs += family("{office} priest", "{office} minister",
                    office="prime foreign finance defence defense health interior education trade home "
                    "cabinet".split())
    return pairs


def collocations() -> list[Pair]:
    """News collocations with one word swapped for a thesaurus neighbour."""
    pairs: list[Pair] = []
    pairs += family("{who} {f}", "{who} forces", who=FORCE_HOLDERS, f=("causes", "energies"))
    # "German makes" of car and "the US pushes for" are English: verbs only after words
    # that cannot be a subject or a maker.
    pairs += family("{who} {f}", "{who} forces", who=[("us", "US"), "armed", "pro-government", "peacekeeping"],
                    f=("makes", "pushes", "compels"))
    pairs += family("{who} abilities", "{who} powers",
                    who="foreign world western regional colonial european allied".split())
    pairs += [
        ("close necessitate", "close call for"),
        ("opposing edges", "opposing sides"),
        ("assistance opposing edges", "support opposing sides"),
        ("inside dispute", "in the conflict"),
        ("aggressive functions", "hostile acts"),
        ("in harms way", "in harm's way"),
        ("out of harms way", "out of harm's way"),
        ("death cost", "death toll"),
        ("taxation cuts", "tax cuts"),
        ("greenhouse fuel", "greenhouse gas"),
        ("greenhouse fuels", "greenhouse gases"),
        ("genuine estate", "real estate"),
        ("free of charge trade", "free trade"),
        ("worldwide warming", "global warming"),
        ("international warming", "global warming"),
        ("environment modification", "climate change"),
        ("weather modification", "climate change"),
        ("search motor", "search engine"),
        ("social networking movies", "social media videos"),
        ("social media movies", "social media videos"),
        ("social networking films", "social media videos"),
        ("stated in a declaration", "said in a statement"),
        ("said in a declaration", "said in a statement"),
    ]
    pairs += family("in harm's {w}", "in harm's way", w="means method manner approach technique".split())
    pairs += family("in harms {w}", "in harm's way", w="means method manner approach technique".split())
    pairs += family("{v} a handle", "{v} a deal with",
                    v=[("hit", "strike"), ("strike", "strike"), ("struck", "struck"), ("reach", "reach"),
                       ("reached", "reached"), ("seal", "seal"), ("sealed", "sealed"), ("cut", "cut"),
                       ("signed", "signed"), ("sign", "sign")])
    pairs += family("{kind} handle", "{kind} deal",
                    kind="trade peace nuclear brexit arms ceasefire free-trade bilateral".split())
    # Titles only: "a newly formed military council", "a newly formed Russian firm" are English.
    pairs += family("formed {who}", "former {who}",
                    who="president prime minister leader chairman boss chief director manager "
                    "colleague secretary governor mayor wife husband".split())
    pairs += family("formed us {what}", "former US {what}", what="bases base troops officials president".split())
    pairs += family("{who} functions", "{who} acts", who="hostile terrorist violent".split())
    pairs += family("{v} on their own", "{v} themselves", v="defend guard protect shield".split())
    pairs += family("{v} on his own", "{v} himself", v="defend guard protect shield".split())
    pairs += family("preventing {d} {road}", "blocking {d} {road}",
                    d=("a", "the"), road="road street route highway path entrance exit".split())
    pairs += family("all-terrain {c}", "all-terrain vehicle", c=("car", "automobile"))
    pairs += family("{n} {head}", "{n}' {head}", n=("countries", "nations"), head=PLURAL_HEADS)
    pairs += family("elements of {g}", "parts of {g}", g=[g for g in GEO if g != "the"])
    pairs += [("interest prices", "interest rates")]
    pairs += family("{v} the mandatory {m}", "{v} the necessary {m}",
                    v="took take taking takes".split(),
                    m=[("actions", "measures"), ("steps", "steps"), ("measures", "measures")])
    pairs += family("{d}-{unit} lengthy", "{d}-{unit}-long",
                    d="two three four five six seven eight nine ten".split(),
                    unit="year month week day hour".split())
    return pairs


def collocations_review() -> list[Pair]:
    """Collocation swaps that can be correct English."""
    return [
        ("military causes", "military forces"),
        ("military makes", "military forces"),
        ("security causes", "security forces"),
        ("government causes", "government forces"),
        ("risk of increase", "risk of escalation"),
        ("military employees", "military personnel"),
        ("safety analyst", "security analyst"),
        ("in a declaration", "in a statement"),
        ("both edges", "both sides"),
        ("interest levels", "interest rates"),
    ]


def render(name: str, title: str, source: str, pairs: list[Pair]) -> str:
    entries: dict[str, str] = {}
    for spun, canonical in pairs:
        if spun == canonical.lower() or spun == canonical:
            continue
        if re.search(r"\s{2,}", spun):
            raise ValueError(f"{name}: bad key {spun!r}")
        entries.setdefault(spun, canonical)
    lines = [
        f"# respin dictionary: {title}",
        f"# source: {source}",
        LICENCE,
        "# generated by tools/build_spin_dictionaries.py: edit the families there, not this file.",
    ]
    lines += sorted(f"{k}->{v}" for k, v in entries.items())
    return "\n".join(lines) + "\n"


OUTPUTS = {
    "fingerprints": ("spinner fingerprints (only spinners write these)", fingerprints),
    "fingerprints-review": ("spinner fingerprints that are also ordinary English", fingerprints_review),
    "entities": ("institutions, titles and places with mangled names", entities),
    "collocations": ("news collocations with a word swapped", collocations),
    "collocations-review": ("collocation swaps that can be correct English", collocations_review),
}


def build() -> dict[str, str]:
    """The text of each generated dictionary, by registry name."""
    source = "families of synonym-spinner rewrites compiled by respin's authors"
    return {name: render(name, title, source, make()) for name, (title, make) in OUTPUTS.items()}


def main() -> None:
    for name, text in build().items():
        path = ROOT / "dictionaries" / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {text.count(chr(10)) - 4} entries")


if __name__ == "__main__":
    main()
