"""Linking: which mentions make one event, and which counts are tolls rather than an event's fatalities.

The stages say what is in each sentence; this module decides what happened. Its rules, in order:
1. A sentence with an event trigger (not negated, not hypothetical) is a candidate event. A sentence that speaks of
   a period ("since November 27", "the death toll has risen to 56", "in recent years") feeds tolls instead.
2. A candidate takes its sentence's place, date, actors, killed counts and attributions; what its sentence lacks it
   takes from the event told just before it in the same paragraph, then from the report as a whole.
3. The same incident told twice in one report is one event: same sub-event type, day and place; a sentence that
   only says "the attack" or "killed" joins the event before it. Fatalities of retellings are not added.
4. A sentence that names several places at once ("strikes on Idlib, Saraqib and Ariha killed ten") lends its
   sources to the events at those places; its count is not pinned on any one of them.
5. Parts and wholes: when a coarse event (a region or the whole country) gives a day's toll and finer events of the
   same type that day lie inside it, the whole is kept as a Toll and the coarse event keeps only what the parts do
   not account for, so the report's events add up to the whole and no death is counted twice.
6. A denial ("the army denied hitting civilians") is a source with stance deny on the events of the party that denies.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources

from ..geo import haversine_km
from ..model import Event, Evidence, Report, Source, Toll
from . import actors, nlp
from .mentions import (
    ActorMention,
    Attribution,
    CountMention,
    DateMention,
    Mentions,
    PlaceMention,
    TriggerMention,
)

CROWD_FIRST = {"Peaceful protest", "Protest with intervention", "Violent demonstration", "Mob violence"}
NOT_DEADLY = {
    "Abduction/forced disappearance",
    "Sexual violence",
}  # deaths told beside them are another event
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
TERRITORY = {
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
}
GAINS = {"Non-state actor overtakes territory", "Government regains territory"}  # ground taken by force
FINE_KINDS = {"town", "site"}
BACKGROUND_DAYS = 45
KIND_RANK = {"site": 0, "town": 0, "region": 1, "country": 2}


@functools.cache
def _lexicon() -> dict:
    with resources.files("conflictwire.data").joinpath("linking.toml").open("rb") as fh:
        lex = tomllib.load(fh)
    verbs = "|".join(sorted(map(re.escape, lex["reporting_verbs"]), key=len, reverse=True))
    lex["report_time"] = re.compile(rf"\b(?:{verbs})\s+(?:on\s+|early\s+|late\s+|last\s+|this\s+)*$", re.I)
    cues = "|".join(sorted(map(re.escape, lex["additional_cues"]), key=len, reverse=True))
    lex["additional"] = re.compile(rf"\b(?:{cues})\s+(?:\w+\s+){{0,2}}$", re.I)
    lex["generic"] = frozenset(lex["generic_triggers"])
    lex["trend"] = tuple(lex["trend_cues"])
    for key in ("summary", "part", "separate"):
        words = "|".join(sorted(map(re.escape, lex[f"{key}_cues"]), key=len, reverse=True))
        lex[key] = re.compile(rf"\b(?:{words})\b", re.I)
    return lex


# "the attack", "this assault": a word that points back to an event already told.
_ANAPHORA = re.compile(r"\b(?:the|this|that|these|those|its|their)\s+(?:[\w-]+\s+)?$", re.I)

# Between two places of one list ("Idlib, Saraqib and Ariha", "in and around Idlib, as well as areas near Aleppo").
_LIST_GAP = re.compile(
    r"^(?:[\s,;/-]|\b(?:and|or|as well as|other|areas?|parts? of|near|around|in|the|towns?|villages?|cities|city|"
    r"of|districts?|neighbourhoods?|neighborhoods?)\b)*$",
    re.I,
)


@dataclass
class Sentence:
    start: int
    end: int
    para: int
    text: str


@dataclass
class Candidate:
    sent: int
    trigger: TriggerMention
    generic: bool
    places: list[PlaceMention]  # where it happened (one, or several for a summary sentence)
    place_own: bool
    date: DateMention | None
    date_own: bool
    actors1: list[ActorMention]
    actors2: list[ActorMention]
    killed: list[CountMention]
    victims: list[CountMention]  # who was hit: civilians, children ... (for actor2 and civilian targeting)
    attributions: list[Attribution]
    spread: bool = False
    background: bool = False  # told in a paragraph about weeks-old events, or about a period
    trend: bool = False  # its sentence speaks of a period: its deaths stay in tolls
    sents: list[int] = field(default_factory=list)
    extra_sources: list[Attribution] = field(default_factory=list)

    @property
    def place(self) -> PlaceMention | None:
        return self.places[0] if self.places else None


def _sentences(doc) -> list[Sentence]:
    text = nlp.text_of(doc)
    out: list[Sentence] = []
    para = 0
    last_end = 0
    for _, _, start, end in nlp.sentence_bounds(doc):
        para += text.count("\n", last_end, start)
        last_end = start
        stripped = text[start:end].strip()
        if stripped:
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            out.append(Sentence(start + lead, start + lead + len(stripped), para, stripped))
    return out


class _Index:
    """Mentions grouped by sentence (bisect on sentence starts)."""

    def __init__(self, sents: list[Sentence]):
        self.starts = [s.start for s in sents]
        self.sents = sents

    def of(self, pos: int) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        return max(i, 0)

    def group(self, mentions) -> dict[int, list]:
        out: dict[int, list] = {}
        for m in mentions:
            out.setdefault(self.of(m.start), []).append(m)
        return out


def _in_parentheses(text: str, sent: Sentence, pos: int) -> bool:
    before = text[sent.start : pos]
    return before.count("(") > before.count(")")


def _nearest(mentions, pos: int, after_bias: float = 0.8):
    """The mention closest to pos; one after it counts a little nearer (news names the target after the verb)."""
    best, best_d = None, None
    for m in mentions:
        d = (m.start - pos) * after_bias if m.start >= pos else (pos - m.end)
        if best_d is None or d < best_d:
            best, best_d = m, d
    return best


def _same_place(a: PlaceMention, b: PlaceMention, km: float = 15.0) -> bool:
    """One name, or two names for one spot ("Kyiv" the city and "Kyiv City" the region around it)."""
    if a.name.lower() == b.name.lower():
        return True
    if a.kind not in FINE_KINDS or b.kind not in FINE_KINDS:
        # A province and a town in it are not one place; a city and its city-region ("Kyiv City") are.
        an, bn = a.name.lower(), b.name.lower()
        return f"{an} city" == bn or f"{bn} city" == an
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= km


def _place_key(p: PlaceMention | None) -> tuple:
    if p is None:
        return ("", False)
    return (p.name.lower(), p.near or p.geo_precision > 1)


def _coordinated(text: str, places: list[PlaceMention]) -> list[PlaceMention]:
    """The run of places that form one list with the first ("Idlib, Saraqib and Ariha")."""
    run = [places[0]]
    for k, p in enumerate(places[1:], start=1):
        if p.kind == "region" and p.admin1 and p.admin1 == run[-1].admin1:
            break  # "Kanbalu township of Sagaing Region": the place and its province, not a list
        if p.kind == "region" and text[run[-1].end : p.start].strip() == ",":
            nxt = places[k + 1] if k + 1 < len(places) else None
            if nxt is None or not _LIST_GAP.match(text[p.end : nxt.start]):
                # "Jebel Marra, North Darfur, on Friday": an address that ends there (even where the gazetteer
                # files the place in another province), not a list such as "Homs, Hama and Idlib"
                break
        if _LIST_GAP.match(text[run[-1].end : p.start]) and len(text[run[-1].end : p.start]) <= 40:
            run.append(p)
        else:
            break
    return run


def _unique_places(places: list[PlaceMention]) -> list[PlaceMention]:
    seen, out = set(), []
    for p in places:
        if p.name.lower() not in seen:
            seen.add(p.name.lower())
            out.append(p)
    return out


def report_country(places: list[PlaceMention]) -> str:
    counts = Counter(p.country for p in places if p.country)
    return counts.most_common(1)[0][0] if counts else ""


def _is_trend(sent: Sentence, dates: list[DateMention], counts: list[CountMention]) -> bool:
    low = sent.text.lower()
    if any(cue in low for cue in _lexicon()["trend"]):
        return True
    if any(d.since for d in dates):
        return True
    return any(c.cumulative and c.outcome == "killed" for c in counts)


def _sum_counts(counts: list[CountMention]) -> tuple[int, int, int]:
    low = best = high = 0
    for c in counts:
        low += c.low
        best += c.best
        high += max(c.high, c.best)
    return low, best, high


def assemble(report: Report, doc, found: Mentions) -> tuple[list[Event], list[Toll]]:
    text = nlp.text_of(doc)
    sents = _sentences(doc)
    if not sents:
        return [], []
    idx = _Index(sents)
    lex = _lexicon()

    places_by = idx.group(found.places)
    actors_by = idx.group(found.actors)
    dates_by = idx.group(found.dates)
    counts_by = idx.group(found.counts)
    triggers_by = idx.group(found.triggers)
    attrib_by = idx.group(found.attributions)

    def report_time(d: DateMention) -> bool:
        s = sents[idx.of(d.start)]
        return bool(lex["report_time"].search(text[max(s.start, d.start - 40) : d.start]))

    def old(d: DateMention) -> bool:
        """Weeks before the report: background ("the siege began in 2019"), not the news it brings."""
        return (published - (d.end_date or d.date)).days > BACKGROUND_DAYS

    published = report.published.date()
    main_country = report_country(found.places)
    fine_places = [p for p in found.places if p.kind in FINE_KINDS]
    main_place = None
    if fine_places:
        counts = Counter(p.name for p in fine_places if not p.near)
        if counts:
            name = counts.most_common(1)[0][0]
            main_place = next(p for p in fine_places if p.name == name)
    country_place = next((p for p in found.places if p.kind == "country" and p.country == main_country), None)

    # The day most event sentences speak of: what a sentence without a date of its own most likely means.
    event_dates = Counter()
    first_seen: dict[date, int] = {}
    for si, trigs in triggers_by.items():
        if any(not t.negated and not t.hypothetical and t.event_type for t in trigs):
            for d in dates_by.get(si, []):
                if not d.since and not report_time(d) and not old(d):
                    event_dates[(d.date, d.precision)] += 1
                    first_seen.setdefault(d.date, d.start)
    dominant: DateMention | None = None
    if event_dates:
        (day, prec), _ = max(event_dates.items(), key=lambda kv: (kv[1], -first_seen[kv[0][0]]))
        dominant = DateMention(0, 0, "", day, prec)

    # 1-2. Candidates, one per sentence with a trigger.
    cands: list[Candidate] = []
    tolls_src: list[int] = []
    in_period: dict[int, bool] = {}  # paragraph -> its sentences now speak of a past period, not of the news
    for si, sent in enumerate(sents):
        trigs = [t for t in triggers_by.get(si, []) if t.event_type and not t.negated and not t.hypothetical]
        counts = counts_by.get(si, [])
        dates = dates_by.get(si, [])
        recent = [d for d in dates if not d.since and not old(d)]
        if any(d.since or old(d) for d in dates) and not recent:
            in_period[sent.para] = True
        elif recent:
            in_period[sent.para] = False
        background = in_period.get(sent.para, False)
        if any(
            c.outcome == "killed" and (c.cumulative or background or any(d.since for d in dates))
            for c in counts
        ):
            tolls_src.append(si)
        denial = any(a.stance == "deny" for a in attrib_by.get(si, []))  # speaks of an event told elsewhere
        if not trigs or denial:
            continue
        # A sentence about a period ("since July, two dozen activists have been arrested") feeds tolls; it is an
        # event only when the report tells nothing more precise, and then never with the period's deaths.
        trend = _is_trend(sent, dates, counts)
        trig = max(trigs, key=lambda t: (t.weight, -t.start))
        generic = all(t.text.lower() in lex["generic"] or t.weight < 0.5 for t in trigs)

        own = [p for p in places_by.get(si, []) if p.kind != "country"]
        main = [p for p in own if not _in_parentheses(text, sent, p.start)] or own
        chosen: list[PlaceMention] = []
        spread = False
        if main:
            after = [p for p in main if p.start >= trig.start]
            first = after[0] if after else _nearest(main, trig.start)
            ranked = sorted(main, key=lambda p: (KIND_RANK.get(p.kind, 1), 0))
            if KIND_RANK.get(first.kind, 1) > KIND_RANK.get(ranked[0].kind, 1):
                first = _nearest([p for p in main if p.kind == ranked[0].kind], trig.start)
            run = _unique_places(_coordinated(text, main[main.index(first) :]))
            if len(run) > 1 and trig.sub_event_type in TERRITORY:
                chosen = run  # "captured Khansir and Sheikh Najjar": one event per place
            elif len(run) > 1:
                chosen, spread = run, True
            else:
                chosen = [first]
        countries = [p for p in places_by.get(si, []) if p.kind == "country"]
        place_own = bool(chosen)
        if not chosen and countries:
            chosen, place_own = [countries[0]], True

        own_dates = [d for d in dates if not d.since and not report_time(d)]
        d = _nearest(own_dates, trig.start) if own_dates else None

        # Who did it and to whom; the one who tells it ("police said") is a source, not an actor.
        told = [(a.start, a.end) for a in attrib_by.get(si, []) if not (a.stance == "claim" and a.party)]
        armed = [
            a
            for a in actors_by.get(si, [])
            if a.kind != "source_only" and not any(s <= a.start < e or a.start <= s < a.end for s, e in told)
        ]
        agents = [a for a in armed if a.role == "agent" and a.kind != "civilians"]
        before = [a for a in armed if a.end <= trig.start and a.kind != "civilians" and a.role != "target"]
        after = [a for a in armed if a.start >= trig.end and a.role != "agent"]
        by_agent = [
            a for a in after if re.search(r"\bby\s+(?:the\s+)?$", text[max(trig.end, a.start - 12) : a.start])
        ]
        claimants = [
            a
            for a in armed
            if any(t.stance == "claim" and t.party and t.actor == a.name for t in attrib_by.get(si, []))
        ]
        if claimants:
            actors1 = claimants[:1]  # "JNIM claimed the attack": the claimant is the author ACLED codes
        elif agents:
            # a named group before "its fighters" or "gunmen", then the nearest
            actors1 = sorted(agents, key=lambda a: (_unidentified([a]), abs(trig.start - a.start)))[:2]
        elif before:
            actors1 = sorted(before, key=lambda a: trig.start - a.end)[:2]
        else:
            actors1 = by_agent[:2]
        targets = [a for a in armed if a.role == "target" and a not in actors1]
        actors2 = targets + [a for a in after if a not in actors1 and a not in targets]
        actors2 += [a for a in armed if a.kind == "civilians" and a not in actors1 and a not in actors2]

        killed = [] if trend else _killed(counts)
        if any(a.stance == "claim" and a.party for a in attrib_by.get(si, [])):
            # A party's vague boast of the toll it inflicted ("killed hundreds of soldiers") is no credible figure:
            # it can only raise the high end. A precise claim ("killed 10 soldiers") is coded, as ACLED does.
            killed = [replace(k, low=0, best=0, high=max(k.high, k.best)) if k.vague else k for k in killed]
        victims = [c for c in counts if c.outcome in ("killed", "injured") and c.who]
        cands.append(
            Candidate(
                sent=si,
                trigger=trig,
                generic=generic,
                places=chosen,
                place_own=place_own,
                date=d,
                date_own=d is not None,
                actors1=actors1,
                actors2=actors2,
                killed=killed,
                victims=victims,
                attributions=list(attrib_by.get(si, [])),
                spread=spread,
                background=background or trend,
                trend=trend,
                sents=[si],
            )
        )

    # A report that only tells of weeks-old events (a retrospective, a late report) still tells those events;
    # otherwise its background sentences are context, and their deaths feed tolls.
    if any(not c.background for c in cands):
        cands = [c for c in cands if not c.background]
    else:
        kept = {c.sent for c in cands if not c.trend}
        tolls_src = [
            si
            for si in tolls_src
            if si not in kept
            or any(k.cumulative for k in counts_by.get(si, []))
            or any(d.since for d in dates_by.get(si, []))
        ]

    # Counts told in a sentence without a trigger belong to the event told just before (or just after) it.
    cand_sents = {c.sent: c for c in cands}
    for si, counts in counts_by.items():
        if si in cand_sents or si in tolls_src or _is_trend(sents[si], dates_by.get(si, []), counts):
            continue
        killed = _killed(counts)
        victims = [c for c in counts if c.outcome in ("killed", "injured") and c.who]
        if not killed and not victims:
            continue
        host = None
        for back in (1, 2):
            if si - back in cand_sents and sents[si - back].para == sents[si].para:
                host = cand_sents[si - back]
                break
        if host is None and si + 1 in cand_sents and sents[si + 1].para == sents[si].para:
            host = cand_sents[si + 1]
        if host is None:
            continue
        if host.killed and killed:
            # A retelling of the same count is not added; "another two died" is.
            extra = [c for c in killed if lex["additional"].search(text[max(0, c.start - 30) : c.start])]
            if extra:
                host.killed = host.killed + extra
            elif sum(c.best for c in killed) > sum(c.best for c in host.killed):
                host.killed = killed
        elif killed:
            host.killed = killed
        host.victims += victims
        host.sents.append(si)
        host.attributions += attrib_by.get(si, [])

    # Fill what a sentence lacks from the event before it in the paragraph, then from the whole report.
    prev_by_para: dict[int, Candidate] = {}
    last_of_type: dict[str, Candidate] = {}
    for c in cands:
        para = sents[c.sent].para
        prev = prev_by_para.get(para)
        if not c.places:
            if prev and prev.places and not prev.spread:
                c.places = [prev.place]
            elif main_place:
                c.places = [main_place]
            elif country_place:
                c.places = [country_place]
        if c.date is None:
            if prev and prev.date is not None:
                c.date = prev.date
            elif dominant is not None:
                c.date = dominant
            else:
                reported = [d for d in dates_by.get(c.sent, []) if not d.since]
                c.date = reported[0] if reported else None
        if not c.actors1 and last_of_type.get(c.trigger.event_type):
            c.actors1 = last_of_type[c.trigger.event_type].actors1
        prev_by_para[para] = c
        if c.actors1:
            last_of_type[c.trigger.event_type] = c

    # 3-4. One event per incident.
    events: list[_Draft] = []
    spread_later: list[Candidate] = []
    restate_later: list[Candidate] = []
    recent_all: list[_Draft] = []
    for c in cands:
        if c.spread:
            spread_later.append(c)
            continue
        if not c.place_own and not c.date_own and not c.generic:
            restate_later.append(c)  # a headline or summary line: matched once every placed event is known
            continue
        if c.generic:
            # "One attack hit a market ... seven were killed": the strike told just before, at the same place.
            host = next(
                (
                    d
                    for d in reversed(recent_all)
                    if max(d.sents) >= c.sent - 3
                    and d.event_type in VIOLENT
                    and d.sub_event_type not in TERRITORY
                    and (not c.place_own or d.place is None or _same_place(d.place, c.place))
                ),
                None,
            )
            if host is None and _ANAPHORA.search(text[max(0, c.trigger.start - 20) : c.trigger.start]):
                # "claimed the attack", "in the assault": the violent event already told, wherever it was.
                host = next(
                    (
                        d
                        for d in reversed(events)
                        if d.event_type in VIOLENT and d.sub_event_type not in TERRITORY
                    ),
                    None,
                )
            if host is not None:
                host.absorb(c, lex, text)
                continue
        splits = c.places if c.trigger.sub_event_type in TERRITORY and len(c.places) > 1 else [c.place]
        for p in splits:
            target = next(
                (
                    e
                    for e in events
                    if e.sub_event_type == c.trigger.sub_event_type
                    and _place_key(e.place) == _place_key(p)
                    and _day(e.date) == _day(c.date)
                ),
                None,
            )
            if target is not None:
                target.absorb(c, lex, text)
            else:
                target = _Draft.start(c, p)
                target.generic = c.generic
                # "the group has carried out attacks across the country": nothing to code if the report
                # tells anything more precise
                target.vague = c.generic and not c.killed and (p is None or p.kind in ("country", "region"))
                events.append(target)
            recent_all.append(target)

    # An event told without a date of its own is the dated event of the same kind at the same place.
    for e in list(events):
        if e.date_own or e.place is None:
            continue
        dated = next(
            (
                o
                for o in events
                if o is not e
                and o.date_own
                and o.sub_event_type == e.sub_event_type
                and o.place is not None
                and o.place.name.lower() == e.place.name.lower()
            ),
            None,
        )
        if dated is not None:
            dated.take(e)
            events.remove(e)

    # Restatements with neither a place nor a date of their own (a headline) join the matching event.
    for c in restate_later:
        same = [e for e in events if e.sub_event_type == c.trigger.sub_event_type]
        if not same:
            events.append(_Draft.start(c, c.place))
            continue
        # A headline tells the biggest story: the same figure, else the widest event, else the largest toll.
        best = sum(k.best for k in c.killed)
        target = (
            next((e for e in same if best and e.killed_best == best), None)
            or next((e for e in same if _coarse(e.place)), None)
            or max(same, key=lambda e: e.killed_best)
        )
        target.absorb(c, lex, text)

    # Summary sentences lend sources to the events at their places; unmatched places become events of their own.
    for c in spread_later:
        hit = False
        for p in c.places:
            for e in events:
                if e.sub_event_type == c.trigger.sub_event_type and _day(e.date) == _day(c.date):
                    if e.place is not None and e.place.name.lower() == p.name.lower():
                        e.absorb(c, lex, text, take_counts=False)
                        hit = True
        if not hit:
            d = _Draft.start(c, c.places[0])
            d.place = _near(c.places[0])
            events.append(d)

    # A vague telling ("12 people were killed in Kharkiv") told apart from the strike it belongs to (another
    # paragraph, the headline) joins the specific violent event of that day at that place.
    for e in list(events):
        if not e.generic:
            continue
        host = next(
            (
                o
                for o in sorted(events, key=lambda o: (o.generic, min(o.sents)))
                if o is not e
                and (not o.generic or min(o.sents) < min(e.sents))
                and o.event_type in VIOLENT
                and o.sub_event_type not in TERRITORY | NOT_DEADLY
                and _day(o.date) == _day(e.date)
                and o.place is not None
                and (e.place is None or e.place.kind == "country" or _same_place(o.place, e.place))
            ),
            None,
        )
        if host is not None:
            host.take(e)
            events.remove(e)

    if any(not e.vague for e in events):
        events = [e for e in events if not e.vague]

    # "The rebels" of a report that names one rebel group (and no other) are that group, as a coder would write.
    named_rebels = {a.name: a for a in found.actors if a.inter == 2 and not a.generic and a.kind == "armed"}
    if len(named_rebels) == 1:
        group = next(iter(named_rebels.values()))
        for e in events:
            e.actors1 = [group if a.generic == "rebels" else a for a in e.actors1]
            e.actors2 = [group if a.generic == "rebels" else a for a in e.actors2]

    # Ground taken in a fight is one event: ACLED codes the territory change, with the clash's deaths, not a
    # clash beside it ("militants attacked the base ... and took over the town").
    for taken in [e for e in events if e.sub_event_type in GAINS]:
        for clash in [e for e in events if e.sub_event_type == "Armed clash"]:
            if _day(clash.date) == _day(taken.date) and _one_fight(clash, taken):
                taken.take(clash)
                if taken.place is None:
                    taken.place, taken.place_own = clash.place, clash.place_own
                events.remove(clash)

    # 5. Parts and wholes.
    tolls: list[Toll] = []
    for whole in list(events):
        if whole.killed_best <= 0 or whole not in events:
            continue
        later = [
            e
            for e in events
            if e is not whole
            and min(e.sents) > min(whole.sents)
            and _day(e.date) == _day(whole.date)
            and e.event_type in VIOLENT
            and e.sub_event_type not in TERRITORY
            and e.place is not None
            and e.place.kind in FINE_KINDS
        ]
        # A whole: a region's or a country's toll, a sentence that sums up ("a wave of attacks killed 24"), or
        # one that a later sentence singles a part out of ("in the deadliest attack, six died").
        summary = _coarse(whole.place) or bool(lex["summary"].search(sents[min(whole.sents)].text))
        singled = [e for e in later if any(lex["part"].search(sents[si].text) for si in e.sents)]
        if not (summary or singled):
            continue
        if _coarse(whole.place):
            parts = [
                e
                for e in later
                + [
                    e
                    for e in events
                    if e is not whole
                    and e not in later
                    and _day(e.date) == _day(whole.date)
                    and e.event_type == whole.event_type
                    and e.place is not None
                    and e.place.kind in FINE_KINDS
                ]
                if _inside(e.place, whole.place)
            ]
        else:
            parts = [
                e
                for e in later
                if e.place.country == (whole.place.country if whole.place else e.place.country)
            ]
        parts = [e for e in parts if not any(lex["separate"].search(sents[si].text) for si in e.sents)]
        if not parts or sum(e.killed_best for e in parts) > whole.killed_best:
            continue
        inside = sum(e.killed_best for e in parts)
        tolls.append(
            Toll(
                kind="incident",
                killed=whole.killed_best,
                period_start=_day(whole.date),
                period_end=_day(whole.date),
                country=whole.place.country if whole.place else main_country,
                admin1=whole.place.admin1 if whole.place else "",
                location=whole.place.name if whole.place else "",
                source="; ".join(dict.fromkeys(a.source for a in whole.attributions)),
                report_id=report.report_id,
                evidence=[_evidence(report, sents[si]) for si in whole.sents],
            )
        )
        rest = max(whole.killed_best - inside, 0)
        if rest == 0 and whole.killed_best <= inside:
            for p in parts:
                p.attributions += whole.attributions
            events.remove(whole)
        else:
            whole.set_killed(rest, max(whole.killed_low - inside, 0), max(whole.killed_high - inside, rest))

    # 6. Denials without an event of their own fall on the denying party's events.
    for si, atts in attrib_by.items():
        denials = [a for a in atts if a.stance == "deny"]
        if not denials or si in cand_sents:
            continue
        # What is denied: the kind of event the sentence negates ("deny shelling"), else harm to people.
        denied_types = {t.event_type for t in triggers_by.get(si, []) if t.negated and t.event_type}
        denied_types = denied_types or {"Explosions/Remote violence", "Violence against civilians"}
        parties = {a.name for a in actors_by.get(si, []) if a.kind == "armed"}
        harmful = [e for e in events if e.event_type in denied_types]
        # the party's own events, and those nobody is named for (the party is denying being their author)
        targets = [e for e in harmful if not e.actors1 or {a.name for a in e.actors1} & parties] or harmful
        for e in targets:
            e.attributions += denials
            e.extra_sents.append(si)

    tolls = (
        _cumulative_tolls(report, sents, tolls_src, counts_by, dates_by, places_by, attrib_by, main_country)
        + tolls
    )
    out = [
        e.to_event(report, sents, main_country, i)
        for i, e in enumerate(sorted(events, key=lambda e: min(e.sents)))
    ]
    return out, tolls


def _one_fight(clash: _Draft, taken: _Draft) -> bool:
    """Could this clash be the fight in which this ground was taken: one place (or one inside the other), and
    the side that took it the one that attacked (or a side not named)?"""
    a, b = clash.place, taken.place
    if a is not None and b is not None and not (_same_place(a, b) or _inside(a, b) or _inside(b, a)):
        return False
    # The attackers took it: an army that "regained control" of the sites it was attacked at took no ground.
    takers = {x.name for x in taken.actors1 if not _unidentified([x])}
    attackers = {x.name for x in clash.actors1 if not _unidentified([x])}
    return not takers or not attackers or bool(takers & attackers)


def _killed(counts: list[CountMention]) -> list[CountMention]:
    """Deaths of this incident: not a subset ("including 20 children"), not a period's toll, not a retelling."""
    return [
        c
        for c in counts
        if c.outcome == "killed" and not c.part_of and not c.cumulative and c.repeat_of is None
    ]


