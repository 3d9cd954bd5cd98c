"""extract: one report in, its events and tolls out. Pure: no database, no network, no clock.

Each stage answers one question over the same spaCy ``Doc``; ``events.assemble`` links their answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import Extraction, Report
from . import actors, dates, event_types, events, fatalities, nlp, places, sources
from .mentions import Mentions


def find_mentions(doc, report: Report) -> Mentions:
    found_places = places.find(doc)
    # Generic words ("the army", "civilians") are named after the report's country: the places stage knows it best.
    country = events.report_country(found_places)
    return Mentions(
        places=found_places,
        actors=actors.find(doc, country=country, when=report.published.date()),
        dates=dates.find(doc, report.published),
        counts=fatalities.find(doc),
        triggers=event_types.find(doc),
        attributions=sources.find(doc, outlet=report.outlet, country=country),
    )


def extract_doc(doc, report: Report) -> Extraction:
    doc.user_data["text"] = report.text  # the text the Doc was parsed from: see nlp.text_of
    found = find_mentions(doc, report)
    evs, tolls = events.assemble(report, doc, found)
    return Extraction(reports=[report], events=evs, tolls=tolls)


def prepare(report: Report) -> Report:
    report.text = nlp.normalise(report.text)
    return report


def extract_report(report: Report) -> Extraction:
    report = prepare(report)
    return extract_doc(nlp.parse(report.text), report)


def extract_reports(reports: Iterable[Report], batch_size: int = 32) -> Iterator[Extraction]:
    """Many reports through ``nlp.pipe`` in batches; yields one Extraction per report, in order."""
    pairs = ((nlp.make_doc(r.text), r) for r in map(prepare, reports))
    for doc, report in nlp.load().pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield extract_doc(doc, report)
