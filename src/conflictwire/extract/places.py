"""places stage: every place named in a report, resolved to one gazetteer entry with ACLED's geo_precision.

How (documented choices, in order):
1. Exact lookup of token n-grams that start with a capitalised token in the gazetteer's normalised-name dict
   (``gazetteer.py``; longest match wins; the scan stops when no name continues the prefix). Measured with
   ``benchmarks/places_accuracy.py --matcher`` on 2,338 sentences: spaCy's PhraseMatcher (attr LOWER) over the same
   ~475k names matches in ~0.01 ms/sentence but takes ~50 s to build in every process; the dict lookup takes
   ~0.02 ms/sentence with nothing to build beyond the cached index, so it is used.
2. A following noun says what the name is: "Idlib province" is the region (precision 3), "Namtu Township" the
   township around its town (precision 2), "Khansir town" a town. Names that are common English words
   (``data/places_common_words.txt``, spaCy's stop words, words the report also writes in lower case) count only
   when NER tags them GPE/LOC/FAC or a cue ("in", "at", "near", "the town of") stands before them.
3. rapidfuzz for transliterations: capitalised spans that NER tags GPE/LOC/FAC, or that a place noun follows,
   with no exact hit, compared with the names of the report's countries only (Khansir = Khanasir).
4. Disambiguation: the report's country context (country names, demonyms, unambiguous places; the strongest
   country wins), then nearness to the other places of the report, then population; admin1 seats are preferred.
5. Precision: "near X", "south of X", "outskirts of X", "in and around X", "X countryside" -> 2 and near; a
   direction before a region ("northern Idlib") -> 2; regions -> 3 with their capital's point.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path

from spacy.attrs import IDX, IS_ALPHA, IS_LOWER, IS_PUNCT, IS_SPACE, SPACY

from . import gazetteer as gz
from . import nlp
from .mentions import PlaceMention

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_TOKENS = 7

ADMIN_NOUNS = {
    "province",
    "governorate",
    "state",
    "region",
    "oblast",
    "prefecture",
    "department",
    "county",
    "division",
    "territory",
}
LOCAL_NOUNS = {"district", "township", "municipality", "raion", "rayon", "commune", "subdistrict", "locality"}
TOWN_NOUNS = {
    "city",
    "town",
    "village",
    "villages",
    "hamlet",
    "neighbourhood",
    "neighborhood",
    "suburb",
    "camp",
}
AREA_NOUNS = {"countryside", "outskirts", "suburbs", "area", "areas", "environs", "vicinity", "axis", "front"}
DIRECTIONS = {
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "central",
    "rural",
}
CUES = {"in", "at", "near", "outside", "from", "to", "into", "around", "towards", "toward", "across", "of"}
STRICT_CUES = {"in", "at", "near", "outside", "around"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
_OWNER_LABELS = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"}
ARTICLES = {"al", "el", "ad", "as", "ar", "an", "ash", "at", "az", "ez", "es", "ed", "en", "le", "la", "de"}

_PLACE_NOUNS = ADMIN_NOUNS | LOCAL_NOUNS | TOWN_NOUNS | AREA_NOUNS

_NEAR = re.compile(
    r"(?:\bnear(?:by)?|\boutside(?: of)?|\boutskirts of|\bclose to|\bvicinity of|\bin and around|\baround"
    r"|\bsuburbs? of|\bcountryside of|\bperiphery of|\bfrom|\b(?:north|south|east|west|northeast|northwest"
    r"|southeast|southwest|north-east|north-west|south-east|south-west)(?:ern)?(?: part)? of"
    r"|\b(?:km|kilometres|kilometers|miles)(?: \w+)? (?:of|from))"
    r"\s+(?:the\s+)?(?:(?:city|town|village|province|governorate|region|state) of\s+)?$",
    re.IGNORECASE,
)
_NEAR_CUES = (
    "near", "outside", "outskirts", "close to", "vicinity", "around", "suburb", "countryside", "periphery",
    "north", "south", "east", "west", "km", "kilomet", "mile",
)  # fmt: skip
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_KM = re.compile(r"\b(?:km|kilometres|kilometers|miles)\b", re.IGNORECASE)
_DIRECTION_BEFORE = re.compile(
    r"\b(?:north|south|east|west|northern|southern|eastern|western|central|rural)"
    r"(?:-?(?:east|west)(?:ern)?)?\s+$",
    re.IGNORECASE,
)


@functools.cache
def common_words() -> frozenset[str]:
    """Words that are also place names somewhere (Police, Mark, Bar, Most): places only with support."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = set(STOP_WORDS)
    path = DATA / "places_common_words.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip().lower()
            if line:
                words.add(line)
    return frozenset(gz.norm(w) for w in words)


