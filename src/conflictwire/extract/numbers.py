"""A small number grammar: digits, number words, vague quantities, qualifiers and ranges.

Works on a flat list of word tokens (``tokenize``) rather than spaCy tokens so that "twenty-one", "5-7" and
"12-year-old" split the same way whatever the model does with hyphens. The words live in ``data/numbers.toml``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

# Words, figures ("1,200", "1.5") and single punctuation marks, with their offsets.
_TOKEN = re.compile(r"</?[A-Za-z]{1,6}>|\d+(?:[.,]\d+)*|[A-Za-z]+(?:'[A-Za-z]+)?|\S")


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    low: str  # lower case
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Number:
    start: int  # token index of the first token (qualifiers included)
    end: int  # token index after the last token
    low: int
    best: int
    high: int
    at_least: bool = False
    vague: bool = False
    word: str = ""  # the vague word or figure as written, lower case


def tokenize(text: str, offset: int = 0) -> list[Tok]:
    return [
        Tok(m.group(), m.group().lower(), m.start() + offset, m.end() + offset)
        for m in _TOKEN.finditer(text)
        if not (m.group()[0] == "<" and len(m.group()) > 2)  # markup left in scraped text ("<b>killed</b>")
    ]


class Phrases:
    """Word sequences indexed by their first and last word, matched longest first (the stage's hot loop)."""

    def __init__(self, items):
        self.by_first: dict[str, list] = {}
        self.by_last: dict[str, list] = {}
        for words, tag in sorted(items, key=lambda wt: -len(wt[0])):
            self.by_first.setdefault(words[0], []).append((words, tag))
            self.by_last.setdefault(words[-1], []).append((words, tag))

    def at(self, toks: list[Tok], i: int):
        """The longest phrase starting at token i: (words, tag) or None."""
        if i >= len(toks):
            return None
        for words, tag in self.by_first.get(toks[i].low, ()):
            if i + len(words) <= len(toks) and all(toks[i + k].low == w for k, w in enumerate(words)):
                return words, tag
        return None

    def ending(self, toks: list[Tok], i: int):
        """The longest phrase whose last word is token i-1."""
        if i <= 0:
            return None
        for words, tag in self.by_last.get(toks[i - 1].low, ()):
            n = len(words)
            if i - n >= 0 and all(toks[i - n + k].low == w for k, w in enumerate(words)):
                return words, tag
        return None


@functools.cache
def lexicon() -> dict:
    with resources.files("conflictwire.data").joinpath("numbers.toml").open("rb") as fh:
        data = tomllib.load(fh)
    vague = data["vague"]
    profile = vague[vague.get("use", "coders")]
    starts = {"a", "an", "half", "between", "from"}
    for table in ("units", "tens", "fixed"):
        starts.update(data[table])
    starts.update(k.split()[0] for k in profile)
    starts.update(q.split()[0] for kind in ("at_least", "about") for q in data["qualifiers"][kind])
    return {
        "starts": starts,  # a quantity begins with a digit or one of these words
        "units": data["units"],
        "tens": data["tens"],
        "scales": data["scales"],
        "fixed": data["fixed"],
        "vague": Phrases((tuple(k.split()), v) for k, v in profile.items()),
        "qualifiers": Phrases(
            [(tuple(q.split()), "at_least") for q in data["qualifiers"]["at_least"]]
            + [(tuple(q.split()), "about") for q in data["qualifiers"]["about"]]
        ),
    }


def _words_at(toks: list[Tok], i: int, words: tuple[str, ...]) -> bool:
    return i + len(words) <= len(toks) and all(toks[i + k].low == w for k, w in enumerate(words))


def _digits(tok: Tok) -> int | None:
    t = tok.low
    if not t[0].isdigit():
        return None
    if "," in t:
        # "1,200" is a thousands separator; "5,6" is not a figure we read.
        parts = t.split(",")
        if all(len(p) == 3 for p in parts[1:]) and "." not in t:
            return int("".join(parts))
        return None
    if "." in t:
        try:
            return int(float(t)) if float(t).is_integer() else None
        except ValueError:
            return None
    return int(t)


def _figure(toks: list[Tok], i: int) -> tuple[int, int] | None:
    """A single exact figure starting at token i: (value, end). Digits or number words with scales."""
    lex = lexicon()
    n = len(toks)
    if i >= n:
        return None
    tok = toks[i]
    if tok.low[0].isdigit():
        t = tok.low
        # "1.5 million"
        if "." in t and "," not in t and i + 1 < n and toks[i + 1].low in lex["scales"]:
            return int(float(t) * lex["scales"][toks[i + 1].low]), i + 2
        value = _digits(tok)
        if value is None:
            return None
        j = i + 1
        if j < n and toks[j].low in ("thousand", "million"):
            value *= lex["scales"][toks[j].low]
            j += 1
        return value, j
    # "a dozen", "a hundred", "a thousand", "half a dozen", "a couple of"
    if tok.low == "half" and _words_at(toks, i + 1, ("a", "dozen")):
        return 6, i + 3
    if tok.low in ("a", "an") and i + 1 < n:
        nxt = toks[i + 1].low
        if nxt in ("dozen", "hundred", "thousand", "million", "score"):
            value = lex["fixed"].get(nxt) or lex["scales"][nxt]
            j = i + 2
            if nxt == "hundred":
                rest = _word_number(toks, j + 1) if j < n and toks[j].low == "and" else None
                if rest:
                    value, j = value + rest[0], rest[1]
            return value, j
        if nxt in ("couple", "pair"):
            return 2, i + 2
        return None
    if tok.low in lex["fixed"] and tok.low not in ("dozen", "couple", "pair", "score"):
        return lex["fixed"][tok.low], i + 1
    return _word_number(toks, i)


def _word_number(toks: list[Tok], i: int) -> tuple[int, int] | None:
    """'seven', 'twenty-one', 'two hundred and fifty', 'three thousand'."""
    lex = lexicon()
    units, tens, scales = lex["units"], lex["tens"], lex["scales"]
    n = len(toks)
    total, current, j, seen = 0, 0, i, False
    while j < n:
        w = toks[j].low
        if w in units and w not in ("no", "none"):
            current += units[w]
            j += 1
        elif w in tens:
            current += tens[w]
            j += 1
            # "twenty-one" / "twenty one"
            if j + 1 < n and toks[j].low == "-" and toks[j + 1].low in units:
                current += units[toks[j + 1].low]
                j += 2
            elif j < n and toks[j].low in units and units[toks[j].low] < 10:
                current += units[toks[j].low]
                j += 1
        elif w in scales and seen:
            if w == "hundred":
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scales[w]
                current = 0
            j += 1
            # "two hundred and fifty"
            if j + 1 < n and toks[j].low == "and" and (toks[j + 1].low in units or toks[j + 1].low in tens):
                j += 1
            continue
        else:
            break
        seen = True
    if not seen:
        return None
    return total + current, j


def _qualifier(toks: list[Tok], i: int) -> tuple[str, int]:
    m = lexicon()["qualifiers"].at(toks, i)
    return (m[1], i + len(m[0])) if m else ("", i)


def _vague(toks: list[Tok], i: int) -> tuple[int, int, str] | None:
    m = lexicon()["vague"].at(toks, i)
    return (m[1], i + len(m[0]), " ".join(m[0])) if m else None


def parse(toks: list[Tok], i: int) -> Number | None:
    """The quantity that starts at token i, with its qualifier and any range: None if there is none."""
    if i >= len(toks) or not (toks[i].low[0].isdigit() or toks[i].low in lexicon()["starts"]):
        return None
    start = i
    kind, j = _qualifier(toks, i)
    # "between 5 and 7", "from 5 to 7"
    between = j < len(toks) and toks[j].low in ("between", "from")
    if between:
        j += 1
    fig = _figure(toks, j)
    if fig is None:
        # a qualifier that is also a vague word ("some soldiers") or a bare vague word ("dozens of")
        vg = _vague(toks, i) or (_vague(toks, j) if j != i else None)
        if vg is None:
            return None
        value, end, word = vg
        if (
            end < len(toks)
            and toks[end].low == "of"
            and word in ("dozens", "hundreds", "thousands", "scores")
        ):
            # "hundreds of thousands" is caught by the longer entry; here only "dozens of" etc.
            pass
        return Number(start, end, value, value, value, at_least=kind == "at_least", vague=True, word=word)
    value, end = fig
    low = best = high = value
    # ranges: "5-7", "5 to 7", "five or six", "between 5 and 7"
    if end + 1 < len(toks):
        sep = toks[end].low
        if sep in ("-", "to", "or") or (between and sep == "and"):
            second = _figure(toks, end + 1)
            if second and second[0] > value:
                high, end = second[0], second[1]
    return Number(start, end, low, best, high, at_least=kind == "at_least", word=toks[j].low)
