"""The Spark job in local mode against `docseal verify --bulk` on the same generated corpus.

Run by .ci/python: `DOCSEAL_SPARK_COUNT` payloads (100,000 there; 5,000 by default) from
`docseal-testgen corpus` (10 % bad, every kind), verified by the job on `local[2]`, and the counts per
kind compared with the command line's JSON lines."""
import collections
import json
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))


def cli():
    binary = ROOT / "target" / "debug" / "docseal"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "docseal-cli"], cwd=ROOT, check=True)
    return binary


@pytest.mark.skipif(subprocess.run(["java", "-version"], capture_output=True).returncode != 0,
                    reason="no Java: PySpark needs Java 17")
def test_spark_job_agrees_with_verify_bulk_kind_by_kind(tmp_path):
    count = int(os.environ.get("DOCSEAL_SPARK_COUNT", "5000"))
    docseal = cli()
    corpus, trust = tmp_path / "corpus.txt", tmp_path / "trust.json"
    testgen = docseal.parent / "docseal-testgen"
    subprocess.run([str(testgen), "corpus", "--count", str(count), "--bad-share", "0.1", "--seed", "11",
                    "--out", str(corpus), "--trust-out", str(trust)], check=True, capture_output=True)
    # Both sides verify at the same instant, just after the corpus was issued.
    import datetime
    at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()

    bulk = subprocess.run([str(docseal), "verify", "--bulk", str(corpus), "--trust", str(trust), "--json",
                           "--at", at], capture_output=True, check=False)
    expected = collections.Counter()
    for line in bulk.stdout.decode().splitlines():
        answer = json.loads(line)
        expected["valid" if answer["valid"] else answer["error"]["kind"]] += 1
    assert sum(expected.values()) == count

    import verify_archive
    # Local mode starts Python workers with PYSPARK_PYTHON: this interpreter has the wheel.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    summary = verify_archive.main(["--input", str(corpus), "--trust", str(trust), "--output",
                                   str(tmp_path / "out"), "--at", at, "--master", "local[2]"])
    assert summary["total"] == count
    assert summary["by_kind"] == dict(sorted(expected.items()))
    assert expected["valid"] < count and len(expected) > 5, expected

    from pyspark.sql import SparkSession
    spark = SparkSession.builder.master("local[1]").getOrCreate()
    try:
        rows = spark.read.parquet(str(tmp_path / "out" / "verdicts"))
        assert rows.count() == count
        valid = rows.filter("valid").select("document_type", "document_number", "issued_at").collect()
        assert all(r["document_type"] and r["document_number"] and r["issued_at"] for r in valid)
    finally:
        spark.stop()