@functools.cache
def never_words() -> frozenset[str]:
    """Single words that are never a place by themselves (weekdays, directions, faiths): data/places_never_words.txt."""
    path = DATA / "places_never_words.txt"
    words = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                words.add(gz.norm(line))
    return frozenset(words)


@functools.lru_cache(maxsize=50_000)
def _primary(name: str) -> str:
    return gz.norm(name)


@functools.lru_cache(maxsize=200_000)
def _norm_token(text: str) -> str:
    return gz.norm(text)


class _Span:
    __slots__ = ("i", "j", "start", "end", "key", "ids", "noun", "support", "fuzzy", "choice", "sent")

    def __init__(self, i, j, start, end, key, ids, sent):
        self.i, self.j, self.start, self.end = i, j, start, end
        self.key, self.ids, self.sent = key, ids, sent
        self.noun = ""
        self.support = 0  # 2 NER place tag or strict cue, 1 other cue or place noun, 0 none
        self.fuzzy = False
        self.choice: int | None = None


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def _scan(info: _DocInfo, gaz, demonyms_found: Counter) -> list[_Span]:
    """Longest exact gazetteer matches over n-grams starting at capitalised tokens, within sentences."""
    keys, prefixes = gaz.keys, gaz.prefixes
    texts, lowers, idx, punct = info.texts, info.lowers, info.idx, info.punct
    spans: list[_Span] = []
    for sent_no, (s_start, s_end) in enumerate(info.sents):
        k = s_start
        while k < s_end:
            text = texts[k]
            lower = lowers[k]
            cap = text[:1].isupper()
            if punct[k] or not (cap or lower in DIRECTIONS or (lower in ARTICLES and k + 1 < s_end)):
                k += 1
                continue
            parts: list[str] = []
            best = None
            for m in range(k, min(s_end, k + MAX_TOKENS)):
                t = texts[m]
                if m > k and punct[m] and t not in _JOINERS:
                    break  # names do not run across punctuation or line breaks
                nt = _norm_token(t)
                if nt:
                    parts.append(nt)
                if t in _JOINERS:
                    continue
                key = " ".join(parts)
                if key in keys and (m > k or cap):
                    best = (m, key)
                if key not in prefixes:
                    break  # no longer name starts like this
            if best is None:
                if cap:
                    dem = gaz.demonyms.get(_norm_token(text))
                    if dem:
                        demonyms_found[dem] += 1
                k += 1
                continue
            m, key = best
            if not cap and not texts[min(k + 1, m)][:1].isupper():
                k += 1
                continue
            ids = keys[key]
            ids = (ids,) if isinstance(ids, int) else ids
            spans.append(_Span(k, m + 1, idx[k], idx[m] + len(texts[m]), key, ids, sent_no))
            k = m + 1
    return spans


_JOINERS = {"-", "'", "\u2019"}


def _context(doc, span: _Span) -> None:
    """What the words around a span say: a following noun, and how well the text supports a place reading."""
    nxt = doc[span.j] if span.j < len(doc) else None
    if nxt is not None:
        low = nxt.lower_
        if low in ADMIN_NOUNS or low in LOCAL_NOUNS or low in TOWN_NOUNS or low in AREA_NOUNS:
            span.noun = low
    support = 0
    if span.i > 0:
        prev = doc[span.i - 1]
        plow = prev.lower_
        if plow == "the" and span.i > 1:
            prev = doc[span.i - 2]
            plow = prev.lower_
        if plow in STRICT_CUES:
            support = 2
        elif (
            plow == "of"
            and span.i > 1
            and nlp.lowers(doc)[span.i - 2] in TOWN_NOUNS | ADMIN_NOUNS | LOCAL_NOUNS
        ):
            support = 2  # "the town of X", "village of X"
        elif plow in CUES or plow in DIRECTIONS:
            support = 1
    if span.noun and span.noun not in AREA_NOUNS:
        support = max(support, 2)
    elif span.noun:
        support = max(support, 1)
    span.support = support


