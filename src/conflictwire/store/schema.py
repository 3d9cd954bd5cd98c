"""The DuckDB schema, as numbered migration steps.

A database records the steps it has in ``schema_version``; opening it applies the missing ones in order, each in
its own transaction. Never edit a released step: add a new one.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "reports, events with their sources, evidence, figures and member reports, tolls",
        [
            """CREATE TABLE reports (
                report_id VARCHAR PRIMARY KEY,
                content_hash VARCHAR NOT NULL,
                url VARCHAR,
                outlet VARCHAR,
                title VARCHAR,
                published TIMESTAMPTZ,
                text VARCHAR,
                path VARCHAR,
                ingested_at TIMESTAMPTZ
            )""",
            """CREATE TABLE events (
                event_id VARCHAR PRIMARY KEY,
                event_date DATE,
                time_precision INTEGER,
                disorder_type VARCHAR,
                event_type VARCHAR,
                sub_event_type VARCHAR,
                actor1 VARCHAR,
                assoc_actor_1 VARCHAR,
                inter1 INTEGER,
                actor2 VARCHAR,
                assoc_actor_2 VARCHAR,
                inter2 INTEGER,
                interaction INTEGER,
                civilian_targeting VARCHAR,
                iso INTEGER,
                country VARCHAR,
                admin1 VARCHAR,
                admin2 VARCHAR,
                location VARCHAR,
                latitude DOUBLE,
                longitude DOUBLE,
                geo_precision INTEGER,
                source VARCHAR,
                notes VARCHAR,
                fatalities INTEGER,
                fatalities_low INTEGER,
                fatalities_high INTEGER,
                grade VARCHAR,
                grade_reasons VARCHAR[],
                first_report_id VARCHAR,
                search_text VARCHAR,
                created_at TIMESTAMPTZ,
                updated_at TIMESTAMPTZ
            )""",
            # One row per report that told the incident; ``member`` is that report's own extracted event (JSON),
            # kept so the merged event can be derived again when a report is replaced.
            """CREATE TABLE event_reports (
                event_id VARCHAR NOT NULL,
                report_id VARCHAR NOT NULL,
                member_event_id VARCHAR,
                seq BIGINT,
                member JSON
            )""",
            """CREATE TABLE event_sources (
                event_id VARCHAR NOT NULL,
                report_id VARCHAR,
                name VARCHAR,
                stance VARCHAR
            )""",
            """CREATE TABLE evidence (
                event_id VARCHAR NOT NULL,
                report_id VARCHAR,
                text VARCHAR,
                start INTEGER,
                "end" INTEGER
            )""",
            """CREATE TABLE event_figures (
                event_id VARCHAR NOT NULL,
                report_id VARCHAR,
                source VARCHAR,
                killed INTEGER,
                published TIMESTAMPTZ,
                revised BOOLEAN
            )""",
            """CREATE TABLE tolls (
                toll_id VARCHAR,
                report_id VARCHAR NOT NULL,
                kind VARCHAR,
                killed INTEGER,
                children INTEGER,
                civilians INTEGER,
                injured INTEGER,
                period_start DATE,
                period_end DATE,
                country VARCHAR,
                admin1 VARCHAR,
                location VARCHAR,
                source VARCHAR,
                evidence JSON
            )""",
            "CREATE INDEX reports_hash ON reports (content_hash)",
            "CREATE INDEX reports_url ON reports (url)",
            "CREATE INDEX event_reports_event ON event_reports (event_id)",
            "CREATE INDEX event_reports_report ON event_reports (report_id)",
            "CREATE INDEX event_sources_event ON event_sources (event_id)",
            "CREATE INDEX evidence_event ON evidence (event_id)",
            "CREATE INDEX event_figures_event ON event_figures (event_id)",
            "CREATE INDEX tolls_report ON tolls (report_id)",
        ],
    ),
]

LATEST = MIGRATIONS[-1][0]


def current_version(con) -> int:
    """The step a database is at (0 for a new, empty file). Reads only, so it works read-only too."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(con) -> int:
    """Apply the missing steps; returns the version the database is at."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, description VARCHAR, applied_at TIMESTAMPTZ)"
    )
    version = current_version(con)
    for number, description, statements in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in statements:
                con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [number, description])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        version = number
    return version