def _stand_in(sub_event_type: str, country: str, day: date) -> ActorMention | None:
    """Who ACLED codes when a report names nobody: the state's air force for an air strike, "protesters" for a
    protest, else an unidentified armed group (data/linking.toml says which)."""
    kind = _lexicon()["stand_in_actor1"].get(sub_event_type)
    if not kind:
        return None
    spec = actors.lexicon().data["generic"][kind]
    name = actors.name_for(kind, country, day)
    return ActorMention(0, 0, "", name, spec["inter"], country, spec.get("kind", "armed"))


def _unidentified(actors: list[ActorMention]) -> bool:
    return bool(actors) and actors[0].name.startswith("Unidentified")


def _day(d: DateMention | None) -> date | None:
    return d.date if d is not None else None


def _near(p: PlaceMention) -> PlaceMention:
    q = PlaceMention(**p.__dict__)
    q.near = True
    q.geo_precision = max(2, p.geo_precision)
    return q


def _coarse(p: PlaceMention | None) -> bool:
    return p is None or p.kind in ("region", "country") or p.geo_precision >= 3


def _inside(part: PlaceMention, whole: PlaceMention | None) -> bool:
    if whole is None:
        return True
    if part.country != whole.country:
        return False
    if whole.kind == "region" and whole.admin1:
        return part.admin1 == whole.admin1
    return True