class _DocInfo:
    """What the checks read many times per report, computed once: spaCy builds Span objects on every access."""

    __slots__ = (
        "text", "texts", "lowers", "ws", "idx", "punct", "ents", "sents", "sent_start", "sent_end",
        "lower_words", "covered",
    )  # fmt: skip

    def __init__(self, doc):
        self.text = nlp.text_of(doc)  # Doc.text joins every token on each access
        # one array copy instead of a Token object per attribute read
        arr = doc.to_array([IDX, IS_PUNCT, IS_SPACE, IS_ALPHA, IS_LOWER, SPACY]).tolist()
        self.texts = nlp.texts(doc)
        self.lowers = nlp.lowers(doc)
        self.idx = [a[0] for a in arr]
        # whitespace tokens ("\n") break names like punctuation does
        self.punct = [bool(a[1] or a[2]) for a in arr]
        self.ws = [" " if a[5] else "" for a in arr]
        self.ents = [(a, b, label) for a, b, label, _, _ in nlp.entities(doc)]
        self.sents = [(a, b) for a, b, _, _ in nlp.sentence_bounds(doc)]
        self.sent_start = [0] * len(doc)
        self.sent_end = [0] * len(doc)
        for a, b in self.sents:
            for t in range(a, b):
                self.sent_start[t] = a
                self.sent_end[t] = b
        self.lower_words = {self.texts[i] for i, a in enumerate(arr) if a[4] and a[3]}
        self.covered: set[int] = set()


def _ner_place(doc, span: _Span, info: _DocInfo) -> bool:
    """NER tags this very span (give or take "the" and a place noun) GPE/LOC/FAC: "the White Helmets" does not
    make "White" a place."""
    for e_start, e_end, label in info.ents:
        if label not in PLACE_LABELS or e_end <= span.i or e_start >= span.j:
            continue
        start = e_start + (1 if nlp.lowers(doc)[e_start] == "the" else 0)
        end = e_end
        if end > span.j and nlp.lowers(doc)[end - 1] in ADMIN_NOUNS | LOCAL_NOUNS | TOWN_NOUNS | AREA_NOUNS:
            end -= 1
        if start >= span.i and end <= span.j:
            return True
    return False


def _inside_longer_ent(doc, span: _Span, info: _DocInfo) -> str:
    """The label of a PERSON/ORG/NORP/WORK_OF_ART entity that strictly contains the span, else ''."""
    for start, end, label in info.ents:
        if start > span.i or span.j > end or label not in _OWNER_LABELS:
            continue
        if nlp.lowers(doc)[start] == "the":
            start += 1
        while end > span.j and nlp.lowers(doc)[end - 1] in _PLACE_NOUNS:
            end -= 1  # "Kayin State" tagged PERSON is still the state
        if (end - start) > (span.j - span.i):
            return label
    return ""


def _piece_of_longer_name(doc, span: _Span, info: _DocInfo) -> bool:
    """A capitalised word glued to the match that is neither a place noun nor another place: the match is a
    piece of a longer name the gazetteer lacks ("Day Pu No village", "Kyauk Tan West village")."""
    s_start, s_end = info.sent_start[span.i], info.sent_end[span.i]
    # "War-Sheikh", "Bulabuli-Pegi": a hyphen glues the match to more name
    for t, joiner in ((span.i - 2, span.i - 1), (span.j + 1, span.j)):
        if s_start <= t < s_end and s_start <= joiner < s_end and info.texts[joiner] == "-":
            if info.ws[joiner] == "" and info.ws[min(t, joiner)] == "" and _capitalised(info.texts[t]):
                if info.lowers[t] not in _PLACE_NOUNS and info.lowers[t] not in DIRECTIONS:
                    return True  # ("Yangon-East District" is still Yangon)
    for t in (span.i - 1, span.j):
        if t < s_start or t >= s_end:
            continue
        tok = doc[t]
        joined = doc[t].whitespace_ if t < span.i else doc[span.j - 1].whitespace_
        if joined not in {" ", ""} or not tok.is_alpha or not _capitalised(tok.text):
            continue
        low = tok.lower_
        if low in _PLACE_NOUNS or t == s_start:
            continue
        if low in _NAME_GLUE_OK:
            continue
        return True
    return False


# Capitalised words that may stand next to a place name without being part of it.
_NAME_GLUE_OK = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "upper", "lower",
    "greater", "old", "new", "city", "town", "state", "region", "province", "governorate", "district", "township",
    "village", "county", "division", "oblast", "camp", "the", "in", "at", "on", "of", "and",
}  # fmt: skip


