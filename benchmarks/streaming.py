"""Streaming ingest of a large JSONL corpus: memory stays bounded, writes go in batches, a killed run resumes
without redoing finished reports (issue 6).

    .venv/bin/python benchmarks/streaming.py [--reports 3000] [--kill-after 120] [--workers 1] [--corpus wire]

It writes a JSONL corpus (--corpus wire: the short wire reports of benchmarks/wire_corpus.py, many incidents each
told by 1-4 outlets; --corpus demo: the demo reports, each copy made distinct), runs `conflictwire ingest` on it in
a subprocess, samples the process tree's resident memory, kills it after --kill-after seconds, then runs it again to
the end. It prints the peak memory of each run, how many reports the first run committed, how many the second run
skipped as already stored, and the rate. `ingest` logs a line every 10,000 reports to <dir>/run*.log.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_corpus(path: Path, n: int, kind: str = "wire") -> None:
    if kind == "wire":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from wire_corpus import write

        write(path, n)
        return
    from conflictwire.ingest.readers import split_header

    base = []
    for f in sorted(glob.glob(str(ROOT / "demo" / "reports" / "*.txt"))):
        meta, body = split_header(Path(f).read_text(encoding="utf-8"))
        base.append((meta, body))
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            meta, body = base[i % len(base)]
            row = {
                "id": f"stream-{i:07d}",
                "text": f"{body}\n(Dispatch {i}.)",
                "published": meta.get("published", "2024-12-02T12:00:00+00:00"),
                "outlet": meta.get("outlet", "Demo Wire"),
                "url": f"https://demo.conflictwire.invalid/stream/{i}",
            }
            out.write(json.dumps(row) + "\n")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (worker processes count too)."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        pids += [int(p) for p in out.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(
    corpus: Path, db: Path, workers: int, kill_after: float | None, log: Path
) -> tuple[float, float, bool]:
    cmd = [sys.executable, "-m", "conflictwire", "ingest", str(corpus), "--db", str(db)]
    cmd += ["--workers", str(workers)]
    start = time.perf_counter()
    out = log.open("w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True)
    peak = 0.0
    killed = False
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        if kill_after is not None and time.perf_counter() - start > kill_after:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.5)
    proc.wait()
    out.close()
    if not killed and proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}): {log.read_text()[-2000:]}")
    return peak, time.perf_counter() - start, killed


def stored_reports(db: Path) -> int:
    import duckdb

    if not db.exists():
        return 0
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=3000)
    ap.add_argument("--kill-after", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--corpus", choices=("wire", "demo"), default="wire")
    ap.add_argument(
        "--dir", help="work here and keep the corpus, database and logs (default: a temporary folder)"
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(args.dir or scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        corpus, db = tmp / "corpus.jsonl", tmp / "stream.duckdb"
        if not corpus.exists():
            write_corpus(corpus, args.reports, args.corpus)
        mb = corpus.stat().st_size / 1e6
        print(f"corpus: {args.reports} {args.corpus} reports, {mb:.1f} MB of JSONL", flush=True)

        peak1, secs1, killed = run(corpus, db, args.workers, args.kill_after, tmp / "run1.log")
        first = stored_reports(db)
        print(
            f"run 1: killed={killed} after {secs1:.0f} s, {first} reports committed, peak {peak1:.0f} MB",
            flush=True,
        )

        peak2, secs2, _ = run(corpus, db, args.workers, None, tmp / "run2.log")
        total = stored_reports(db)
        print(
            f"run 2: {total - first} more reports in {secs2:.0f} s ({(total - first) / secs2:.1f}/s), peak {peak2:.0f} MB"
        )
        print(f"stored: {total} of {args.reports}; the first {first} were skipped, not redone")


if __name__ == "__main__":
    main()
