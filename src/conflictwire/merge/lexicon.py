"""The merge's readable knowledge (data/merge.toml), loaded once and compiled to word matchers."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

_PLACES = (Path(__file__).parent.parent / "data" / "merge.toml",)


@functools.cache
def load() -> dict:
    path = next((p for p in _PLACES if p.exists()), _PLACES[-1])
    with path.open("rb") as fh:
        return tomllib.load(fh)


def words_pattern(words: list[str]) -> re.Pattern:
    # Longest first so "has risen" wins over "risen"; whole words only so "now" never matches "known".
    alts = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in alts) + r")\b", re.IGNORECASE)


@functools.cache
def revision_pattern() -> re.Pattern:
    return words_pattern(load()["revision"]["words"])


@functools.cache
def party_pattern() -> re.Pattern:
    return words_pattern(load()["parties"]["words"])


@functools.cache
def target_patterns() -> dict[str, re.Pattern]:
    return {name: words_pattern(words) for name, words in load()["targets"].items() if name != "ignore"}


@functools.cache
def _target_words() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every target word (a single pass over the text), and each word's class."""
    classes = {
        w.lower(): name for name, words in load()["targets"].items() if name != "ignore" for w in words
    }
    return words_pattern(list(classes)), classes


@functools.cache
def target_ignore_pattern() -> re.Pattern:
    return words_pattern(load()["targets"].get("ignore") or ["\x00"])


@functools.cache
def compatible_sub_types() -> frozenset[frozenset[str]]:
    pairs = set()
    for group in load()["sub_event_types"]["compatible"]:
        for a in group:
            for b in group:
                if a != b:
                    pairs.add(frozenset((a, b)))
    return frozenset(pairs)


@functools.lru_cache(maxsize=65536)
def targets_in(text: str) -> frozenset[str]:
    """Target classes a text names ("hospital", "market"...)."""
    text = target_ignore_pattern().sub(" ", text)
    pattern, classes = _target_words()
    return frozenset(classes[m.group(0).lower()] for m in pattern.finditer(text))