def _keep(doc, span: _Span, gaz, info: _DocInfo) -> bool:
    rows = gaz.rows
    ner_place = _ner_place(doc, span, info)
    if ner_place:
        span.support = 2
    one_word = span.j - span.i == 1
    if one_word and (span.key in never_words() or span.key in gaz.demonyms):
        return False
    if not span.fuzzy and _piece_of_longer_name(doc, span, info):
        return False
    kinds = {rows[r][gz.KIND] for r in span.ids}
    text = info.text[span.start : span.end]
    if one_word and (
        span.key in common_words() or text.lower() in info.lower_words or text.isupper() and len(text) <= 3
    ):
        # common words (and acronyms: "UN", "IS") count only with strong support
        if "country" in kinds and text.isupper() and len(text) >= 2 and span.support >= 1:
            return True
        return span.support >= 2 and not text.isupper()
    owner = _inside_longer_ent(doc, span, info)
    if owner and span.support < 2 and "country" not in kinds:
        return False
    if owner == "PERSON" and "country" not in kinds:
        return False
    return True


def _score(gaz, rid: int, span: _Span, ctx: Counter, top: str | None, anchors) -> float:
    row = gaz.rows[rid]
    cc, kind, pop = row[gz.CC], row[gz.KIND], row[gz.POP]
    s = 0.0
    if top:
        if cc == top:
            s += 6.0
        elif ctx.get(cc):
            s += 4.0 * ctx[cc] / ctx[top]
    # A region weighs like a city of a million; a town named like its region's seat (Idlib, Kano) wins.
    s += 6.0 if kind == "region" else math.log10(pop + 1)
    if row[gz.CAPITAL_OF]:
        s += 3.0 if gz.norm(row[gz.CAPITAL_OF]) == span.key else 1.5
    noun = span.noun
    if noun in ADMIN_NOUNS:
        s += 8.0 if kind == "region" else 0.0
    elif noun in TOWN_NOUNS or noun in LOCAL_NOUNS:
        s += 3.0 if kind in {"town", "site"} else -3.0
    elif kind == "region":
        # "Idlib" alone is the city; a region only wins where no real town of the name competes
        s += 1.0
    if kind == "site":
        s += 3.0  # the supplement is written for these reports' places
    if _primary(row[gz.NAME]) == span.key:
        s += 1.5  # Islamabad is Islamabad, not an old name of Chittagong
    if kind == "country":
        s += 4.0
    if anchors:
        lat, lon = row[gz.LAT], row[gz.LON]
        best = min(gz.haversine_km(lat, lon, a[0], a[1]) for a in anchors)
        if best < 30:
            s += 4.0
        elif best < 100:
            s += 2.5
        elif best < 300:
            s += 1.0
    return s


def _choose(gaz, span: _Span, ctx: Counter, top, anchors) -> int:
    ids = span.ids
    if len(ids) == 1:
        return ids[0]
    if span.noun in ADMIN_NOUNS:
        # "Delta State", "Idlib province": the region, wherever the country context points
        regions = [r for r in ids if gaz.rows[r][gz.KIND] == "region"]
        if regions:
            ids = regions
    if top:
        # country context first: a place of the report's countries beats a bigger namesake elsewhere
        in_ctx = [r for r in ids if gaz.rows[r][gz.CC] in ctx]
        if in_ctx:
            ids = in_ctx
    return max(ids, key=lambda r: _score(gaz, r, span, ctx, top, anchors))


def _same_start(a: str, b: str) -> bool:
    """Transliterations keep the first sound; a leading aspiration mark ("Hpapun" = "Papun") does not count."""
    return a[:1] == b[:1] or a.lstrip("h")[:1] == b.lstrip("h")[:1]


