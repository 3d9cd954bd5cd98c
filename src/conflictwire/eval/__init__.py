"""Measure extraction against human-coded data: ``conflictwire eval DATASET FILE [--limit N] [--errors N]``.

Every row is one report (report_id = the row's id) run through ``extract_reports`` (batched ``nlp.pipe``), with
the row's publication time: UCDP ``source_date``; PITF start date (a month-only date counts as its first day);
ACLED event date; CASE a fixed day (only the type is scored). Matching rules:

- CASE: the report's first event (by the offset of its first evidence) gives its sub-event type; no event is NONE,
  the right answer for NATURAL_DISASTER, MAN_MADE_DISASTER, ORG_CRIME, DIPLO and ATTRIB. Weighted F1 (weights =
  gold support), macro F1 (over every label in gold or output), accuracy.
- UCDP: an event matches when its date lies in [start_date - 1, end_date + 1] and its admin1, admin2 or location
  is the same place as the coded adm1, adm2 or place. Fatalities of the matching events must add up to within
  [deaths_low, deaths_high] (no matching event = 0). Rows whose text names none of the coded places are counted as
  noisy labels and the two rates are also given without them.
- PITF: the report's events' fatalities add up to the coded deaths exactly ("dozens" = 12; rows with an empty or
  vague number are skipped); some event lies within 25 km of the coded point (rows with coordinates; also given
  over the rows whose description names the coded locality, admin2 or admin1, since many say only "the city").
- ACLED: the first event's event_type, sub_event_type, actor1 (whole name, case-insensitive), admin1 (same
  place) and event_date; the report's fatalities add up exactly (all rows, and rows with fatalities > 0); some
  event lies within 10 km of the coded point.

Same place: both names folded (lowercase, no accents or apostrophes, punctuation to spaces) and stripped of kind
words (governorate, province, district, village, town, city, state, township, lga, camp, muhafazat, ...) and of
a standalone Arabic article; equal when rapidfuzz ``ratio`` >= 85, or when the longer name only adds direction
words ("Shan-North" = "Shan state"), or starts with the whole shorter name of 5+ letters ("Babanki Tungoh" =
"Babanki"). A name in brackets, after a slash or on either side of "and" is an alternative ("Arghandab district
(Kandahar)", "Kobane/Ayn al Arab", "Jammu and Kashmir").
"""