def _evidence(report: Report, s: Sentence) -> Evidence:
    return Evidence(report_id=report.report_id, text=s.text, start=s.start, end=s.end)


@dataclass
class _Draft:
    """An event being built from one or more candidates of the same report."""

    event_type: str
    sub_event_type: str
    disorder_type: str
    place: PlaceMention | None
    place_own: bool
    date: DateMention | None
    date_own: bool
    actors1: list[ActorMention]
    actors2: list[ActorMention]
    victims: list[CountMention]
    attributions: list[Attribution]
    sents: list[int]
    killed_low: int = 0
    killed_best: int = 0
    killed_high: int = 0
    trigger_words: list[str] = field(default_factory=list)
    # Sentences that speak of it without telling it (denials).
    extra_sents: list[int] = field(default_factory=list)
    generic: bool = False  # started from a vague telling only ("killed", "the attack")
    vague: bool = False  # ...and with no place finer than a region and no toll

    @classmethod
    def start(cls, c: Candidate, place: PlaceMention | None) -> _Draft:
        low, best, high = _sum_counts(c.killed)
        t = c.trigger
        return cls(
            event_type=t.event_type,
            sub_event_type=t.sub_event_type,
            disorder_type=t.disorder_type,
            place=place,
            place_own=c.place_own,
            date=c.date,
            date_own=c.date_own,
            actors1=list(c.actors1),
            actors2=list(c.actors2),
            victims=list(c.victims),
            attributions=list(c.attributions),
            sents=list(c.sents),
            killed_low=0 if c.spread else low,
            killed_best=0 if c.spread else best,
            killed_high=0 if c.spread else high,
            trigger_words=[t.text],
        )

    def set_killed(self, best: int, low: int, high: int) -> None:
        self.killed_best, self.killed_low, self.killed_high = best, min(low, best), max(high, best)

    def absorb(self, c: Candidate, lex: dict, text: str, take_counts: bool = True) -> None:
        """Another telling of this event: keep its sources and sentences; its count replaces, never adds, unless
        it says it is an addition ("another two died")."""
        if take_counts and c.killed:
            low, best, high = _sum_counts(c.killed)
            extra = all(lex["additional"].search(text[max(0, k.start - 30) : k.start]) for k in c.killed)
            if extra:
                self.set_killed(self.killed_best + best, self.killed_low + low, self.killed_high + high)
            else:
                self.set_killed(
                    max(self.killed_best, best), max(self.killed_low, low), max(self.killed_high, high)
                )
        if not self.place_own and c.place_own and c.place is not None and not c.generic:
            self.place, self.place_own = c.place, True
        if not self.date_own and c.date_own:
            self.date, self.date_own = c.date, True
        if not self.actors1 or (_unidentified(self.actors1) and c.actors1 and not _unidentified(c.actors1)):
            self.actors1 = list(c.actors1)  # "JNIM claimed the attack": the claimant replaces "gunmen"
        self.actors2 += [a for a in c.actors2 if a.name not in {b.name for b in self.actors2}]
        self.victims += c.victims
        self.attributions += c.attributions
        self.sents += [s for s in c.sents if s not in self.sents]
        self.trigger_words.append(c.trigger.text)

    def take(self, other: _Draft) -> None:
        """The same event told elsewhere in the report without a date: keep everything, add no death."""
        self.set_killed(
            max(self.killed_best, other.killed_best),
            max(self.killed_low, other.killed_low),
            max(self.killed_high, other.killed_high),
        )
        if not self.actors1 or (
            _unidentified(self.actors1) and other.actors1 and not _unidentified(other.actors1)
        ):
            self.actors1 = other.actors1
        self.actors2 += [a for a in other.actors2 if a.name not in {b.name for b in self.actors2}]
        self.victims += other.victims
        self.attributions += other.attributions
        self.sents += [s for s in other.sents if s not in self.sents]
        self.extra_sents += other.extra_sents

    def _demonstrators_first(self, country: str, day: date) -> None:
        """In a protest or riot the demonstrators are actor 1 and the police who meet them actor 2; in excessive
        force against protesters it is the other way round (ACLED's rule)."""
        crowd_first = self.sub_event_type in CROWD_FIRST
        if not crowd_first and self.sub_event_type != "Excessive force against protesters":
            return
        everyone = self.actors1 + [a for a in self.actors2 if a not in self.actors1]
        crowd = [a for a in everyone if a.inter in (5, 6)]
        others = [a for a in everyone if a.inter not in (5, 6)]
        if crowd_first:
            if not crowd:
                crowd = [_stand_in(self.sub_event_type, country, day)]
            self.actors1, self.actors2 = crowd[:1], others + crowd[1:]
        elif crowd or others:
            self.actors1, self.actors2 = others[:1], crowd + others[1:]

    def to_event(self, report: Report, sents: list[Sentence], main_country: str, n: int) -> Event:
        p = self.place
        country = p.country if p else main_country
        day = self.date.date if self.date else report.published.date()
        self._demonstrators_first(country, day)
        a1 = self.actors1[0] if self.actors1 else _stand_in(self.sub_event_type, country, day)
        assoc1 = [a.name for a in self.actors1[1:] if a1 is None or a.name != a1.name]
        civ_victims = any(
            v.who in ("civilians", "children", "women", "people", "villagers", "residents")
            for v in self.victims
        )
        a2 = next((a for a in self.actors2 if a1 is None or a.name != a1.name), None)
        if a2 is None and (
            self.event_type == "Violence against civilians" or (civ_victims and a1 is not None)
        ):
            a2 = ActorMention(
                0, 0, "", f"Civilians ({country})" if country else "Civilians", 7, country, "civilians"
            )
        inter1 = a1.inter if a1 else None
        inter2 = a2.inter if a2 else None
        codes = sorted(c for c in (inter1, inter2) if c)
        interaction = codes[0] * 10 + codes[1] if len(codes) == 2 else (codes[0] * 10 if codes else None)
        sources: list[Source] = []
        seen = set()
        if report.outlet:
            sources.append(Source(report.outlet, "report"))
            seen.add((report.outlet, "report"))
        for a in self.attributions:
            if (a.source, a.stance) not in seen:
                seen.add((a.source, a.stance))
                sources.append(Source(a.source, a.stance))
        evidence = [_evidence(report, sents[si]) for si in sorted(set(self.sents) | set(self.extra_sents))]
        notes = sents[min(self.sents)].text[:500]
        day = self.date.date if self.date else report.published.date()
        precision = self.date.precision if self.date else 2
        digest = hashlib.sha1(f"{report.report_id}:{n}".encode()).hexdigest()[:10]
        return Event(
            event_id=f"cw-{report.report_id[:8]}-{digest}",
            event_date=day,
            time_precision=precision,
            disorder_type=self.disorder_type,
            event_type=self.event_type,
            sub_event_type=self.sub_event_type,
            actor1=a1.name if a1 else "",
            assoc_actor_1="; ".join(dict.fromkeys(assoc1)),
            inter1=inter1,
            actor2=a2.name if a2 else "",
            assoc_actor_2="",
            inter2=inter2,
            interaction=interaction,
            civilian_targeting="Civilian targeting" if a2 is not None and a2.inter == 7 else "",
            iso=p.iso if p else None,
            country=country,
            admin1=p.admin1 if p else "",
            admin2=p.admin2 if p else "",
            location=p.name if p else country,
            latitude=p.latitude if p else None,
            longitude=p.longitude if p else None,
            geo_precision=(max(p.geo_precision, 2) if p.near else p.geo_precision) if p else None,
            source="; ".join(dict.fromkeys(s.name for s in sources)),
            notes=notes,
            fatalities=self.killed_best,
            fatalities_low=self.killed_low,
            fatalities_high=self.killed_high,
            report_id=report.report_id,
            sources=sources,
            evidence=evidence,
        )