@functools.lru_cache(maxsize=200_000)
def _nearest_name(key: str, cc: str) -> tuple[str, float] | None:
    """The country's gazetteer name a transliteration spells, if one is close enough. Remembered: a news stream
    names the same places again and again, and each look-up scans every name of the country."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    choices = gz.get().by_country.get(cc)
    if not choices:
        return None
    hit = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=85)
    if hit and _same_start(hit[0], key) and Levenshtein.distance(hit[0], key) <= (1 if len(key) <= 8 else 2):
        return hit[0], hit[1]
    return None


def _fuzzy_spans(doc, gaz, spans: list[_Span], info: _DocInfo, countries: list[str]) -> list[_Span]:
    """Transliterations: capitalised NER place spans (or spans before a place noun) with no exact hit."""
    if not countries:
        return []
    taken = set()
    for s in spans:
        taken.update(range(s.i, s.j))
    found: list[_Span] = []
    cands = []
    for start, end, label in info.ents:
        if label in PLACE_LABELS or (
            label in {"ORG", "PERSON", "NORP"}
            and end < len(doc)
            and nlp.lowers(doc)[end] in TOWN_NOUNS | LOCAL_NOUNS
        ):
            cands.append((start, end))
    texts = info.texts
    for ti, low in enumerate(info.lowers):
        if low in {"village", "town", "township"}:
            s_start = info.sent_start[ti]
            if ti > s_start and _capitalised(texts[ti - 1]):
                i = ti - 1
                while i - 1 >= s_start and _capitalised(texts[i - 1]) and ti - (i - 1) <= 3:
                    i -= 1
                cands.append((i, ti))
    seen = set()
    for i, j in cands:
        while i < j and not _capitalised(nlp.texts(doc)[i]):
            i += 1
        while j > i and nlp.lowers(doc)[j - 1] in _PLACE_NOUNS:
            j -= 1
        if i >= j or (i, j) in seen or any(t in taken for t in range(i, j)):
            continue
        seen.add((i, j))
        key = gz.norm(doc[i:j].text)
        if len(key) < 4 or key in common_words() or key in gaz.demonyms:
            continue
        best = None
        for cc in countries:
            hit = _nearest_name(key, cc)
            if hit and (best is None or hit[1] > best[1]):
                best = (hit[0], hit[1], cc)
        if best is None:
            continue
        ids = tuple(r for r in gaz.candidates(best[0]) if gaz.rows[r][gz.CC] == best[2])
        sent_no = 0
        span = _Span(i, j, doc[i].idx, doc[j - 1].idx + len(nlp.texts(doc)[j - 1]), best[0], ids, sent_no)
        span.fuzzy = True
        _context(doc, span)
        if not _piece_of_longer_name(doc, span, info):
            found.append(span)
    return found


def _precision(doc, span: _Span, row, info: _DocInfo) -> tuple[int, bool, str]:
    """geo_precision, near flag and kind for the chosen row in its context."""
    kind = row[gz.KIND]
    precision = row[gz.PRECISION]
    before = info.text[max(0, span.start - 60) : span.start]
    near = False
    low = before.lower()
    if any(cue in low for cue in _NEAR_CUES):  # the regexes below only where they can match
        near = bool(_NEAR.search(before)) and not _FROM.search(before) or bool(_KM.search(before[-30:]))
        if _FROM.search(before) and _KM.search(before):
            near = True
    if span.noun in {"countryside", "outskirts", "suburbs", "environs", "vicinity"}:
        near = True
    if kind == "country":
        return 3, False, kind
    if kind == "region":
        if _DIRECTION_BEFORE.search(before) or near:
            return 2, near, kind  # a part of a region
        return 3, False, kind
    if span.noun in LOCAL_NOUNS:
        return 2, False, "region"  # the township/district around its main town
    if kind == "town" and row[gz.CAPITAL_OF] and _DIRECTION_BEFORE.search(before) and not span.noun:
        return 2, False, kind  # "northern Idlib": a part of the province named after its seat
    if near:
        return 2, True, kind
    return max(1, precision), False, kind


@functools.lru_cache(maxsize=20_000)
def display_name(name: str) -> str:
    """GeoNames writes "Khanāşir"; ACLED's location column is plain Latin ("Khanasir")."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    return name.translate(_MARKS)


_MARKS = dict.fromkeys(map(ord, "\u2018\u2019\u02bc\u02bb\u02be\u02bf\u00b4"), None)


