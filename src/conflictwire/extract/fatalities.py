"""Fatalities and tolls stage: counts of people killed, injured, abducted, arrested or displaced.

Reads sentence boundaries from the spaCy ``Doc`` and scans each sentence's words with the number grammar of
``numbers.py`` and the readable lexicon ``data/fatality_words.toml`` (outcome words before and after the people
counted, person nouns, cues for parts and cumulative tolls). Rules, not a model: every count can be traced to the
words that made it.

ACLED's conventions: the conservative figure is the best one ("at least 25" = 25, "5-7" = 5 with 7 as the high);
vague words are coded as numbers (numbers.toml); injuries are never deaths; a subset ("including 20 children") is
flagged ``part_of`` and a toll over a period ("since November 27", "so far this year") ``cumulative``, so that
neither is added to an incident's fatalities. A count that restates an earlier one ("killed 5 ... the five
victims") points at it with ``repeat_of``; a later, smaller figure that details the report's lead total ("at least
25 were killed in raids on the province ... in the capital seven died") points at it with ``within``. A report's
own incident total is therefore the sum of the best figures of killed counts with none of the four flags; a
linker that makes the detail its own event (the seven in the capital) may still use its figure for that event.

Hedged figures ("could have been killed") are dropped; people who speak ("a doctor said") are sources, not
victims; figures before an active verb ("two gunmen killed 10") count perpetrators and are not kept.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from . import nlp, numbers
from .mentions import CountMention
from .numbers import Phrases, Tok

OUTCOMES = ("other", "killed", "injured", "abducted", "arrested", "displaced")
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec",
}  # fmt: skip
_BREAK = {".", ";", ":", "!", "?", "(", ")", '"'}
_PREPOSITIONS = {
    "in", "at", "on", "near", "inside", "from", "during", "across", "around", "outside", "of", "amid", "amidst",
}  # fmt: skip
_YEAR = re.compile(r"(1[89]|20)\d\d")


@dataclass
class _Lex:
    after: Phrases
    before: Phrases
    aux: Phrases
    who: dict[str, str]
    singular: set[str]
    not_people: set[str]
    not_before: set[str]
    avenged: set[str]
    part_before: Phrases
    part_after: Phrases
    cumulative: list[str]
    toll_nouns: Phrases
    toll_verbs: Phrases


def _phrases(table: dict) -> Phrases:
    # longest first so "killed or injured" wins over "killed"
    return Phrases((tuple(p.split()), outcome) for outcome in OUTCOMES for p in table.get(outcome, []))


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
        aux=Phrases((tuple(a.split()), "aux") for a in data["aux"]["words"]),
        who=who,
        singular=set(data["people"].get("singular", [])),
        not_people=set(data["not_people"]["words"]),
        not_before=set(data["not_count_before"]["words"]),
        avenged=set(data["avenged"]["words"]),
        part_before=Phrases((tuple(p.split()), "part") for p in data["part_of"]["before"]),
        part_after=Phrases((tuple(p.split()), "part") for p in data["part_of"]["after"]),
        cumulative=data["cumulative"]["cues"],
        toll_nouns=Phrases((tuple(p.split()), "toll") for p in data["toll"]["nouns"]),
        toll_verbs=Phrases((tuple(p.split()), "toll") for p in data["toll"]["verbs"]),
    )


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
    how: str = ""  # after | before | coord | part | subject
    end: int = 0  # token after the whole count phrase (outcome words included)
    others: bool = False  # "many others", "two more": in addition to a count before
    part_of: bool = False
    definite: bool = False  # "the boy", "he", a named person: refers to people counted before, if any
    hedged: bool = False  # "could have been killed": not a count ACLED would code
    sentence: int = 0
    kind: str = "figure"  # figure | person | pronoun | article
    article: str = ""
    speaker: bool = False
    loose: bool = False  # an article and unknown words: only a killed or injured count
    part_cue: str = ""  # before ("including 20 children") | after ("two of them")
    key: str = ""  # last word of a definite reference ("Hassan"), to tell two named people apart
    after_comma: bool = False


# Singular people introduced by these words count as one; "the", "his", "her" refer back (definite).
_ARTICLES = {
    "a": False, "an": False, "another": False, "the": True, "his": True, "her": True, "its": True, "their": True,
}  # fmt: skip
_SUBJECT_PRONOUNS = {"he", "she"}
_OBJECT_PRONOUNS = {"him", "her"}
_PASSIVE = {"was", "were", "is", "are", "has", "have", "had", "been", "got", "get", "be", "being"}
_MODALS = {"could", "may", "might", "would"}
_INTRANSITIVE = {"died", "die", "dies", "perished", "succumbed", "lost", "dead", "drowned"}
# Outcome verbs that are active when an object follows ("bombers killed 10"): then the figure before them
# counts the perpetrators, not the victims.
_TRANSITIVE = {
    "killed", "injured", "wounded", "hurt", "abducted", "kidnapped", "arrested", "detained", "displaced",
    "murdered", "executed", "massacred", "slaughtered", "beheaded", "lynched", "assassinated", "seized",
    "captured", "evacuated", "maimed", "shot", "gunned", "slain",
}  # fmt: skip
_DEAD_AFTER = {"found", "left", "declared", "confirmed", "feared", "presumed", "pronounced", "lay", "lying"}
_CLAUSE_END = {
    "stating", "denied", "denying", "claiming", "insisting",
    "said", "says", "told", "reported", "according", "added", "stated", "claimed", "when", "while", "after",
    "before", "because", "but", "although", "though", "whereas", "adding", "saying", "as",
}  # fmt: skip


def _is_excluded(toks: list[Tok], num: numbers.Number) -> bool:
    lex = lexicon()
    a, b = num.start, num.end
    prev = toks[a - 1].low if a > 0 else ""
    nxt = toks[b].low if b < len(toks) else ""
    if prev in lex.not_before or prev in _MONTHS or nxt in _MONTHS:
        return True
    for k in range(max(0, a - 6), a - 1):
        if toks[k].low in lex.avenged and (toks[k].low.startswith("aveng") or toks[k + 1].low == "for"):
            return True  # "in revenge for the deaths of eight soldiers": an earlier event's dead
    # a clock time ("10:30", "5 pm"), an age ("12-year-old", "30 year-old"), a year ("2011")
    if nxt == ":" or nxt in ("year", "years") and b + 1 < len(toks) and toks[b + 1].low in ("-", "old"):
        return True
    if nxt == "-" and b + 1 < len(toks) and toks[b + 1].low in ("year", "years", "month"):
        return True
    if nxt in ("th", "st", "nd", "rd"):
        return True
    if prev == "," and nxt == "," and not num.vague and a >= 2 and toks[a - 2].text[:1].isupper():
        return True  # "Sofee Yapa, 46, was shot dead": an age
    if prev == "of" and a >= 2 and (toks[a - 2].low in lex.who or numbers.parse(toks, a - 2) is not None):
        return True  # "foreigners of eight nationalities"
    if not num.vague and _YEAR.fullmatch(toks[b - 1].low) and toks[b - 1].low == num.word:
        return lex.who.get(nxt) is None
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
            if k + 1 < n and toks[k + 1].low in lex.not_people:
                return None  # "military vehicles", "police stations": a person word as a modifier of things
            end, who, has_head = k + 1, lex.who[w] or who, True
            # "police officers", "family members", "aid workers": keep the last person word
            continue
        if has_head:
            break
        if w in lex.not_people:
            if k + 1 < n and toks[k + 1].low in lex.who:
                continue  # "truck drivers", "cattle rustlers": a thing as a modifier of the person word
            return None
        if w in _BREAK or w in (",", "and", "but", "or", "while", "as") or w in _PREPOSITIONS:
            break
        if w in _CLAUSE_END or w in ("that", "who", "which") or w[0].isdigit() or w in _NUMBER_START:
            break  # "one outlet reported that three ...": a verb or another figure ends the phrase
        if lex.after.at(toks, k) or w in _PASSIVE:
            # an unknown noun right before "were killed" / "died" ("three federal agents were killed")
            if k > j and all(
                (t.low.isalpha() and not t.low.endswith("ly")) or t.low == "-" for t in toks[j:k]
            ):
                return k, "", True, others
            break
    return end, who, has_head, others


@dataclass(slots=True)
class _Found:
    outcome: str
    end: int
    hedged: bool = False  # a modal on the way: "could have been killed"
    relative: bool = False  # through "who" / "that": "25 people who had fled"
    direct: bool = False  # no aux word on the way: "10 dead", "soldiers died"


def _outcome_after(toks: list[Tok], k: int) -> _Found | None:
    """The outcome words after the people counted, over aux words and one short place or time phrase."""
    lex = lexicon()
    n = len(toks)
    steps = 0
    skipped_pp = False
    aux_seen = hedged = relative = False
    while k < n and steps < 8:
        m = lex.after.at(toks, k)
        a = lex.aux.at(toks, k)
        if m and a and len(a[0]) > len(m[0]):
            m = None  # "were abducted and killed": the last verb tells the outcome
        if (
            m
            and m[1] == "other"
            and "and" in m[0]
            and k + len(m[0]) < n
            and _object_follows(toks, k + len(m[0]))
        ):
            m = ((m[0][0],), "killed")  # "were killed and injured nine others": two verbs, not casualties
        if m:
            end = k + len(m[0])
            if not aux_seen and m[0][0] in _TRANSITIVE and end < n and _object_follows(toks, end):
                return None
            return _Found(m[1], end, hedged, relative, not aux_seen)
        if a and a[0][0] in _NEEDS_PASSIVE and not aux_seen:
            return None
        if a:
            # "the blast that killed 11 people": a relative pronoun is no passive
            # only a form of "be" makes a passive: "have killed", "reportedly killed" stay active
            aux_seen = aux_seen or a[0][0] in _BE
            relative = relative or a[0][0] in ("who", "that", "which", "whom")
            hedged = hedged or a[0][0] in _MODALS
            k += len(a[0])
            steps += 1
            continue
        w = toks[k].low
        if (w.endswith("ly") and w.isalpha()) or w in _TIME_WORDS:
            k += 1
            steps += 1
            continue
        if w in ("[", "(") and aux_seen:
            # "were Tuesday [26 August] morning killed"
            close = next((q for q in range(k + 1, min(k + 9, n)) if toks[q].low in ("]", ")")), None)
            if close is None:
                return None
            k, steps = close + 1, steps + 1
            continue
        if w in _PREPOSITIONS and not skipped_pp:
            # "25 people in the village were killed", "soldiers from the army died", "were on Sunday killed"
            for q in range(k + 1, min(k + 6, n)):
                if toks[q].low in _BREAK or toks[q].low == "," or toks[q].low[0].isdigit():
                    return None
                if lex.aux.at(toks, q) or lex.after.at(toks, q):
                    k = q
                    skipped_pp = True
                    break
            else:
                return None
            continue
        return None
    return None


_BE = {"was", "were", "is", "are", "been", "be", "being", "got", "get", "were found"}
_NEEDS_PASSIVE = {"said", "reported", "believed", "feared", "thought", "confirmed", "found", "to"}
_NOT_AUX = {"who", "that", "which", "they", "them", "of", "whom", "people", "person", "persons", "others"}
_TIME_WORDS = {
    "this", "weekend", "week", "yesterday", "today", "overnight", "tonight", "recently", "earlier", "later", "night", "morning",
    "afternoon", "evening", "last", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday",
}  # fmt: skip


def _object_follows(toks: list[Tok], k: int) -> bool:
    """Is there an object after a verb at token k ("shot dead on Monday a politician", "killed Somali cleric X")?"""
    lex = lexicon()
    while k < len(toks) - 1 and (toks[k].low in _TIME_WORDS or toks[k].low in ("on", "late", "early")):
        k += 1
    t = toks[k]
    return (
        t.low[0].isdigit()
        or (t.text[0].isupper() and t.low not in _TIME_WORDS and t.low not in _MONTH_WORDS)
        or t.low in lex.who
        or t.low in _ARTICLES
        or t.low in ("him", "them", "dozens", "several")
        or (t.low == "at" and k + 1 < len(toks) and toks[k + 1].low == "least")
        or numbers.parse(toks, k) is not None
    )


_SINGULAR_AUX = {"was", "is", "has", "had"}
_MONTH_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
}  # fmt: skip
_WEAK = {"left", "leaving", "dead", "deaths", "fatalities", "lives", "of", "to", "at", "is", "was"}


def _outcome_before_word(toks: list[Tok], a: int) -> str:
    """The last word of the outcome phrase before token a ('leaving' in 'leaving a mosque')."""
    m = lexicon().before.ending(toks, a)
    return m[0][-1] if m else ""


def _outcome_before(toks: list[Tok], a: int) -> str:
    lex = lexicon()
    m = lex.before.ending(toks, a)
    return m[1] if m else ""


def _singular_at(toks: list[Tok], i: int) -> tuple[int, str] | None:
    """'a child', 'an elderly woman', 'a 12-year-old boy': (end, who)."""
    lex = lexicon()
    for k in range(i + 1, min(i + 7, len(toks))):
        w = toks[k].low
        if w in lex.singular:
            if k + 1 < len(toks) and (toks[k + 1].low in lex.who or toks[k + 1].low in lex.singular):
                continue  # a modifier: "a security force member", "a police officer"
            if k + 2 < len(toks) and toks[k + 1].low.isalpha() and toks[k + 2].low in lex.singular:
                continue  # "a deputy provincial governor"
            return k + 1, lex.who.get(w, "")
        if w in ("year", "years", "month", "months", "old"):  # "a 12-year-old boy"
            continue
        if w[0].isdigit() and k + 1 < len(toks) and toks[k + 1].low in ("-", "year", "years"):
            continue
        if w in _CLAUSE_END or w in ("that", "who", "which") or numbers.parse(toks, k) is not None:
            return None
        if w in lex.who and w.endswith("s"):  # a plural person word: not one person
            return None
        if w in lex.not_people and k + 1 < len(toks):
            # "the village chief": a thing as a modifier of the person word after it
            nxt = toks[k + 1].low
            if nxt.isalpha() and nxt not in _PASSIVE and not lex.after.at(toks, k + 1):
                continue
        if w in _BREAK or w in (",", "and", "or", "of") or w in lex.not_people:
            return None
        if lex.after.at(toks, k) or w in _PASSIVE:
            return None
    return None


_HONORIFICS = {
    "mr", "mrs", "ms", "dr", "prof", "professor", "chief", "alhaji", "alhaja", "sheikh", "mullah", "mawlawi",
    "maulvi", "gen", "general", "col", "colonel", "capt", "captain", "lt", "maj", "major", "sgt", "engr", "rev",
    "father", "brother", "sister", "hajiya", "haji", "imam", "pastor", "bishop", "senator", "hon", "sir",
}  # fmt: skip
_NUMBER_START = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens"}
_LOOSE_AFTER = {
    ",",
    "and",
    "that",
    "(",
    '"',
    "when",
    "as",
    "while",
    "say",
    "says",
    "said",
    "reported",
    "reports",
}
_SPEECH = {
    "said",
    "says",
    "told",
    "reported",
    "added",
    "stated",
    "confirmed",
    "explained",
    "noted",
    "claimed",
}
_STOPPERS = {",", "and", "or", "when", "while", "after", "as", "who", "whom", "that", "which", "but"}


def _phrase_stop(toks: list[Tok], k: int) -> int | None:
    """Where up to four unknown words after a figure end at a clause boundary: the end token, or None."""
    lex = lexicon()
    for q in range(k, min(k + 5, len(toks))):
        w = toks[q].low
        if w in _BREAK or w in _STOPPERS or w in _PREPOSITIONS:
            return q if q > k else None
        if (
            not (w.isalpha() or w in ("-", "'"))
            or w in lex.not_people
            or lex.after.at(toks, q)
            or w in _PASSIVE
        ):
            return None
    return len(toks) if len(toks) - k <= 4 else None


def _loose_singular(toks: list[Tok], i: int) -> tuple[int, str] | None:
    """'a radio anchorman', 'an off-duty vaccinator': an article and words no list knows, up to a boundary or
    a passive. Only kept with a killed or injured outcome (see _candidate)."""
    lex = lexicon()
    n = len(toks)
    for q in range(i + 1, min(i + 6, n)):
        w = toks[q].low
        if q > i + 1 and (w in _BREAK or w in _STOPPERS or w in _PREPOSITIONS or w in _PASSIVE):
            return q, ""
        if not (w.isalpha() or w == "-") or w in lex.not_people or w in lex.who or lex.after.at(toks, q):
            return None
        if w in _ARTICLES or w in _CLAUSE_END or numbers.parse(toks, q) is not None:
            return None
    return None


def _subject_outcome(toks: list[Tok], c: _Cand, stops: set[int]) -> _Found | None:
    """'Ten residents of the province, including two officials, have been killed': the outcome of a count that
    is the subject of a passive or of 'died' further on in its clause."""
    lex = lexicon()
    n = len(toks)
    depth = 0
    listing = False
    for k in range(c.head_end, min(c.head_end + 40, n)):
        w = toks[k].low
        if w in ("(", "["):
            depth += 1
            continue
        if w in (")", "]"):
            if depth == 0:
                return None  # the count sat inside a parenthesis that closes here
            depth -= 1
            continue
        if depth:
            continue
        if k in stops or w in _CLAUSE_END or w in (";", ":", ".", "?", "!"):
            return None
        if w in ("including", "among"):
            listing = True
        if (
            not listing
            and w in (",", "and")
            and k + 1 < n
            and toks[k + 1].low in ("a", "an", "the", "another")
            and k > c.head_end
        ):
            return None  # a new subject: "..., and a buffalo was killed"
        prev = toks[k - 1].low if toks[k - 1].low not in ("also", "then", "later") else toks[k - 2].low
        if (prev in lex.not_people or prev in ("'", "bodies", "body")) and not any(
            t.low in _PREPOSITIONS for t in toks[max(c.head_end, k - 4) : k - 1]
        ):
            continue  # "some houses were burned", "the villagers' cows died" (but "critical of the groups, was")
        if w == "dead" and prev not in _PASSIVE and prev not in _DEAD_AFTER:
            continue  # "carrying the dead": a noun
        if w in _PASSIVE or (w in _INTRANSITIVE and toks[k - 1].low not in _TRANSITIVE):
            got = _outcome_after(toks, k)
            if got and (w in _PASSIVE or got.end >= n or not _object_follows(toks, got.end)):
                return got
    return None


def _candidate(toks: list[Tok], i: int, persons: dict[int, int]) -> tuple[_Cand | None, int]:
    """The count that starts at token i, if any, and the token to scan from next."""
    lex = lexicon()
    n = len(toks)
    tok = toks[i]
    definite = sg_loose = False
    if tok.start in persons:
        # a named person ("gunmen shot dead Ali Hassan", "Ali Hassan was killed"): one, definite
        if (
            i
            and toks[i - 1].low in _PREPOSITIONS | {"by", "with", "for", "to"}
            and not _outcome_before(toks, i)
        ):
            return None, i + 1  # "the camps of Kabkabiya", "in Kogi State": not a victim
        end_char = persons[tok.start]
        head_end = next((k for k in range(i, n) if toks[k].start >= end_char), n)
        if toks[head_end - 1].low.endswith("'s") or (head_end < n and toks[head_end].low in ("'", "'s")):
            # "Gesey's bodyguards": the name owns the people counted; "Ayiemba's mother": one person
            if head_end < n and toks[head_end].low in lex.singular and not toks[head_end].low.endswith("s"):
                head_end += 1
            else:
                return None, head_end
        while i and (
            toks[i - 1].low in _HONORIFICS
            or (i >= 2 and toks[i - 1].low == "." and toks[i - 2].low in _HONORIFICS)
        ):
            i -= 1  # "killed Mr Morris Jonathan"
        num = numbers.Number(i, head_end, 1, 1, 1, word="<person>")
        who, has_head, others, definite = "", True, False, True
    elif tok.low in _SUBJECT_PRONOUNS or (
        tok.low in _OBJECT_PRONOUNS and _outcome_before(toks, i) == "killed"
    ):
        num = numbers.Number(i, i + 1, 1, 1, 1, word="<pronoun>")
        head_end, who, has_head, others, definite = i + 1, "", True, False, True
    else:
        num = numbers.parse(toks, i)
        if num is not None and _is_excluded(toks, num):
            return None, num.end
        if num is None and tok.low in _ARTICLES:
            if (
                i
                and toks[i - 1].low in _PREPOSITIONS | {"by", "with", "for", "to"}
                and not _outcome_before(toks, i)
            ):
                return None, i + 1  # "one of the staff", "attacked by a gunman"
            sg = _singular_at(toks, i)
            sg_loose = sg is None
            if sg_loose and tok.low in ("a", "an", "another"):
                # only as a subject or an object right after the verb, never inside "of a company"
                prev = toks[i - 1].low if i else ""
                if not prev or prev in _LOOSE_AFTER or _outcome_before(toks, i):
                    sg = _loose_singular(toks, i)
            if sg is None:
                return None, i + 1
            num = numbers.Number(i, i + 1, 1, 1, 1, word="<article>")
            (head_end, who), has_head, others = sg, True, tok.low == "another"
            definite = _ARTICLES[tok.low]
        elif num is None:
            return None, i + 1
        else:
            np = _noun_phrase(toks, num.end)
            if np is None:
                return None, num.end
            head_end, who, has_head, others = np
            definite = tok.low == "the"
    c = _Cand(num.start, num.end, head_end, num.low, num.best, num.high, num.at_least, num.vague, who)
    c.others, c.definite = others, definite
    c.kind = {"<person>": "person", "<pronoun>": "pronoun", "<article>": "article"}.get(num.word, "figure")
    after = _outcome_after(toks, head_end)
    before = _outcome_before(toks, num.start)
    c.loose = sg_loose
    c.article = tok.low if c.kind == "article" else ""
    if (
        after
        and before
        and (after.relative or (after.direct and _outcome_before_word(toks, num.start) not in _WEAK))
    ):
        # "executed 15 men who had been kidnapped", "killed six captured soldiers": the verb before wins
        after = None
    if (
        after
        and sg_loose
        and (
            after.direct
            or after.outcome not in ("killed", "injured")
            or toks[head_end].low not in _SINGULAR_AUX
        )
    ):
        after = None  # an unknown singular noun needs a singular passive: "a radio host was killed"
    if after:
        c.outcome, c.end, c.hedged, c.how = after.outcome, after.end, after.hedged, "after"
    elif before and (
        not sg_loose or (before in ("killed", "injured") and _outcome_before_word(toks, i) not in _WEAK)
    ):
        nxt = toks[head_end].low if head_end < n else ""
        stop = _phrase_stop(toks, head_end)
        # a headless figure after a verb needs the phrase to stop there ("killing 3 in Kano")
        if has_head or not nxt or nxt in _BREAK or nxt in (",", "and", "or", "of") or nxt in _PREPOSITIONS:
            c.outcome, c.how, c.end = before, "before", head_end
        elif stop is not None:
            # unknown or misspelt nouns after the verb ("killing ten Beni Hussein tribesmen and ...")
            c.outcome, c.how, c.end = before, "before", stop
    if not c.outcome and lex.toll_verbs.ending(toks, num.start):
        # "the death toll from the raids has risen to 56"
        for k in range(num.start - 1, max(-1, num.start - 30), -1):
            if toks[k].low in (",", ";", "injured", "injuries", "wounded", "hurt"):
                break  # "all fatalities were in the city, while the injuries reached 18"
            if lex.toll_nouns.at(toks, k):
                c.outcome, c.how, c.end = "killed", "before", head_end
                break
    if not c.end:
        c.end = head_end
    if num.word in ("<person>", "<pronoun>", "<article>") and not c.outcome and not has_head:
        return None, i + 1
    if not c.outcome and num.vague and not has_head:
        return None, num.end
    # "including 20 children", "of whom 3 were children"
    if lex.part_before.ending(toks, num.start):
        c.part_of, c.part_cue = True, "before"
    elif lex.part_after.at(toks, num.end):
        c.part_of, c.part_cue = True, "after"
    nxt_i = max(c.end, num.end, i + 1) if c.outcome else max(num.end, i + 1)
    return c, nxt_i


def _sentence_counts(toks: list[Tok], persons: dict[int, int]) -> list[_Cand]:
    lex = lexicon()
    cands: list[_Cand] = []
    i, n = 0, len(toks)
    while i < n:
        c, i = _candidate(toks, i, persons)
        if c is not None:
            cands.append(c)
    # everything inside "including ..., " up to the next comma is part of the count before it
    for k in range(n):
        cue = lex.part_before.at(toks, k)
        if (
            cue
            and cue[0][0] in ("including", "among", "incl", "comprising", "mostly", "mainly")
            and any(d.a < k for d in cands)
        ):
            stop = next(
                (
                    q
                    for q in range(k + 1, n)
                    if toks[q].low in _BREAK
                    or toks[q].low in (",", "while", "but")
                    or toks[q].low in _BE
                    or lex.after.at(toks, q)
                ),
                n,
            )
            for d in cands:
                if k < d.a < stop and not d.part_of:
                    d.part_of, d.part_cue = True, "before"
    for c in cands:
        nxt = toks[c.head_end].low if c.head_end < n else ""
        if nxt in ("-", "(", "[", ":") and not c.part_of:
            # "eight people - six officials and two policemen - were killed", "ten died (locals say 20)"
            close = {"-": "-", "(": ")", "[": "]", ":": "."}[nxt]
            stop = next((q for q in range(c.head_end + 1, n) if toks[q].low in (close, ";")), n)
            for d in cands:
                if c.head_end < d.a < stop and not d.part_of:
                    d.part_of, d.part_cue = True, "before"
        elif c.part_of and c.part_cue == "after":
            # "six died, three of them farmers and three herders": the groups after "of them" are parts too
            for d in cands:
                if d.a > c.a and not d.part_of and [t.low for t in toks[c.head_end : d.a]][-1:] == ["and"]:
                    d.part_of, d.part_cue = True, "before"
                    break
    # "a police colonel and a doctor said": people who speak are sources, not victims
    for k in range(len(cands) - 1, -1, -1):
        c = cands[k]
        nxt = toks[c.head_end].low if c.head_end < n else ""
        right = cands[k + 1] if k + 1 < len(cands) else None
        if nxt in _SPEECH or (
            right is not None
            and right.speaker
            and toks[c.head_end : right.a][-1:]
            and toks[right.a - 1].low == "and"
            and right.a - c.head_end == 1
        ):
            c.speaker = True
    cands = [c for c in cands if not c.speaker]
    _coordinate(toks, cands)
    # a subject whose verb comes later in the clause
    stops = {d.a for d in cands if not d.part_of}
    for c in cands:
        if not c.outcome and (not c.part_of or c.part_cue in ("after", "after?")):
            got = _subject_outcome(toks, c, stops - {c.a})
            if got and (not c.loose or got.outcome in ("killed", "injured")):
                c.outcome, c.end, c.hedged, c.how = got.outcome, got.end, got.hedged, "subject"
    _coordinate(toks, cands)
    del lex
    return [c for c in cands if c.outcome and not c.hedged]


def _coordinate(toks: list[Tok], cands: list[_Cand]) -> None:
    """Share an outcome across 'two soldiers and three civilians were killed' and 'killed 5 men and 2 women',
    and between a whole and its part ('20 soldiers including a captain were killed')."""

    def joined(left: _Cand, right: _Cand) -> bool:
        gap = [t.low for t in toks[left.head_end : right.a]]
        return gap in (["and"], [","], [",", "and"], ["as", "well", "as"], ["or"])

    def gap(left: _Cand, right: _Cand) -> int:
        return right.a - left.head_end

    for k in range(len(cands) - 2, -1, -1):
        c, nxt = cands[k], cands[k + 1]
        prev = cands[k - 1] if k else None
        if (
            prev is not None
            and prev.outcome
            and prev.how in ("before", "coord")
            and joined(prev, c)
            and gap(prev, c) <= gap(c, nxt)
        ):
            continue  # "injured four villagers and a monk, and another villager died": the monk was injured
        if not c.outcome and nxt.outcome and nxt.how in ("after", "coord", "subject") and joined(c, nxt):
            c.outcome, c.how, c.end = nxt.outcome, "coord", c.head_end
    for k in range(1, len(cands)):
        prev, c = cands[k - 1], cands[k]
        if c.outcome:
            if c.part_of and not prev.outcome and not prev.part_of and c.how in ("after", "subject"):
                # the part carries the verb for the whole
                prev.outcome, prev.how, prev.hedged = c.outcome, "coord", c.hedged
            continue
        if prev.outcome and prev.how in ("before", "coord") and joined(prev, c):
            c.outcome, c.how = prev.outcome, "coord"
        elif c.part_of and prev.outcome:
            # "56 were killed, including 20 children": the part shares the whole's outcome
            c.outcome, c.how = prev.outcome, "part"
    # a part with no count before it in the sentence is not a part ("one of them died" after an injury count)
    for k, c in enumerate(cands):
        if c.part_of and c.outcome and not any(p.outcome == c.outcome for p in cands[:k]):
            # "two of them later died" after a count of the injured; kept for find() to check across sentences
            c.part_of = c.part_cue == "after" and c.how != "part"
            c.part_cue = "after?" if c.part_of else ""


# "in three weeks", "over the past two months", "within 48 hours": a period, so a cumulative toll
# (a day's toll, "over the past 24 hours", is an incident toll as ACLED codes it)
_PERIOD = re.compile(
    r"\b(?:in|over|within|during|for)\s+(?:the\s+)?(?:past\s+|last\s+|previous\s+)?"
    r"(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|few|recent)\s+(?:days|weeks|months|years)"
    r"|(?<=past\s)(?:week|month|year)|(?<=last\s)(?:week|month|year))\b"
)


def _is_cumulative(sent_low: str) -> bool:
    return any(cue in sent_low for cue in lexicon().cumulative) or bool(_PERIOD.search(sent_low))


def _sentences(doc) -> list[tuple[int, int]]:
    return [(c, d) for _, _, c, d in nlp.sentence_bounds(doc)] or [(0, len(nlp.text_of(doc)))]


@functools.cache
def _outcome_words() -> re.Pattern:
    """Any word of an outcome phrase: a sentence without one holds no count, and is skipped (speed)."""
    lex = lexicon()
    words = set()
    for index in (lex.after, lex.before, lex.toll_nouns):
        for phrases in index.by_first.values():
            for ws, _tag in phrases:
                words.update(w for w in ws if len(w) > 3 and w not in _FILLER)
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b")


_FILLER = {"left", "leaving", "least", "took", "taking", "forcing", "forced"}


def find(doc) -> list[CountMention]:
    text = nlp.text_of(doc)
    persons: dict[int, int] | None = None  # PERSON entities, read only when a sentence needs them
    words = _outcome_words()
    out: list[CountMention] = []
    cands: list[_Cand] = []
    for sent_no, (s, e) in enumerate(_sentences(doc)):
        sent = text[s:e]
        if not words.search(sent.lower()):
            continue
        if persons is None:
            persons = {a: b for _, _, label, a, b in nlp.entities(doc) if label == "PERSON"}
        toks = numbers.tokenize(sent, s)
        if not toks:
            continue
        cumulative = _is_cumulative(sent.lower())
        for c in _sentence_counts(toks, persons):
            start, end = toks[c.a].start, toks[max(c.end, c.b) - 1].end
            c.key = text[toks[c.a].start : toks[c.head_end - 1].end].split()[-1].lower()
            c.after_comma = c.a > 0 and toks[c.a - 1].low in (",", "(")
            c.sentence = sent_no
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
            cands.append(c)
        _mark_other_accounts(toks, out, cands, sent_no)
    for k, c in enumerate(cands):
        if c.part_cue == "after?":
            # "four of them were shot dead": part of an earlier count of the same people, if there is one
            out[k].part_of = any(
                p.outcome == out[k].outcome and not p.cumulative and p.best >= out[k].best for p in out[:k]
            )
    _mark_repeats(out, cands)
    _mark_within(out, cands)
    return out


_CONTRAST = {"while", "whereas", "but", "however"}
_ACCOUNT = {"reported", "said", "says", "claimed", "put", "told", "according", "counted", "reports", "claims"}


def _mark_other_accounts(toks: list[Tok], out: list[CountMention], cands: list[_Cand], sent_no: int) -> None:
    """'three were killed, while another outlet reported that two were killed': two accounts of one toll. ACLED
    keeps the conservative one, so the higher figure points at the lower with ``repeat_of``."""
    idx = [k for k, c in enumerate(cands) if c.sentence == sent_no and out[k].outcome == "killed"]
    for a_pos, a in enumerate(idx):
        for b in idx[a_pos + 1 :]:
            ca, cb = cands[a], cands[b]
            if out[a].part_of or out[b].part_of or out[a].cumulative or out[b].cumulative:
                continue
            between = [t.low for t in toks[ca.end : cb.a]]
            contrast = next((q for q, w in enumerate(between) if w in _CONTRAST), None)
            if contrast is None or not any(w in _ACCOUNT for w in between[contrast : contrast + 9]):
                continue
            high, low = (a, b) if out[a].best > out[b].best else (b, a)
            if out[high].repeat_of is None:
                out[high].repeat_of = low
            break


def _mark_within(counts: list[CountMention], cands: list[_Cand]) -> None:
    """Figures after a report's lead total that add up to no more than it detail it: 'at least 25 were killed in
    raids ... in the city seven died ... ten children were among the dead' is 25, not 42."""
    for outcome in ("killed", "injured"):
        lead = next(
            (
                k
                for k, c in enumerate(counts)
                if c.outcome == outcome
                and not (c.part_of or c.cumulative or c.vague or c.repeat_of is not None)
                and cands[k].kind == "figure"
            ),
            None,
        )
        if lead is None or cands[lead].sentence > 1:
            continue
        total = 0
        for k in range(lead + 1, len(counts)):
            c = counts[k]
            if c.outcome != outcome or c.part_of or c.cumulative or c.repeat_of is not None:
                continue
            if cands[k].sentence == cands[lead].sentence or cands[k].others:
                continue  # groups in the lead's own sentence add up ("four women and three men"); "five more"
            if c.who in ("soldiers", "fighters") and c.who != counts[lead].who:
                continue  # "many of its soldiers were killed" after "25 people died in air raids": other people
            if c.best >= counts[lead].best or total + c.best > counts[lead].best:
                break
            total += c.best
            c.within = lead


