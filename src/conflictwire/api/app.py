"""The HTTP API and the dashboard over one conflictwire database.

`create_app(db)` builds a FastAPI app; `conflictwire serve` runs it on uvicorn. Reads are open; writes
(`POST /api/reports`) need `Authorization: Bearer <CONFLICTWIRE_TOKEN>` and the server is read-only when no token is
set. Every error is JSON: {"error": message}. Everything the browser loads comes from the package (no CDN).
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import os
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError
from ..model import ACLED_COLUMNS, EXTRA_COLUMNS, Report
from .backend import SORTABLE, Backend, EventFilters
from .limits import BodySizeLimit

DEFAULT_MAX_BODY = 1_000_000  # bytes; a long news article is ~50 kB
MAX_PAGE = 10_000
CSV_COLUMNS = ACLED_COLUMNS + EXTRA_COLUMNS + ["grade"]
# The dashboard's own files only; online tiles are an opt-in layer, so they are the one outside origin allowed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def fast_json(content, status_code: int = 200, media_type: str = "application/json") -> Response:
    body = json.dumps(content, ensure_ascii=False, allow_nan=False, default=str).encode()
    return Response(body, status_code=status_code, media_type=media_type)


def static_dir() -> Path:
    return Path(str(resources.files("conflictwire.web") / "static"))


# Module level: the dependency's annotation is resolved from module globals (from __future__ import annotations).
BEARER = HTTPBearer(auto_error=False, description="The server's CONFLICTWIRE_TOKEN.")


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        self.status = status
        self.message = message
        self.headers = headers
        super().__init__(message)


class ReportIn(BaseModel):
    text: str = Field(min_length=1, description="The report's text (plain text).")
    published: str = Field(description="Publication time, ISO 8601 (e.g. 2024-12-02T16:06:00+05:30).")
    outlet: str = ""
    title: str = ""
    url: str = ""


def event_filters(
    date_from: Annotated[date | None, Query(description="First event_date (inclusive), YYYY-MM-DD")] = None,
    date_to: Annotated[date | None, Query(description="Last event_date (inclusive), YYYY-MM-DD")] = None,
    country: Annotated[str | None, Query()] = None,
    admin1: Annotated[str | None, Query()] = None,
    event_type: Annotated[list[str] | None, Query(description="ACLED event type; repeat for several")] = None,
    sub_event_type: Annotated[
        list[str] | None, Query(description="ACLED sub-event type; repeat for several")
    ] = None,
    actor: Annotated[str | None, Query(description="Substring of actor1/actor2/assoc actors")] = None,
    source: Annotated[str | None, Query(description="Substring of a source name")] = None,
    grade: Annotated[str | None, Query(description="confirmed | fair | weak | contested")] = None,
    q: Annotated[str | None, Query(description="Free text over notes, actors, places and evidence")] = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
) -> EventFilters:
    box = None
    if bbox:
        parts = bbox.split(",")
        try:
            box = tuple(float(p) for p in parts)
        except ValueError:
            raise InputError(
                "bbox", f"expected four numbers minlon,minlat,maxlon,maxlat, got {bbox!r}"
            ) from None
        if len(box) != 4:
            raise InputError("bbox", f"expected four numbers minlon,minlat,maxlon,maxlat, got {len(box)}")
        minlon, minlat, maxlon, maxlat = box
        if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
            raise InputError("bbox", f"out of range or min > max: {bbox!r}")
    if date_from and date_to and date_from > date_to:
        raise InputError("date_from", f"{date_from} is after date_to {date_to}")
    if grade and grade not in ("confirmed", "fair", "weak", "contested"):
        raise InputError("grade", f"choose confirmed, fair, weak or contested, not {grade!r}")
    clean = [x for x in (event_type or []) if x]
    sub = [x for x in (sub_event_type or []) if x]
    return EventFilters(
        date_from=date_from,
        date_to=date_to,
        country=country or None,
        admin1=admin1 or None,
        event_type=clean or None,
        sub_event_type=sub or None,
        actor=actor or None,
        source=source or None,
        grade=grade or None,
        q=q or None,
        bbox=box,
    )


def parse_sort(sort: str) -> str:
    key = sort.lstrip("-")
    if key not in SORTABLE:
        raise InputError("sort", f"cannot sort by {key!r}; choose one of {', '.join(sorted(SORTABLE))}")
    return sort


def create_app(
    db: str | Path | None = None,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    backend: Backend | None = None,
) -> FastAPI:
    """token=None reads CONFLICTWIRE_TOKEN; an empty token means read-only."""
    token = os.environ.get("CONFLICTWIRE_TOKEN", "") if token is None else token
    store = backend or Backend(db)
    app = FastAPI(
        title="conflictwire",
        version="0.1.0",
        description="ACLED-style conflict events with their sources, stances, grades and evidence.",
        docs_url=None,  # served below from the bundled swagger-ui-dist, not the CDN
        redoc_url=None,
    )
    app.state.backend = store
    app.add_middleware(BodySizeLimit, limit=max_body)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        msgs = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body"))
            msgs.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return JSONResponse({"error": "; ".join(msgs) or "invalid request"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such path: {request.url.path}"
        return JSONResponse(
            {"error": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return JSONResponse({"error": f"internal error: {type(exc).__name__}"}, status_code=500)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not request.url.path.startswith("/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    def require_writer(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
        if not token:
            raise ApiError(
                403, "this server is read-only: start it with CONFLICTWIRE_TOKEN set to allow writes"
            )
        given = creds.credentials.strip() if creds else ""
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(
                401,
                "missing or wrong token: send Authorization: Bearer <token>",
                {"WWW-Authenticate": "Bearer"},
            )

    # --- the dashboard -----------------------------------------------------------------------------------------
    static = static_dir()

    @app.get("/", include_in_schema=False)
    def index():
        page = static / "index.html"
        if not page.exists():
            raise ApiError(
                503, "the dashboard is not built: run `make web` (npm) — the API under /api works without it"
            )
        return FileResponse(page, media_type="text/html")

    # check_dir=False: the API still runs from a source checkout where the bundle was not built.
    app.mount("/static", StaticFiles(directory=static, check_dir=False), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="conflictwire API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )

    # --- reads -------------------------------------------------------------------------------------------------
    @app.get("/api/health")
    def health():
        return {
            "ok": True,
            "writable": bool(token),
            "events": store.count(),
            "index_ready": store.index_ready,
        }

    @app.get("/api/events")
    def events(
        filters: Annotated[EventFilters, Depends(event_filters)],
        sort: Annotated[str, Query(description="Column, '-' prefix for descending")] = "-event_date",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ):
        """Events matching the filters, one page at a time, with the total that match."""
        total, rows = store.events(filters, parse_sort(sort), limit, offset)
        # Rows are JSON-ready already: skip FastAPI's generic encoder, the slowest step for a page of events.
        return fast_json({"total": total, "limit": limit, "offset": offset, "events": rows})

    @app.get("/api/events.geojson")
    def events_geojson(
        filters: Annotated[EventFilters, Depends(event_filters)],
        sort: str = "-event_date",
        limit: Annotated[int, Query(ge=1, le=100_000)] = MAX_PAGE,
        offset: Annotated[int, Query(ge=0)] = 0,
    ):
        """Events with coordinates as a GeoJSON FeatureCollection (properties = the event record)."""
        total, rows = store.events(filters, parse_sort(sort), limit, offset)
        features = []
        for r in rows:
            if r.get("latitude") is None or r.get("longitude") is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": r.get("event_id"),
                    "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                    "properties": r,
                }
            )
        return fast_json(
            {"type": "FeatureCollection", "total": total, "features": features},
            media_type="application/geo+json",
        )

    @app.get("/api/events.csv")
    def events_csv(
        filters: Annotated[EventFilters, Depends(event_filters)],
        sort: str = "-event_date",
        limit: Annotated[int | None, Query(ge=1)] = None,
    ):
        """Events as CSV in ACLED's column order, then fatalities_low, fatalities_high, report_id, grade."""
        sort = parse_sort(sort)

        def rows():
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(CSV_COLUMNS)
            for chunk in store.iter_events(filters, sort, limit):
                for r in chunk:
                    w.writerow(["" if r.get(c) is None else r.get(c) for c in CSV_COLUMNS])
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
            yield buf.getvalue()

        return StreamingResponse(
            rows(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="conflictwire-events.csv"'},
        )

    @app.get("/api/events/{event_id}")
    def event(event_id: str):
        """One event with its sources and stances, grade and reasons, evidence, figures and the tolls of its area."""
        found = store.event(event_id)
        if not found:
            raise ApiError(404, f"no event with id {event_id!r}")
        return found

    @app.get("/api/tolls")
    def tolls(
        country: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
        offset: Annotated[int, Query(ge=0)] = 0,
    ):
        """Cumulative death tolls (a time series per source and area), never summed into events."""
        total, rows = store.tolls(
            country=country,
            admin1=admin1,
            source=source,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )
        return {"total": total, "limit": limit, "offset": offset, "tolls": rows}

    @app.get("/api/stats")
    def stats(filters: Annotated[EventFilters, Depends(event_filters)]):
        """Counts and fatalities by week, event type, country, admin1 and actor for the filtered events."""
        return store.stats(filters)

    @app.get("/api/reports")
    def reports(
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
        text: Annotated[bool, Query(description="Include each report's full text")] = False,
    ):
        """Stored reports, newest publication first."""
        total, rows = store.reports(limit, offset, with_text=text)
        return {"total": total, "limit": limit, "offset": offset, "reports": rows}

    # --- writes ------------------------------------------------------------------------------------------------
    @app.post("/api/reports", status_code=201, dependencies=[Depends(require_writer)])
    def post_report(body: ReportIn):
        """Ingest one report through the same path as `conflictwire ingest`: extract, merge, store.

        201 when it was stored, 200 when the same text was already there (nothing changes)."""
        from ..ingest.published import parse_published

        if not body.text.strip():
            raise InputError("text", "the report has no text")
        report = Report(
            text=body.text,
            published=parse_published(body.published, where="published"),
            outlet=body.outlet,
            title=body.title,
            url=body.url,
            path="api",
        )
        result = store.ingest(report)
        status = 200 if result.get("skipped") else 201
        return JSONResponse(result, status_code=status)

    return app