def find(doc) -> list[PlaceMention]:
    gaz = gz.get()
    demonyms: Counter = Counter()
    info = _DocInfo(doc)
    spans = _scan(info, gaz, demonyms)
    kept = []
    for span in spans:
        info.covered.update(range(span.i, span.j))
    for span in spans:
        _context(doc, span)
        if _keep(doc, span, gaz, info):
            kept.append(span)
    rows = gaz.rows

    # Country context: country names weigh most, then regions and places of one country only, then demonyms.
    ctx: Counter = Counter()
    strong: Counter = (
        Counter()
    )  # evidence a spelling coincidence cannot give: countries, regions, sites, demonyms
    for span in kept:
        ids = span.ids
        if span.noun in ADMIN_NOUNS:
            ids = tuple(r for r in ids if rows[r][gz.KIND] == "region") or ids  # "Shan State" is the state
        ccs = {rows[r][gz.CC] for r in ids}
        kinds = {rows[r][gz.KIND] for r in ids}
        if "country" in kinds:
            for r in span.ids:
                if rows[r][gz.KIND] == "country":
                    ctx[rows[r][gz.CC]] += 3
                    strong[rows[r][gz.CC]] += 3
        elif len(ccs) == 1:
            # only evidence that is hard to get by accident votes: a region, a big town, a supported town
            row = max((rows[r] for r in ids), key=lambda r: r[gz.POP])
            if "region" in kinds or "site" in kinds:
                ctx[row[gz.CC]] += 2
                strong[row[gz.CC]] += 2
            elif row[gz.POP] >= 50_000 or row[gz.CAPITAL_OF]:
                ctx[row[gz.CC]] += 1
    for cc, n in demonyms.items():
        ctx[cc] += 0.5 * n
        strong[cc] += 0.5 * n
    if not ctx:
        # no unambiguous evidence: let every matched big place vote by population
        for span in kept:
            best = max(span.ids, key=lambda r: rows[r][gz.POP])
            if rows[best][gz.POP] >= 100_000:
                ctx[rows[best][gz.CC]] += 1
    top = ctx.most_common(1)[0][0] if ctx else None
    ctx_countries = [cc for cc, _ in ctx.most_common(3)]

    kept.extend(_fuzzy_spans(doc, gaz, kept, info, ctx_countries))
    kept.sort(key=lambda s: s.start)

    # Pass 1 without, pass 2 with nearness to the places resolved without doubt.
    anchors = []
    for span in kept:
        span.choice = _choose(gaz, span, ctx, top, None)
        row = rows[span.choice]
        if row[gz.KIND] != "country" and (len(span.ids) == 1 or row[gz.CC] == top):
            anchors.append((row[gz.LAT], row[gz.LON], span.start))
    for span in kept:
        if len(span.ids) > 1 and anchors:
            others = [(a, b) for a, b, s in anchors if s != span.start]
            span.choice = _choose(gaz, span, ctx, top, others)
    kept = _coherent(gaz, kept, info)
    capitals = _national_capitals(gaz, info)
    if capitals:
        # "Bangladesh's capital" is the city, not the country as well
        inside = {t for c in capitals for t in range(c.i, c.j)}
        kept = [s for s in kept if not (rows[s.choice][gz.KIND] == "country" and s.i in inside)]
        kept.extend(capitals)
        kept.sort(key=lambda s: s.start)
    out: list[PlaceMention] = []
    sent_of: list[int] = []
    district: list[bool] = []
    for span in kept:
        row = rows[span.choice]
        # A small namesake in a country the report never names is a coincidence of spelling, not the place.
        if (
            strong
            and row[gz.CC] not in strong
            and row[gz.KIND] == "town"
            and (row[gz.POP] < 1_000_000 or gz.norm(row[gz.NAME]) != span.key)
        ):
            continue  # only a big city called by its own name survives outside the report's countries
        # Unsupported small places abroad are usually words, not places: keep them only with support.
        if span.support == 0 and row[gz.KIND] == "town":
            if (
                (top and row[gz.CC] not in ctx and row[gz.POP] < 200_000)
                or row[gz.POP] < 1000
                and not row[gz.CAPITAL_OF]
            ):
                continue
        precision, near, kind = _precision(doc, span, row, info)
        end = span.end
        text = info.text[span.start : end]
        if kind == "region" and span.noun in ADMIN_NOUNS | LOCAL_NOUNS and span.j < len(doc):
            nt = doc[span.j]
            end = nt.idx + len(nt.text)
            text = info.text[span.start : end]
        country, iso = gaz.countries.get(row[gz.CC], ("", None))
        out.append(
            PlaceMention(
                start=span.start,
                end=end,
                text=text,
                name=display_name(row[gz.NAME]),
                country=country,
                iso=iso,
                admin1=row[gz.ADMIN1],
                admin2=row[gz.ADMIN2],
                latitude=row[gz.LAT] if kind != "country" or row[gz.LAT] else None,
                longitude=row[gz.LON] if kind != "country" or row[gz.LON] else None,
                geo_precision=precision,
                kind=kind,
                population=row[gz.POP],
                near=near,
            )
        )
        sent_of.append(info.sent_start[span.i])
        district.append(
            span.j < len(doc) and nlp.lowers(doc)[span.j] == "district" and kind in {"region", "town"}
        )
    _admin2_from_districts(out, sent_of, district)
    return out


