"""Loaders for the four human-coded evaluation files (CASE 2021, UCDP-AEC, PITF, ACLED).

Each loader turns one file into ``Row``s: the text to extract from, the publication time to resolve relative
dates against, and the human coding (``gold``) in the file's own terms. Nothing here extracts or scores.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..errors import InputError
from ..model import Report

DATASETS = ("case", "ucdp", "pitf", "acled")

# CASE 2021 task 2 codes -> ACLED sub-event types; the five non-ACLED codes mean "no event" (NONE).
CASE_CODES = {
    "ARMED_CLASH": "Armed clash",
    "GOV_REGAINS_TERIT": "Government regains territory",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "CHEM_WEAP": "Chemical weapon",
    "AIR_STRIKE": "Air/drone strike",
    "SUIC_BOMB": "Suicide bomb",
    "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "REM_EXPLOS": "Remote explosive/landmine/IED",
    "GRENADE": "Grenade",
    "SEX_VIOL": "Sexual violence",
    "ATTACK": "Attack",
    "ABDUCT_DISSAP": "Abduction/forced disappearance",
    "PEACE_PROTEST": "Peaceful protest",
    "PROTEST_WITH_INTER": "Protest with intervention",
    "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "VIOL_DEMONSTR": "Violent demonstration",
    "MOB_VIOL": "Mob violence",
    "AGREEMENT": "Agreement",
    "ARREST": "Arrests",
    "CHANGE_TO_GROUP_ACT": "Change to group/activity",
    "DISR_WEAP": "Disrupted weapons use",
    "HQ_ESTABLISHED": "Headquarters or base established",
    "PROPERTY_DISTRUCT": "Looting/property destruction",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
    "OTHER": "Other",
}
NON_EVENT_CODES = ("NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME", "DIPLO", "ATTRIB")
NONE = "NONE"
# CASE snippets carry no date; only the type is scored, so any fixed day will do.
CASE_PUBLISHED = datetime(2021, 1, 1, 12, 0, tzinfo=UTC)


@dataclass
class Row:
    """One coded report: its text, when it was published, and the human coding."""

    id: str
    text: str
    published: datetime
    gold: dict = field(default_factory=dict)

    def report(self, outlet: str = "") -> Report:
        return Report(text=self.text, published=self.published, outlet=outlet, report_id=self.id)


def _open(path: str | Path):
    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "no such file")
    if p.is_dir():
        raise InputError(str(path), "is a directory, not a data file")
    try:
        return p.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None


def _need(where: str, header: list[str] | None, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in (header or [])]
    if missing:
        raise InputError(
            where, f"missing column(s) {', '.join(missing)}: is this the right file for the dataset?"
        )


def _day(value: str, where: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) == 7:  # "2013-05": only the month is coded; its first day stands for it
            return date.fromisoformat(value + "-01")
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(where, f"unparseable date {value!r}") from None


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _float(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if v == v else None  # NaN -> None


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def load_case(path: str | Path) -> list[Row]:
    rows = []
    with _open(path) as fh:
        # Snippets contain bare quote marks: a TSV without quoting.
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        _need(str(path), reader.fieldnames, ("id", "EventSnippet", "SubType"))
        for n, rec in enumerate(reader, start=2):
            code = (rec.get("SubType") or "").strip()
            if code not in CASE_CODES and code not in NON_EVENT_CODES:
                raise InputError(f"{path}:{n}", f"unknown CASE sub-type {code!r}")
            rows.append(
                Row(
                    id=rec["id"].strip(),
                    text=rec.get("EventSnippet") or "",
                    published=CASE_PUBLISHED,
                    gold={"code": code, "sub_event_type": CASE_CODES.get(code, NONE)},
                )
            )
    return rows


def load_ucdp(path: str | Path) -> list[Row]:
    rows = []
    with _open(path) as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(where, f"not a JSON object ({exc.msg})") from None
            _need(where, list(rec), ("id", "source_article", "source_date", "start_date", "end_date"))
            published = _day(rec["source_date"], where) or _day(rec["start_date"], where)
            if published is None:
                raise InputError(where, "neither source_date nor start_date: no publication date")
            names = [
                rec.get("location_adm1_name") or "",
                rec.get("location_adm2_name") or "",
                rec.get("location_where_name") or "",
            ]
            rows.append(
                Row(
                    id=str(rec["id"]),
                    text=rec["source_article"] or "",
                    published=_midnight(published),
                    gold={
                        "start_date": _day(rec["start_date"], where),
                        "end_date": _day(rec["end_date"], where) or _day(rec["start_date"], where),
                        "deaths_low": _int(rec.get("deaths_low")) or 0,
                        "deaths_high": _int(rec.get("deaths_high")) or 0,
                        "country": rec.get("location_root_name") or "",
                        "adm1": names[0],
                        "adm2": names[1],
                        "place": names[2],
                        "side_a": rec.get("side_a_name") or "",
                        "side_b": rec.get("side_b_name") or "",
                    },
                )
            )
    return rows


def load_pitf(path: str | Path) -> list[Row]:
    rows = []
    with _open(path) as fh:
        reader = csv.DictReader(fh)
        _need(
            str(path),
            reader.fieldnames,
            ("event_id", "start_date", "description", "deaths_number", "latitude", "longitude"),
        )
        for n, rec in enumerate(reader, start=2):
            where = f"{path}:{n}"
            start = _day(rec["start_date"], where)
            if start is None:
                raise InputError(where, "empty start_date (the publication date of a PITF row)")
            rows.append(
                Row(
                    id=rec["event_id"].strip() or str(n),
                    text=rec.get("description") or "",
                    published=_midnight(start),
                    gold={
                        "start_date": start,
                        "end_date": _day(rec.get("end_date", ""), where),
                        "country": rec.get("country", ""),
                        "admin1": rec.get("region_admin1", ""),
                        "admin2": rec.get("district_admin2", ""),
                        "locality": rec.get("locality", ""),
                        "latitude": _float(rec.get("latitude")),
                        "longitude": _float(rec.get("longitude")),
                        "deaths_number": rec.get("deaths_number", ""),
                        "injured_number": rec.get("injured_number", ""),
                    },
                )
            )
    return rows


def load_acled(path: str | Path) -> list[Row]:
    rows = []
    with _open(path) as fh:
        reader = csv.DictReader(fh)
        _need(
            str(path),
            reader.fieldnames,
            ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "admin1", "notes"),
        )
        for n, rec in enumerate(reader, start=2):
            where = f"{path}:{n}"
            day = _day(rec["event_date"], where)
            if day is None:
                raise InputError(where, "empty event_date (the publication date of an ACLED row)")
            rows.append(
                Row(
                    id=rec["event_id_cnty"].strip() or str(n),
                    text=rec.get("notes") or "",
                    published=_midnight(day),
                    gold={
                        "event_date": day,
                        "event_type": rec["event_type"],
                        "sub_event_type": rec["sub_event_type"],
                        "actor1": rec["actor1"],
                        "actor2": rec.get("actor2", ""),
                        "country": rec.get("country", ""),
                        "admin1": rec["admin1"],
                        "admin2": rec.get("admin2", ""),
                        "location": rec.get("location", ""),
                        "latitude": _float(rec.get("latitude")),
                        "longitude": _float(rec.get("longitude")),
                        "fatalities": _int(rec.get("fatalities")) or 0,
                    },
                )
            )
    return rows


LOADERS: dict[str, Callable[[str | Path], list[Row]]] = {
    "case": load_case,
    "ucdp": load_ucdp,
    "pitf": load_pitf,
    "acled": load_acled,
}


def load(dataset: str, path: str | Path, limit: int | None = None) -> list[Row]:
    """The rows of one evaluation file, in file order; rows with no text are dropped (nothing to extract)."""
    if dataset not in LOADERS:
        raise InputError("DATASET", f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")
    rows = [r for r in LOADERS[dataset](path) if r.text.strip()]
    if not rows:
        raise InputError(str(path), "no rows with text")
    return rows[:limit] if limit else rows
