#!/usr/bin/env python3
"""Verifies an archive of docseal payloads on Spark and writes the verdicts as Parquet.

    spark-submit verify_archive.py --input payloads.txt --trust trust.json --output out/ [--at RFC3339]

The input is a text file (one payload per line) or Parquet (a string column, `--column`,
default `payload`). Each partition builds one `docseal.Verifier` from the trust list (its text
is shipped to the executors; a signed list with `--trust-anchor`) and verifies its rows in
batches of `--batch` with `verify_many` (the library's bulk path, GIL released). The output
folder gets `verdicts/` (Parquet: valid, kind, document_type, document_number, issued_at,
plus the payload's row number) and `summary.json` (payload counts per kind, "valid" for the
valid ones). Runs in local mode as is (`--master local[2]`) and unchanged on a cluster: the
`docseal` wheel must be installed on the executors (see the README, "Python and Spark").
"""
import argparse
import json
import pathlib

from pyspark.sql import SparkSession
from pyspark.sql import types as T

SCHEMA = T.StructType([
    T.StructField("row", T.LongType(), False),
    T.StructField("valid", T.BooleanType(), False),
    T.StructField("kind", T.StringType(), False),
    T.StructField("document_type", T.StringType(), True),
    T.StructField("document_number", T.StringType(), True),
    T.StructField("issued_at", T.StringType(), True),
])

# Where each document type keeps its number in the `document` object of the answer.
NUMBER_FIELD = {"driving-licence": "document_number", "passport": "document_number",
                "temporary-pass": "pass_number"}


def verdict(row, answer):
    if answer["valid"]:
        document_type = answer.get("document_type")
        number = (answer.get("document") or {}).get(NUMBER_FIELD.get(document_type, "document_number"))
        return (row, True, "valid", document_type, number, answer.get("issued_at"))
    return (row, False, answer["error"]["kind"], None, None, None)


def verify_partition(rows, trust, trust_anchor, status, unchecked, at, batch):
    # Imported here: on a cluster it is the executors' docseal, not the driver's.
    import docseal

    verifier = docseal.Verifier(trust, trust_anchor=trust_anchor, status=status or None,
                                allow_unchecked_status=unchecked, at=at)
    pending = []
    for number, text in rows:
        pending.append((number, text or ""))
        if len(pending) == batch:
            yield from flush(verifier, pending, at)
            pending = []
    if pending:
        yield from flush(verifier, pending, at)


def flush(verifier, pending, at):
    answers = verifier.verify_many([text for _, text in pending], at)
    for (number, _), answer in zip(pending, answers):
        yield verdict(number, answer)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="text file (one payload per line) or Parquet")
    parser.add_argument("--column", default="payload", help="the payload column of a Parquet input")
    parser.add_argument("--trust", required=True, help="the trust list (JSON, or signed with --trust-anchor)")
    parser.add_argument("--trust-anchor", help="the signed list's anchor (SPKI PEM)")
    parser.add_argument("--status", help="folder of status list tokens (.cwt), as verify --status")
    parser.add_argument("--allow-unchecked-status", action="store_true",
                        help="accept credentials whose status list was not given, as verify does")
    parser.add_argument("--output", required=True, help="folder for verdicts/ and summary.json")
    parser.add_argument("--at", help="verification time (RFC 3339); default: when the job starts")
    parser.add_argument("--batch", type=int, default=4096, help="rows per verify_many call")
    parser.add_argument("--master", help="Spark master (else spark-submit's)")
    args = parser.parse_args(argv)

    import datetime
    at = args.at or datetime.datetime.now(datetime.timezone.utc).isoformat()
    trust_path = pathlib.Path(args.trust)
    # The trust list and status tokens travel with the closure: executors need no shared
    # file system.
    trust = trust_path.read_bytes() if args.trust_anchor else trust_path.read_text()
    anchor = pathlib.Path(args.trust_anchor).read_text() if args.trust_anchor else None
    status = sorted(pathlib.Path(args.status).glob("*.cwt")) if args.status else []
    status = [p.read_bytes() for p in status]
    unchecked = args.allow_unchecked_status

    builder = SparkSession.builder.appName("docseal verify_archive")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    if __name__ != "__main__":
        # Imported (a test, a notebook): executors import this module by name, so ship it.
        spark.sparkContext.addPyFile(__file__)
    if args.input.endswith(".parquet") or pathlib.Path(args.input).is_dir():
        payloads = spark.read.parquet(args.input).select(args.column).rdd.map(lambda r: r[0])
    else:
        payloads = spark.sparkContext.textFile(args.input).filter(lambda line: line.strip() != "")
    batch = args.batch
    verdicts = payloads.zipWithIndex().map(lambda pair: (pair[1], pair[0])).mapPartitions(
        lambda rows: verify_partition(rows, trust, anchor, status, unchecked, at, batch))
    frame = spark.createDataFrame(verdicts, SCHEMA)
    output = pathlib.Path(args.output)
    frame.write.mode("overwrite").parquet(str(output / "verdicts"))
    counts = {row["kind"]: row["count"] for row in
              spark.read.parquet(str(output / "verdicts")).groupBy("kind").count().collect()}
    summary = {"at": at, "total": sum(counts.values()), "by_kind": dict(sorted(counts.items()))}
    (output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))
    spark.stop()
    return summary


if __name__ == "__main__":
    main()