_CAPITAL = re.compile(r"\b([A-Z][\w\-]+(?: [A-Z][\w\-]+)?)(?:'s)? capital\b(?! city of)")


def _national_capitals(gaz, info: _DocInfo) -> list[_Span]:
    """ "the Iraqi capital", "Somalia's capital": the country's capital city."""
    found = []
    for m in _CAPITAL.finditer(info.text):
        word = gz.norm(m.group(1))
        cc = gaz.demonyms.get(word)
        if cc is None:
            country = [r for r in gaz.candidates(word) if gaz.rows[r][gz.KIND] == "country"]
            cc = gaz.rows[country[0]][gz.CC] if country else None
        rid = gaz.capitals.get(cc) if cc else None
        if rid is None:
            continue
        i = _token_at(info, m.start(1))
        last = _token_at(info, m.end() - 1)
        if i is None or last is None:
            continue
        j = last + 1
        span = _Span(i, j, m.start(1), m.end(), gz.norm(gaz.rows[rid][gz.NAME]), (rid,), 0)
        span.choice = rid
        span.support = 2
        found.append(span)
    return found


def _token_at(info: _DocInfo, char: int) -> int | None:
    t = bisect.bisect_right(info.idx, char) - 1
    return t if t >= 0 else None


def _fits(r, regions, locals_) -> bool:
    """In the admin1 region and within 100 km of the township/district that the same sentence names."""
    ok_region = not regions or any(
        r[gz.CC] == g[gz.CC] and r[gz.ADMIN1].startswith(g[gz.ADMIN1]) for g in regions
    )
    ok_local = not locals_ or any(
        gz.haversine_km(r[gz.LAT], r[gz.LON], g[gz.LAT], g[gz.LON]) <= 100 for g in locals_
    )
    return ok_region and ok_local


def _coherent(gaz, kept: list[_Span], info: _DocInfo) -> list[_Span]:
    """A village must sit where its sentence says: "in X village (Y Township, Z Region)" with X found only in
    another region is a namesake; the township is what we know (and what ACLED falls back to)."""
    rows = gaz.rows
    by_sent: dict[int, list[_Span]] = {}
    for span in kept:
        by_sent.setdefault(info.sent_start[span.i], []).append(span)
    drop = set()
    for spans in by_sent.values():
        regions = [
            rows[s.choice]
            for s in spans
            if rows[s.choice][gz.KIND] == "region"
            and rows[s.choice][gz.PRECISION] == 3
            and s.noun in ADMIN_NOUNS
        ]
        locals_ = [rows[s.choice] for s in spans if s.noun in LOCAL_NOUNS]
        if not regions and not locals_:
            continue
        for s in spans:
            row = rows[s.choice]
            if row[gz.KIND] not in {"town", "site"} or s.noun in LOCAL_NOUNS or row[gz.POP] >= 50_000:
                continue
            if _fits(row, regions, locals_):
                continue
            better = [r for r in s.ids if _fits(rows[r], regions, locals_)]
            if better:
                s.choice = max(better, key=lambda r: rows[r][gz.POP])
            else:
                drop.add(id(s))
    return [s for s in kept if id(s) not in drop]


def _admin2_from_districts(out: list[PlaceMention], sent_of: list[int], district: list[bool]) -> None:
    """ "in X village (Y Township, Z District, W State)": Z is the admin2 of the places of that sentence."""
    for k, is_district in enumerate(district):
        if not is_district:
            continue
        d = out[k]
        name = d.text.rsplit(" ", 1)[0] if d.text.lower().endswith(" district") else d.text
        for m, p in enumerate(out):
            if sent_of[m] == sent_of[k] and p.kind != "country" and not p.admin2 and p.country == d.country:
                if p.kind == "region" and p.geo_precision == 3:
                    continue  # the state itself sits above the district
                p.admin2 = name
