"""event_types stage: every event mention (trigger) in a report, with its ACLED event and sub-event type.

The knowledge is in ``data/triggers.toml``: word forms and phrases per sub-event type with a weight, words that mark a
sentence as no ACLED event at all (disasters, accidents, crime, diplomacy, claims of responsibility), cue groups and
sentence-local rules. The ``Doc`` carries NER and sentences only (no tagger or parser, for speed), so everything here
matches word forms on LOWER with spaCy's ``PhraseMatcher`` and reads context from nearby tokens:

- rules re-type a trigger from its sentence: aircraft next to a bomb make an Air/drone strike, a thrown bomb a
  Grenade, a named weapon next to "seized" a Disrupted weapons use, the agent of "captured" decides Government
  regains territory vs Non-state actor overtakes territory, the victim of "killed" decides Attack vs Armed clash,
  and what happens to protesters decides among the four protest and riot sub-event types;
- a non-event word that outweighs a sentence's violent words empties the sentence ("an earthquake killed 20");
- a trigger told as background ("a deadly 2017 attack", "in retaliation for a chlorine attack") counts half;
- bare "strikes" and "bombs" take the delivery (air, artillery) the report names elsewhere;
- words just before a trigger mark it negated ("denied shelling") or hypothetical ("threatened to attack").

Weights: named weapons 0.85-0.95, territory and protest words 0.75-0.85, generic violence ("killed", "attack")
0.4, or 0.45 once the victim is known. The linker reads a sentence's strongest trigger, and below 0.5 a generic one.

``primary(triggers)`` picks the one trigger that stands for a report's first event: the strongest trigger of the
first sentence with a live trigger, None when that sentence tells of no ACLED event; a generic first sentence gives
way to a weapon named in the next two.
"""

from __future__ import annotations

import functools
import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from . import nlp
from .mentions import TriggerMention

# ---------------------------------------------------------------------------------------------------------------
# The lexicon


@dataclass(frozen=True)
class Entry:
    group: str
    sub: str  # "" for a non-event entry
    weight: float
    kind: str = ""  # non-event kind: natural disaster, accident, crime, diplomacy, attribution
    check_negation: bool = True
    # event types a non-event leaves standing ("a protest over a road accident")
    spares: frozenset[str] = frozenset()
    unless: str = ""  # cue group that cancels a non-event ("corruption" charges against a mayor)


@dataclass(frozen=True)
class Rule:
    groups: frozenset[str]
    then: str
    cue: str = ""
    scope: str = "sentence"
    window: int = 8
    require: str = ""
    unless: tuple[str, ...] = ()
    weight: float | None = None
    # with then = "": the trigger becomes a non-event of this kind instead of being dropped
    nonevent: str = ""
    # the trigger's own words may be the cue ("police beat protesters": "beat")
    include_self: bool = False


