"""Claims grading after Airwars: how well an event is attested by its sources.

- contested: a party to the conflict denied it, or parties claim it competingly (different perpetrators named)
- confirmed: a party to the conflict acknowledged it (a claim, or a report by a party)
- fair: two or more independent sources
- weak: one source (or only the outlet)
"""

from __future__ import annotations

import functools

from ..model import Event
from .lexicon import party_pattern

GRADES = ("confirmed", "fair", "weak", "contested")


def source_key(name: str) -> str:
    """A source's name for comparison: "the Omdurman Emergency Room" and "Omdurman emergency room" are one."""
    n = " ".join((name or "").casefold().replace("-", " ").split())
    return n[4:] if n.startswith("the ") else n


def _actor_names(event: Event) -> list[str]:
    names = [event.actor1, event.actor2]
    for assoc in (event.assoc_actor_1, event.assoc_actor_2):
        names += [a.strip() for a in (assoc or "").split(";")]
    return [source_key(n) for n in names if n and n.strip()]


@functools.lru_cache(maxsize=8192)
def _actor_kind(name: str) -> tuple[str, int] | None:
    """(kind, inter) of a source name in the actor dictionary (the actors stage), or None when it is unknown.

    The name alone is run through the stage's matcher, so "Syrian army" is state forces (1), "White Helmets" a
    source only and "residents" civilians, whatever words the name is written with.
    """
    try:
        from ..extract import actors, nlp

        found = actors.find(nlp.load().make_doc(name))
    except Exception:  # grading works without the extraction side, from names and stances alone
        return None
    # The match must be the name, not a word inside it ("the Syrian army's critics").
    best = max(found, key=lambda a: a.end - a.start, default=None)
    if best is None or (best.end - best.start) < 0.6 * len(name.strip()):
        return None
    return best.kind, best.inter


def is_party(name: str, stance: str, event: Event) -> bool:
    """Is this source a party to the conflict (rather than a witness, monitor or outlet)?"""
    if stance in ("claim", "deny"):
        return True  # extraction gives these stances only to parties speaking for themselves
    n = source_key(name)
    if not n:
        return False
    for actor in _actor_names(event):
        if n == actor or (len(n) > 3 and n in actor) or (len(actor) > 3 and actor in n):
            if not actor.startswith("civilians"):
                return True
    entry = _actor_kind(name)
    if entry is not None:
        kind, inter = entry
        if kind == "armed" and inter in (1, 2, 3, 4, 8):
            return True
        if kind in ("source_only", "civilians"):
            return False
    return bool(party_pattern().search(name))


def grade(
    event: Event, perpetrators: list[str] | None = None, outlets: list[str] | None = None
) -> tuple[str, list[str]]:
    """(grade, reasons). ``perpetrators``: the actor1 each merged report named, to spot competing claims.

    ``outlets``: the outlets that published the event's reports. An outlet that names its own source is passing
    that source on, so it does not count as another independent source; outlets count only when no report names
    a source.
    """
    reasons: list[str] = []
    deniers = sorted({s.name for s in event.sources if s.stance == "deny" and s.name})
    parties = sorted(
        {
            s.name
            for s in event.sources
            if s.stance in ("claim", "report") and is_party(s.name, s.stance, event)
        }
    )
    claimants = sorted({s.name for s in event.sources if s.stance == "claim" and s.name})
    # "Unidentified Armed Group" is the stand-in for nobody named: it competes with no one
    named = sorted({p for p in perpetrators or [] if p and not p.startswith("Unidentified")})
    if deniers:
        reasons.append("denied by " + ", ".join(deniers))
    if len(named) > 1:
        reasons.append("reports name different perpetrators: " + ", ".join(named))
    if len(claimants) > 1 and len({source_key(c) for c in claimants}) > 1:
        reasons.append("competing claims by " + ", ".join(claimants))
    if reasons:
        if parties:
            reasons.append("acknowledged by " + ", ".join(parties))
        return "contested", reasons
    if parties:
        return "confirmed", ["acknowledged by a party to the conflict: " + ", ".join(parties)]
    reporting = [s.name for s in event.sources if s.name and s.stance == "report"]
    outlet_names = {source_key(o) for o in outlets or [] if o}
    named = [n for n in reporting if source_key(n) not in outlet_names]
    independent, seen = [], set()
    for n in sorted(named or reporting, key=source_key):
        if source_key(n) not in seen:
            seen.add(source_key(n))
            independent.append(n)
    distinct = seen
    if len(distinct) >= 2:
        return "fair", [f"{len(distinct)} independent sources: " + ", ".join(independent)]
    if len(distinct) == 1:
        return "weak", ["one source: " + independent[0]]
    return "weak", ["no named source"]
