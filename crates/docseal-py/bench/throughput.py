#!/usr/bin/env python3
"""Payloads per second: Python `verify` in a loop, `verify_many`, the Spark job on local[2],
and `docseal verify --bulk --json` on the same corpus; prints ratios against the command line.

    python crates/docseal-py/bench/throughput.py [--count 1000000] [--loop-count 20000]

Needs the wheel installed in this interpreter (`pip install ./crates/docseal-py`), PySpark and
Java 17 for the Spark row, and builds the release command line. A benchmark, not a test: it
prints what it measured and checks nothing but that every side verified every payload alike.
"""
import argparse
import collections
import datetime
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import docseal

ROOT = pathlib.Path(__file__).resolve().parents[3]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--loop-count", type=int, default=20_000, help="payloads for the one-by-one loop")
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "docseal-cli", "-p", "docseal-testgen"], cwd=ROOT,
                   check=True)
    cli = ROOT / "target" / "release" / "docseal"
    testgen = ROOT / "target" / "release" / "docseal-testgen"
    work = pathlib.Path(tempfile.mkdtemp())
    corpus, trust = work / "corpus.txt", work / "trust.json"
    subprocess.run([str(testgen), "corpus", "--count", str(args.count), "--bad-share", "0", "--out", str(corpus),
                    "--trust-out", str(trust)], check=True, capture_output=True)
    with open(corpus) as lines:
        sample = [next(lines).strip() for _ in range(min(args.loop_count, args.count))]
    at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    rows = []

    env = dict(os.environ, RAYON_NUM_THREADS="2")
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run([str(cli), "verify", "--bulk", str(corpus), "--trust", str(trust), "--json", "--at", at],
                       stdout=sink, stderr=subprocess.DEVNULL, env=env, check=True)
    cli_rate = args.count / (time.perf_counter() - started)
    rows.append(("docseal verify --bulk --json (CLI, 2 threads)", cli_rate))

    verifier = docseal.Verifier(trust)
    started = time.perf_counter()
    valid = sum(1 for t in sample if verifier.verify(t, at)["valid"])
    rows.append((f"Python verify() in a loop ({len(sample):,})", len(sample) / (time.perf_counter() - started)))
    assert valid == len(sample)

    # Read in batches, as a job would: the whole corpus's answers would not fit in memory.
    started = time.perf_counter()
    valid = 0
    with open(corpus) as lines:
        batch = []
        for line in lines:
            batch.append(line.strip())
            if len(batch) == 65536:
                valid += sum(1 for a in verifier.verify_many(batch, at) if a["valid"])
                batch = []
        valid += sum(1 for a in verifier.verify_many(batch, at) if a["valid"])
    rows.append(("Python verify_many() (batches of 65,536, file read)", args.count / (time.perf_counter() - started)))
    assert valid == args.count, valid

    if not args.no_spark:
        sys.path.insert(0, str(ROOT / "examples" / "spark"))
        os.environ["PYSPARK_PYTHON"] = sys.executable
        import verify_archive
        started = time.perf_counter()
        summary = verify_archive.main(["--input", str(corpus), "--trust", str(trust), "--output", str(work / "out"),
                                       "--at", at, "--master", "local[2]"])
        rows.append(("Spark job, local[2] (start, verify, Parquet, summary)", args.count / (time.perf_counter() - started)))
        assert summary["by_kind"] == {"valid": args.count}, summary

    print(f"\n{args.count:,} payloads (docseal-testgen corpus --bad-share 0: Ed25519 and ES256, all documents)")
    print(f"{'':58} {'payloads/s':>12} {'cost vs CLI':>12}")
    for name, rate in rows:
        print(f"{name:58} {rate:12,.0f} {cli_rate / rate:11.2f}x")


if __name__ == "__main__":
    main()