@dataclass
class Lexicon:
    types: dict[str, tuple[str, str]]
    entries: list[Entry]
    phrases: list[list[str]]  # per entry
    cues: dict[str, list[str]]
    rules: list[Rule]
    negation_near: frozenset[str]
    negation_far: frozenset[str]
    hypothetical: frozenset[str]
    hypothetical_after: frozenset[str]
    purpose_subs: frozenset[
        str
    ]  # sub-event types whose "to <verb>" is a goal ("an attack to capture the base")
    purpose_done: frozenset[str]  # words before that "to" that make it done ("managed to capture")
    reported: frozenset[str]  # hypothetical words that report a death before a word of it ("feared killed")
    reported_outcomes: frozenset[str]
    inherit: dict
    _matchers: dict = field(default_factory=dict)

    def matchers(self, vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
        """One trigger matcher and one cue matcher per vocabulary, built once."""
        key = id(vocab)
        if key not in self._matchers:
            tokenizer = _tokenizer()
            triggers = PhraseMatcher(vocab, attr="LOWER")
            for i, words in enumerate(self.phrases):
                triggers.add(f"T{i}", list(tokenizer.pipe(words)))
            cues = PhraseMatcher(vocab, attr="LOWER")
            for name, words in self.cues.items():
                cues.add(name, list(tokenizer.pipe(words)))
            self._matchers[key] = (triggers, cues)
        return self._matchers[key]


@functools.cache
def _tokenizer():
    # The English tokenizer the pipeline uses, so multiword phrases split the way report text does.
    from spacy.lang.en import English

    return English().tokenizer


def _load_toml() -> dict:
    with resources.files("conflictwire.data").joinpath("triggers.toml").open("rb") as fh:
        return tomllib.load(fh)


@functools.cache
def lexicon() -> Lexicon:
    raw = _load_toml()
    types = {sub: (pair[0], pair[1]) for sub, pair in raw["types"].items()}
    entries: list[Entry] = []
    phrases: list[list[str]] = []
    for item in raw.get("trigger", []):
        sub = item["sub"]
        if sub not in types:
            raise ValueError(f"triggers.toml: unknown sub-event type {sub!r}")
        entries.append(
            Entry(
                group=item.get("group", sub),
                sub=sub,
                weight=float(item["weight"]),
                check_negation=item.get("check_negation", True),
            )
        )
        phrases.append([w.lower() for w in item["words"]])
    for item in raw.get("nonevent", []):
        entries.append(
            Entry(
                group="nonevent",
                sub="",
                weight=float(item["weight"]),
                kind=item["kind"],
                spares=frozenset(item.get("spares", ())),
                unless=item.get("unless", ""),
            )
        )
        phrases.append([w.lower() for w in item["words"]])
    for item in raw.get("mask", []):
        entries.append(Entry(group="mask", sub="", weight=0.0))
        phrases.append([w.lower() for w in item["words"]])
    rules = []
    for item in raw.get("rule", []):
        then = item["then"]
        if then and then not in types:
            raise ValueError(f"triggers.toml: rule to unknown sub-event type {then!r}")
        unless = item.get("unless", ())
        unless = (unless,) if isinstance(unless, str) else tuple(unless)
        for name in (item.get("cue", ""), item.get("require", ""), *unless):
            if name and name not in raw["cues"] and name not in ("state", "nonstate"):
                raise ValueError(f"triggers.toml: rule uses unknown cue group {name!r}")
        rules.append(
            Rule(
                groups=frozenset(item["groups"]),
                then=then,
                cue=item.get("cue", ""),
                scope=item.get("scope", "sentence"),
                window=int(item.get("window", 8)),
                require=item.get("require", ""),
                unless=unless,
                weight=item.get("weight"),
                nonevent=item.get("nonevent", ""),
                include_self=item.get("include_self", False),
            )
        )
    return Lexicon(
        types=types,
        entries=entries,
        phrases=phrases,
        cues={k: [w.lower() for w in v] for k, v in raw["cues"].items()},
        rules=rules,
        negation_near=frozenset(raw["negation"]["near"]),
        negation_far=frozenset(raw["negation"]["far"]),
        hypothetical=frozenset(raw["hypothetical"]["words"]),
        hypothetical_after=frozenset(raw["hypothetical"].get("after", ())),
        purpose_subs=frozenset(raw["hypothetical"].get("purpose_subs", ())),
        purpose_done=frozenset(raw["hypothetical"].get("purpose_done", ())),
        reported=frozenset(raw["hypothetical"].get("reported", ())),
        reported_outcomes=frozenset(raw["hypothetical"].get("reported_outcomes", ())),
        inherit=raw.get("inherit", {}),
    )


# ---------------------------------------------------------------------------------------------------------------
# Finding triggers


@dataclass
class _Span:
    start: int  # token indices
    end: int
    entry: Entry
    sub: str
    weight: float
    nonevent: str = ""
    ruled: bool = False  # re-typed by a rule from its own sentence


class _Sentence:
    """Cue matches of one sentence, by group, as sorted token spans."""

    def __init__(self, start: int, end: int, cues: dict[str, list[tuple[int, int]]]):
        self.start, self.end = start, end
        self.cues = cues

    def spans(self, group: str) -> list[tuple[int, int]]:
        return self.cues.get(group, [])

    def has(self, group: str, lo: int | None = None, hi: int | None = None, skip=(0, 0)) -> bool:
        """A cue of ``group`` inside [lo, hi) (default: the sentence), not overlapping the token span ``skip``."""
        lo = self.start if lo is None else max(lo, self.start)
        hi = self.end if hi is None else min(hi, self.end)
        for s, e in self.spans(group):
            if s >= lo and e <= hi and (e <= skip[0] or s >= skip[1]):
                return True
        return False


def _is_passive(doc, start: int, end: int, sent: _Sentence) -> bool:
    """'were killed', 'was attacked', 'killed by': the victim comes before the verb."""
    for i in range(max(sent.start, start - 2), start):
        if nlp.lowers(doc)[i] in _PASSIVE:
            return True
    return end < sent.end and nlp.lowers(doc)[end] == "by"


_PASSIVE = frozenset({"was", "were", "been", "being", "is", "are", "got", "get", "gets"})
# auxiliaries and the adverbs that sit among them ("arms were also seized", "have reportedly been found")
_AUXILIARY = _PASSIVE | {"have", "has", "had", "be", "also", "reportedly", "allegedly", "later", "then"}
_INSTRUMENT = frozenset({"with", "using", "by", "via"})
_TARGET_PREPOSITIONS = frozenset({"on", "at", "into", "against", "towards", "toward", "upon"})
_SPEECH = frozenset(
    {
        "said",
        "says",
        "say",
        "told",
        "reported",
        "confirmed",
        "stated",
        "spokesman",
        "spokesperson",
        "official",
        "officials",
        "source",
        "sources",
        "statement",
        "announced",
        "chief",
    }
)


def _victim_has(doc, sp: _Span, sent: _Sentence, group: str) -> bool:
    """Who it was done to: the words after an active verb, before a passive one (ten tokens at most).

    A cue word that introduces a statement ("police said") names a source, not a victim.
    """
    if _is_passive(doc, sp.start, sp.end, sent):
        lo, hi = max(sent.start, sp.start - 10), sp.start
    else:
        lo, hi = sp.end, min(sent.end, sp.end + 10)
    for s, e in sent.spans(group):
        if s >= lo and e <= hi:
            after = {nlp.lowers(doc)[j] for j in range(e, min(sent.end, e + 2))}
            if not after & _SPEECH:
                return True
    return False


def _agent(doc, sp: _Span, sent: _Sentence) -> str:
    """Who did it: 'state', 'nonstate' or ''. The actor word after 'by' for a passive verb, else the nearest before."""
    if _is_passive(doc, sp.start, sp.end, sent):
        by = next((i for i in range(sp.end, min(sent.end, sp.end + 4)) if nlp.lowers(doc)[i] == "by"), None)
        if by is not None:
            found = [
                (s, g)
                for g in ("state", "nonstate")
                for s, e in sent.spans(g)
                if by < s <= by + 8 and s < sent.end
            ]
            if found:
                return min(found)[1]
        if any(nlp.lowers(doc)[i] in _PASSIVE for i in range(max(sent.start, sp.start - 2), sp.start)):
            return ""  # the words before a passive verb name whom it was done to
    best: tuple[int, int, str] | None = None  # (end, length, group): nearest end, then the longer phrase
    for g in ("nonstate", "state"):
        for s, e in sent.spans(g):
            # "military-owned", "rebel-held": an actor word inside a compound modifier is no agent
            if e <= sp.start and s >= sent.start and not (e < len(doc) and nlp.texts(doc)[e] == "-"):
                key = (e, e - s, g)
                if best is None or key[:2] > best[:2]:
                    best = key
    return best[2] if best else ""


def _rule_matches(doc, rule: Rule, sp: _Span, sent: _Sentence) -> bool:
    if sp.entry.group not in rule.groups:
        return False
    if rule.require and not sent.has(rule.require):
        return False
    if any(sent.has(name) for name in rule.unless):
        return False
    if not rule.cue:
        return True
    if rule.scope == "sentence":
        return sent.has(rule.cue, skip=(0, 0) if rule.include_self else (sp.start, sp.end))
    if rule.scope == "before":
        # the cue as the agent: shortly before an active trigger, or right after "by" ("missiles fired by drones")
        passive = any(nlp.lowers(doc)[i] in _PASSIVE for i in range(max(sent.start, sp.start - 2), sp.start))
        if not passive:
            for s, e in sent.spans(rule.cue):
                # "fired on a crowd": a cue after a preposition is a target, not the agent
                if (
                    sp.start - rule.window <= s
                    and e <= sp.start
                    and not any(
                        nlp.lowers(doc)[i] in _TARGET_PREPOSITIONS for i in range(max(sent.start, s - 2), s)
                    )
                ):
                    return True
        by = next((i for i in range(sp.end, min(sent.end, sp.end + 3)) if nlp.lowers(doc)[i] == "by"), None)
        return by is not None and sent.has(rule.cue, by + 1, by + 5)
    if rule.scope == "patient":
        # whom it was done to: "captured two soldiers"; "two soldiers were captured" (not "soldiers captured")
        gap = sp.start
        while gap > sent.start and nlp.lowers(doc)[gap - 1] in _AUXILIARY:
            gap -= 1
        if gap < sp.start:
            return any(e == gap for s, e in sent.spans(rule.cue))
        return sent.has(rule.cue, sp.end, sp.end + rule.window)
    if rule.scope == "paired":
        skip = (0, 0) if rule.include_self else (sp.start, sp.end)
        return any(
            sent.has(rule.cue, s - rule.window, e + rule.window, skip=skip)
            for s, e in sent.spans(rule.require)
        )
    if rule.scope == "window":
        return sent.has(rule.cue, sp.start - rule.window, sp.end + rule.window, skip=(sp.start, sp.end))
    if rule.scope == "object":
        # "seized weapons", "intercepted two drones"; "the weapons seized", "packages were intercepted";
        # not the instrument: "destroyed the tower with an explosive device"
        for s, e in sent.spans(rule.cue):
            if sp.end <= s < sp.end + rule.window and e <= sent.end:
                if not any(nlp.lowers(doc)[i] in _INSTRUMENT for i in range(max(sp.end, s - 3), s)):
                    return True
        gap = sp.start
        while gap > sent.start and nlp.lowers(doc)[gap - 1] in _AUXILIARY:
            gap -= 1
        return any(e == gap for s, e in sent.spans(rule.cue))
    if rule.scope == "victim":
        return _victim_has(doc, sp, sent, rule.cue)
    if rule.scope == "agent":
        return _agent(doc, sp, sent) == rule.cue
    raise ValueError(f"triggers.toml: unknown rule scope {rule.scope!r}")


def _flags(doc, sp: _Span, sent: _Sentence, lex: Lexicon) -> tuple[bool, bool]:
    low, txt = nlp.lowers(doc), nlp.texts(doc)
    negated = hypothetical = False
    if sp.entry.check_negation:
        for i in range(max(sent.start, sp.start - 8), sp.start):
            word = low[i]
            if word in lex.negation_far or (i >= sp.start - 3 and word in lex.negation_near):
                negated = True
    for i in range(max(sent.start, sp.start - 5), sp.start):
        # As written: "may" is a modal, "May" a month.
        word = low[i] if i == sent.start else txt[i]
        if word in lex.hypothetical and not (word in lex.reported and low[i + 1] in lex.reported_outcomes):
            hypothetical = True
    for i in range(sp.end, min(sent.end, sp.end + 4)):
        if low[i] in lex.hypothetical_after:
            hypothetical = True
    if sp.sub in lex.purpose_subs and sp.start - 1 > sent.start and low[sp.start - 1] == "to":
        if low[sp.start - 2] not in lex.purpose_done:
            hypothetical = True
    return negated, hypothetical


def _background(doc, sp: _Span, sent: _Sentence) -> bool:
    """An earlier event told as background: 'the scene of a deadly 2017 chemical attack' (a year just before the
    trigger), 'in retaliation for a chlorine attack', 'accused of shelling' (a cause cue shortly before)."""
    for i in range(max(sent.start, sp.start - 3), sp.start):
        text = nlp.texts(doc)[i]
        if len(text) == 4 and text.isdigit() and text[:2] in ("19", "20"):
            return True
    return sent.has("cause", sp.start - 8, sp.start) or sent.has("ago", sp.end, sp.end + 6)


def _sentences(doc) -> list[tuple[int, int]]:
    return [(a, b) for a, b, _, _ in nlp.sentence_bounds(doc)] or [(0, len(doc))]


def find(doc) -> list[TriggerMention]:
    """Every event mention in ``doc``, in text order, with ACLED type, weight and negated/hypothetical flags.

    Mentions of things ACLED does not code (an earthquake, a plane crash, sanctions, a claim of responsibility)
    come back with an empty event type, as do the weaker violent words of a sentence they dominate.
    """
    lex = lexicon()
    trig_matcher, cue_matcher = lex.matchers(doc.vocab)
    raw = trig_matcher(doc)
    if not raw:
        return []
    entry_of = {}
    spans = []
    for match_id, start, end in raw:
        span = doc[start:end]
        key = (start, end)
        if key not in entry_of:
            entry_of[key] = int(doc.vocab.strings[match_id][1:])
            spans.append(span)
    kept = sorted(filter_spans(spans), key=lambda s: s.start)

    sent_bounds = _sentences(doc)
    sent_starts = [s for s, _ in sent_bounds]
    cues_by_sent: list[dict[str, list[tuple[int, int]]]] = [{} for _ in sent_bounds]
    for match_id, start, end in cue_matcher(doc):
        si = max(0, bisect_left(sent_starts, start + 1) - 1)
        cues_by_sent[si].setdefault(doc.vocab.strings[match_id], []).append((start, end))
    for d in cues_by_sent:
        for v in d.values():
            v.sort()
    # Actor words for the agent rules come from the same cue matcher (groups "state" and "nonstate").
    # A masked phrase hides its words from the rules too ("a bomb dropped off by a man" drops nothing from the air).
    masked = [(s.start, s.end) for s in kept if lex.entries[entry_of[(s.start, s.end)]].group == "mask"]
    if masked:
        for d in cues_by_sent:
            for name, spans_ in d.items():
                d[name] = [(s, e) for s, e in spans_ if not any(s < me and ms < e for ms, me in masked)]
    sentences = [_Sentence(s, e, cues_by_sent[i]) for i, (s, e) in enumerate(sent_bounds)]

    by_sent: dict[int, list[tuple[_Span, bool, bool]]] = {}
    for span in kept:
        entry = lex.entries[entry_of[(span.start, span.end)]]
        if entry.group == "mask":
            continue
        if entry.unless and sentences[max(0, bisect_left(sent_starts, span.start + 1) - 1)].has(entry.unless):
            continue
        si = max(0, bisect_left(sent_starts, span.start + 1) - 1)
        sent = sentences[si]
        sp = _Span(span.start, span.end, entry, entry.sub, entry.weight)
        for rule in lex.rules:
            if _rule_matches(doc, rule, sp, sent):
                sp.sub = rule.then
                if rule.weight is not None:
                    sp.weight = float(rule.weight)
                if rule.nonevent:
                    sp.nonevent = rule.nonevent
                sp.ruled = True
                break
        if entry.group == "nonevent":
            sp.nonevent = entry.kind
        if not sp.sub and not sp.nonevent:
            continue  # a context word that found no context ("set up" with no base named)
        if _background(doc, sp, sent):
            sp.weight /= 2
        # Non-events are context, never negated or hypothetical themselves.
        negated, hypothetical = _flags(doc, sp, sent, lex) if not sp.nonevent else (False, False)
        by_sent.setdefault(si, []).append((sp, negated, hypothetical))

    _inherit_delivery(doc, by_sent, lex)

    out: list[TriggerMention] = []
    for si in sorted(by_sent):
        items = by_sent[si]
        live = [(sp.weight, sp) for sp, neg, hyp in items if not neg and not hyp]
        strongest = max(live, key=lambda x: x[0])[1] if live else None
        # A non-event that outweighs everything else in its sentence empties the sentence (but for the event
        # types it spares: a protest over a road accident is still a protest).
        empty = strongest is not None and bool(strongest.nonevent)
        spares = strongest.entry.spares if empty else frozenset()
        s_start = doc[sentences[si].start].idx if sentences[si].start < len(doc) else 0
        last = doc[sentences[si].end - 1]
        s_end = last.idx + len(last.text)
        for sp, neg, hyp in items:
            sub = "" if sp.nonevent else sp.sub
            if empty and sub and lex.types[sub][0] not in spares:
                sub = ""
            event_type, disorder = lex.types.get(sub, ("", ""))
            first, stop = doc[sp.start], doc[sp.end - 1]
            out.append(
                TriggerMention(
                    start=first.idx,
                    end=stop.idx + len(stop.text),
                    text=doc[sp.start : sp.end].text,  # the span's own text: Doc.text joins every token
                    event_type=event_type,
                    sub_event_type=sub,
                    disorder_type=disorder,
                    weight=round(sp.weight, 3),
                    negated=neg,
                    hypothetical=hyp,
                    sentence_start=s_start,
                    sentence_end=s_end,
                    nonevent=sp.nonevent,
                )
            )
    return out


def _inherit_delivery(doc, by_sent: dict[int, list[tuple[_Span, bool, bool]]], lex: Lexicon) -> None:
    """Bare 'strikes' and 'bombs' take the delivery the report names elsewhere (see [inherit] in triggers.toml)."""
    spec = lex.inherit
    if not spec:
        return
    told = Counter()
    for items in by_sent.values():
        for sp, neg, hyp in items:
            if sp.nonevent or neg or hyp:
                continue
            if (
                sp.entry.sub in spec["blocked_by"]
                and sp.sub == sp.entry.sub
                and sp.entry.group == sp.entry.sub
            ):
                return  # a named device: bare bombs may be its
            if sp.sub in spec["from"] and (sp.entry.group not in spec["groups"] or sp.ruled):
                told[sp.sub] += 1
    if not told:
        return
    delivery = told.most_common(1)[0][0]
    words, groups = set(spec["words"]), set(spec["groups"])
    for items in by_sent.values():
        for sp, _, _ in items:
            # a victim rule's Attack / Armed clash yields to the delivery; other rules read closer context
            if sp.nonevent or sp.entry.group not in groups or (sp.ruled and sp.sub not in _VICTIM_TYPES):
                continue
            if doc[sp.start : sp.end].text.lower() in words:
                # a strike told on its own ("an Israeli strike hit a house in Jabalia") is an event of its own
                sp.sub, sp.weight = delivery, max(sp.weight, spec.get("weight", sp.weight))


def primary(triggers: Sequence[TriggerMention] | Iterable[TriggerMention]) -> TriggerMention | None:
    """The trigger that stands for the first event told, or None.

    The first sentence with a live (not negated, not hypothetical) trigger decides: its strongest event trigger,
    ties to the earlier word; None when that sentence tells of no ACLED event (an earthquake, sanctions, a claim of
    responsibility). A generic first sentence ("synchronised attacks hit 13 places") gives way to a weapon named
    in the next two sentences ("the attacks were carried out with grenades"): the weapon is what ACLED codes.
    """
    live = [t for t in triggers if not t.negated and not t.hypothetical]
    if not live:
        return None
    by_sentence: dict[int, list[TriggerMention]] = {}
    for t in sorted(live, key=lambda t: (t.sentence_start, t.start)):
        by_sentence.setdefault(t.sentence_start, []).append(t)
    order = sorted(by_sentence)
    first = [t for t in by_sentence[order[0]] if t.event_type]
    if not first:
        return None
    best = max(first, key=lambda t: (t.weight, -t.start))
    if best.weight < GENERIC_BELOW and best.event_type in _WEAPON_ELABORATES:
        for key in order[1:3]:
            weapons = [
                t
                for t in by_sentence[key]
                if t.event_type == "Explosions/Remote violence" and t.weight >= SPECIFIC_FROM
            ]
            if weapons:
                return max(weapons, key=lambda t: (t.weight, -t.start))
    return best


_VICTIM_TYPES = frozenset({"Attack", "Armed clash"})
GENERIC_BELOW = 0.5  # generic violence words ("attack", "killed") weigh less than this
SPECIFIC_FROM = 0.7  # a named weapon (even a plain "bomb") weighs at least this
_WEAPON_ELABORATES = frozenset({"Violence against civilians", "Battles"})