def _mark_repeats(counts: list[CountMention], cands: list[_Cand]) -> None:
    """Flag counts that restate an earlier one, so that nobody adds them twice:
    - the same outcome and figure again ("killing 5 ... the five victims were buried");
    - a vague count after a figure ("7 were killed ... several people died"), unless it says "others";
    - a definite reference ("the boy", "he", a named person) to people counted before;
    - one person in apposition ("killed one civilian, a farmer")."""
    for k, c in enumerate(counts):
        if c.part_of:
            continue
        ck = cands[k]
        for p_idx in range(k - 1, -1, -1):
            p, pk = counts[p_idx], cands[p_idx]
            if p.part_of or p.outcome != c.outcome or p.cumulative != c.cumulative or p.repeat_of is not None:
                continue
            if ck.kind == pk.kind == "person" and ck.key != pk.key:  # keys: last word of the name
                continue  # two named people are two people
            same = (
                p.best == c.best
                and (c.best > 1 or ck.definite or (c.who and c.who == p.who) or ck.key == pk.key)
                and (not c.who or not p.who or c.who == p.who)
                and pk.sentence < ck.sentence
                and not ck.others
            )
            vague_again = (
                c.vague
                and not ck.others
                and not p.vague
                and not c.cumulative
                and (not c.who or c.who == p.who)
            )
            refers_back = ck.definite and p.best >= c.best and pk.sentence < ck.sentence
            apposition = (
                (
                    (ck.kind == "article" and ck.article in ("a", "an", "the"))
                    or (ck.kind == "person" and pk.kind != "person")
                )
                and ck.after_comma
                and c.best == 1
                and ck.sentence == pk.sentence
                and ck.a == pk.head_end + 1
            )
            if same or vague_again or refers_back or apposition:
                c.repeat_of = p_idx
                break
