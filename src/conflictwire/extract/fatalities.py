"""Fatalities and tolls stage: counts of people killed, injured, abducted, arrested or displaced.

Reads sentence boundaries from the spaCy ``Doc`` and scans each sentence's words with the number grammar of
``numbers.py`` and the readable lexicon ``data/fatality_words.toml`` (outcome words before and after the people
counted, person nouns, cues for parts and cumulative tolls). Rules, not a model: every count can be traced to the
words that made it.

ACLED's conventions: the conservative figure is the best one ("at least 25" = 25, "5-7" = 5 with 7 as the high);
vague words are coded as numbers (numbers.toml); injuries are never deaths; a subset ("including 20 children") is
flagged ``part_of`` and a toll over a period ("since November 27", "so far this year") ``cumulative``, so that
neither is added to an incident's fatalities. A count that restates an earlier one ("killed 5 ... the five
victims") points at it with ``repeat_of``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from . import numbers
from .mentions import CountMention
from .numbers import Tok

OUTCOMES = ("other", "killed", "injured", "abducted", "arrested", "displaced")
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec",
}  # fmt: skip
_BREAK = {".", ";", ":", "!", "?", "(", ")", '"'}
_PREPOSITIONS = {"in", "at", "on", "near", "inside", "from", "during", "across", "around", "outside", "of"}
_YEAR = re.compile(r"(1[89]|20)\d\d")


@dataclass
class _Lex:
    after: list[tuple[tuple[str, ...], str]]  # longest phrases first
    before: list[tuple[tuple[str, ...], str]]
    aux: list[tuple[str, ...]]
    who: dict[str, str]
    singular: set[str]
    not_people: set[str]
    not_before: set[str]
    part_before: list[tuple[str, ...]]
    part_after: list[tuple[str, ...]]
    cumulative: list[str]


def _phrases(table: dict) -> list[tuple[tuple[str, ...], str]]:
    out = [(tuple(p.split()), outcome) for outcome in OUTCOMES for p in table.get(outcome, [])]
    # longest first so "killed or injured" wins over "killed"; "other" first among equals
    return sorted(out, key=lambda po: -len(po[0]))


@functools.cache
def lexicon() -> _Lex:
    with resources.files("conflictwire.data").joinpath("fatality_words.toml").open("rb") as fh:
        data = tomllib.load(fh)
    who: dict[str, str] = {}
    for group, words in data["people"].items():
        if group == "singular":
            continue
        for w in words:
            who.setdefault(w, "" if group == "people" else group)
    return _Lex(
        after=_phrases(data["after"]),
        before=_phrases(data["before"]),
        aux=[
            (words, "aux")
            for words in sorted((tuple(a.split()) for a in data["aux"]["words"]), key=len, reverse=True)
        ],
        who=who,
        singular=set(data["people"].get("singular", [])),
        not_people=set(data["not_people"]["words"]),
        not_before=set(data["not_count_before"]["words"]),
        part_before=sorted((tuple(p.split()) for p in data["part_of"]["before"]), key=len, reverse=True),
        part_after=sorted((tuple(p.split()) for p in data["part_of"]["after"]), key=len, reverse=True),
        cumulative=data["cumulative"]["cues"],
    )


def _match_at(toks: list[Tok], i: int, phrases) -> tuple[tuple[str, ...], str] | None:
    for words, tag in phrases:
        if i + len(words) <= len(toks) and all(toks[i + k].low == w for k, w in enumerate(words)):
            return words, tag
    return None


def _match_ending(toks: list[Tok], i: int, phrases) -> tuple[tuple[str, ...], str] | None:
    """A phrase whose last word is token i-1."""
    for words, tag in phrases:
        n = len(words)
        if i - n >= 0 and all(toks[i - n + k].low == w for k, w in enumerate(words)):
            return words, tag
    return None


def _words_at(toks: list[Tok], i: int, words: tuple[str, ...]) -> bool:
    return i + len(words) <= len(toks) and all(toks[i + k].low == w for k, w in enumerate(words))


@dataclass
class _Cand:
    a: int  # first token (qualifier included)
    b: int  # token after the quantity
    head_end: int  # token after the noun phrase of the people counted
    low: int
    best: int
    high: int
    at_least: bool
    vague: bool
    who: str = ""
    outcome: str = ""
    how: str = ""  # after | before | coord | part
    end: int = 0  # token after the whole count phrase (outcome words included)
    others: bool = False  # "many others", "two more": in addition to a count before
    part_of: bool = False


def _is_excluded(toks: list[Tok], num: numbers.Number) -> bool:
    lex = lexicon()
    a, b = num.start, num.end
    prev = toks[a - 1].low if a > 0 else ""
    nxt = toks[b].low if b < len(toks) else ""
    if prev in lex.not_before or prev in _MONTHS or nxt in _MONTHS:
        return True
    # a clock time ("10:30", "5 pm"), an age ("12-year-old"), a year ("2011")
    if nxt == ":" or (nxt == "-" and b + 1 < len(toks) and toks[b + 1].low in ("year", "years", "month")):
        return True
    if nxt in ("th", "st", "nd", "rd"):
        return True
    if not num.vague and _YEAR.fullmatch(toks[b - 1].low) and toks[b - 1].low == num.word:
        nxt_who = lex.who.get(nxt)
        return nxt_who is None
    return False


def _noun_phrase(toks: list[Tok], b: int) -> tuple[int, str, bool, bool] | None:
    """From token b: (end of the noun phrase, who, has_head, others). None when it counts things, not people."""
    lex = lexicon()
    n = len(toks)
    j = b
    # "dozens of", "two of them", "five of the victims"
    if j < n and toks[j].low == "of":
        j += 1
        if j < n and toks[j].low in ("them", "whom", "those", "us", "these"):
            return j + 1, "", True, False
        if j < n and toks[j].low in ("the", "its", "their", "his", "her", "our"):
            j += 1
    others = False
    end, who, has_head = b, "", False
    for k in range(j, min(j + 6, n)):
        w = toks[k].low
        if w in ("others", "more", "other"):
            others = True
        if w in lex.who:
            end, who, has_head = k + 1, lex.who[w] or who, True
            # "police officers", "family members", "aid workers": keep the last person word
            continue
        if has_head:
            break
        if w in lex.not_people:
            return None
        if w in _BREAK or w in (",", "and", "but", "or", "while", "as"):
            break
        if _match_at(toks, k, lex.after) or _match_at(toks, k, lex.aux):
            break
        if w in _PREPOSITIONS and k > j:
            break
        if w in _PREPOSITIONS:
            break
    return end, who, has_head, others


def _outcome_after(toks: list[Tok], k: int) -> tuple[str, int] | None:
    """The outcome word after the people counted, over aux words and one short place phrase."""
    lex = lexicon()
    n = len(toks)
    steps = 0
    skipped_pp = False
    while k < n and steps < 8:
        m = _match_at(toks, k, lex.after)
        if m:
            return m[1], k + len(m[0])
        a = _match_at(toks, k, lex.aux)
        if a:
            k += len(a[0])
            steps += 1
            continue
        if toks[k].low.endswith("ly") and toks[k].low.isalpha():
            k += 1
            steps += 1
            continue
        if toks[k].low in _PREPOSITIONS and not skipped_pp:
            # "25 people in the village were killed": skip to the next aux word
            for q in range(k + 1, min(k + 5, n)):
                if toks[q].low in _BREAK or toks[q].low == ",":
                    return None
                if _match_at(toks, q, lex.aux):
                    k = q
                    skipped_pp = True
                    break
            else:
                return None
            continue
        return None
    return None


def _outcome_before(toks: list[Tok], a: int) -> str:
    lex = lexicon()
    m = _match_ending(toks, a, lex.before)
    return m[1] if m else ""


def _singular_at(toks: list[Tok], i: int) -> tuple[int, str] | None:
    """'a child', 'an elderly woman', 'a 12-year-old boy': (end, who)."""
    lex = lexicon()
    for k in range(i + 1, min(i + 7, len(toks))):
        w = toks[k].low
        if w in lex.singular:
            return k + 1, lex.who.get(w, "")
        if w in ("year", "years", "month", "months", "old"):  # "a 12-year-old boy"
            continue
        if w in _BREAK or w in (",", "and", "or") or w in lex.not_people:
            return None
        if _match_at(toks, k, lex.after):
            return None
    return None


def _sentence_counts(toks: list[Tok], sent_low: str) -> list[_Cand]:
    lex = lexicon()
    cands: list[_Cand] = []
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        num = numbers.parse(toks, i)
        if num is not None and _is_excluded(toks, num):
            i = num.end
            continue
        if num is None and tok.low in ("a", "an"):
            sg = _singular_at(toks, i)
            if sg:
                num = numbers.Number(i, i + 1, 1, 1, 1, word="<article>")
        if num is None:
            i += 1
            continue
        if num.word == "<article>":
            head_end, who = _singular_at(toks, i)
            has_head, others = True, False
        else:
            np = _noun_phrase(toks, num.end)
            if np is None:
                i = num.end
                continue
            head_end, who, has_head, others = np
        c = _Cand(num.start, num.end, head_end, num.low, num.best, num.high, num.at_least, num.vague, who)
        c.others = others
        after = _outcome_after(toks, head_end)
        before = _outcome_before(toks, num.start)
        if after:
            c.outcome, c.how, c.end = after[0], "after", after[1]
        elif before:
            nxt = toks[head_end].low if head_end < n else ""
            # a headless figure after a verb needs the phrase to stop there ("killing 3 in Kano")
            if (
                has_head
                or not nxt
                or nxt in _BREAK
                or nxt in (",", "and", "or", "of")
                or nxt in _PREPOSITIONS
            ):
                c.outcome, c.how, c.end = before, "before", head_end
        if not c.outcome and num.vague and not has_head:
            i = num.end
            continue
        if not c.end:
            c.end = head_end
        # "including 20 children", "of whom 3 were children"
        if _match_ending(toks, num.start, [(p, "part") for p in lex.part_before]):
            c.part_of = True
        elif num.end < n and any(_words_at(toks, num.end, p) for p in lex.part_after):
            c.part_of = True
        cands.append(c)
        i = max(c.end, num.end, i + 1) if c.outcome else max(num.end, i + 1)
    _coordinate(toks, cands)
    return [c for c in cands if c.outcome]


def _coordinate(toks: list[Tok], cands: list[_Cand]) -> None:
    """Share an outcome across 'two soldiers and three civilians were killed' and 'killed 5 men and 2 women'."""
    lex = lexicon()

    def joined(left: _Cand, right: _Cand) -> bool:
        gap = [t.low for t in toks[left.head_end : right.a]]
        return gap in (["and"], [","], [",", "and"], ["as", "well", "as"], ["or"])

    for k in range(len(cands) - 2, -1, -1):
        c, nxt = cands[k], cands[k + 1]
        if (
            not c.outcome
            and nxt.outcome == "killed"
            or (not c.outcome and nxt.outcome and nxt.how != "before")
        ):
            if joined(c, nxt) and nxt.how in ("after", "coord"):
                c.outcome, c.how = nxt.outcome, "coord"
    for k in range(1, len(cands)):
        prev, c = cands[k - 1], cands[k]
        if c.outcome:
            continue
        if prev.outcome and prev.how in ("before", "coord") and joined(prev, c):
            c.outcome, c.how = prev.outcome, "coord"
        elif c.part_of and prev.outcome:
            # "56 were killed, including 20 children": the part shares the whole's outcome
            c.outcome, c.how = prev.outcome, "part"
    # a part with no count before it in the sentence is not a part ("including 3 soldiers" as the only count)
    for k, c in enumerate(cands):
        if c.part_of and c.outcome and not any(p.outcome == c.outcome for p in cands[:k]):
            c.part_of = c.how == "part"
    del lex


def _is_cumulative(sent_low: str) -> bool:
    return any(cue in sent_low for cue in lexicon().cumulative)


def _sentences(doc) -> list[tuple[int, int]]:
    try:
        spans = [(s.start_char, s.end_char) for s in doc.sents]
    except ValueError:  # no sentence boundaries set
        spans = []
    return spans or [(0, len(doc.text))]


def find(doc) -> list[CountMention]:
    text = doc.text
    out: list[CountMention] = []
    for s, e in _sentences(doc):
        sent = text[s:e]
        toks = numbers.tokenize(sent, s)
        if not toks:
            continue
        low = sent.lower()
        cumulative = _is_cumulative(low)
        for c in _sentence_counts(toks, low):
            start, end = toks[c.a].start, toks[max(c.end, c.b) - 1].end
            out.append(
                CountMention(
                    start=start,
                    end=end,
                    text=text[start:end],
                    low=c.low,
                    best=c.best,
                    high=c.high,
                    outcome=c.outcome,
                    who=c.who,
                    at_least=c.at_least,
                    cumulative=cumulative,
                    part_of=c.part_of,
                    vague=c.vague,
                )
            )
            out[-1]._others = c.others  # read by _mark_repeats only
    _mark_repeats(out)
    for m in out:
        del m._others
    return out


def _mark_repeats(counts: list[CountMention]) -> None:
    """A later count of the same outcome and figure restates the earlier one ('killing 5 ... the five victims').

    A vague count ("several people died") after a figure for the same outcome is the same people too, unless it
    says they are others ("many others were injured")."""
    for k, c in enumerate(counts):
        if c.part_of:
            continue
        for p_idx in range(k):
            p = counts[p_idx]
            if p.part_of or p.outcome != c.outcome or p.cumulative != c.cumulative or p.repeat_of is not None:
                continue
            same = p.best == c.best and (not c.who or not p.who or c.who == p.who)
            vague_again = c.vague and not c._others and not p.vague
            if same or vague_again:
                c.repeat_of = p_idx
                break