def _cumulative_tolls(
    report, sents, tolls_src, counts_by, dates_by, places_by, attrib_by, main_country
) -> list[Toll]:
    out: list[Toll] = []
    for si in tolls_src:
        counts = counts_by.get(si, [])
        dates = dates_by.get(si, [])
        since = next((d for d in dates if d.since), None)
        whole = [c for c in counts if c.outcome == "killed" and not c.part_of]
        if not whole:
            continue
        main = max(whole, key=lambda c: c.best)
        part = [c for c in counts if c.part_of and c.outcome == "killed"]
        children = next((c.best for c in part if c.who == "children"), None)
        civilians = next((c.best for c in part + whole if c.who == "civilians"), None)
        injured = next((c.best for c in counts if c.outcome == "injured"), None)
        # the toll's area: a place of the report's country named in its sentence, else the country itself
        place = next(
            (p for p in places_by.get(si, []) if p.kind != "country" and p.country == main_country), None
        )
        atts = attrib_by.get(si, [])
        out.append(
            Toll(
                kind="cumulative",
                killed=main.best,
                children=children,
                civilians=civilians,
                injured=injured,
                period_start=since.date if since else None,
                period_end=report.published.date(),
                country=place.country if place else main_country,
                admin1=place.admin1 if place else "",
                location=place.name if place else "",
                source="; ".join(dict.fromkeys(a.source for a in atts)) or report.outlet,
                report_id=report.report_id,
                evidence=[_evidence(report, sents[si])],
            )
        )
    return out
