#!/usr/bin/env python3
"""Bounded work per image (issue 37), measured from outside with the release command line.

Usage: image-load.py DOCSEAL

1. `docseal verify --image` on a blank 40-megapixel PNG with `--image-time-limit 30s`: wall
   time and peak RSS (`/usr/bin/time -v`).
2. `docseal serve` answering 20 blank 24-megapixel PNGs, 4 at a time, with
   `--max-image-pixels 24000000` and with the default (8 million): peak RSS, and threads at
   the start and 10 s after the last answer.
"""

import http.client
import json
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path


def blank_png(width, height, channels):
    raw = b"".join(b"\x00" + b"\xff" * (width * channels) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    color = {1: 0, 3: 2}[channels]
    header = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def proc_status(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()
    return int(fields["VmRSS"][0]) // 1024, int(fields["Threads"][0])


def cli(docseal, work):
    image = work / "blank40.png"
    image.write_bytes(blank_png(8000, 5000, 1))
    run = subprocess.run(
        ["/usr/bin/time", "-v", docseal, "verify", "--image", str(image), "--trust", str(work / "t.json"),
         "--image-time-limit", "30s", "--json"],
        capture_output=True, text=True,
    )
    wall = next(l for l in run.stderr.splitlines() if "Elapsed (wall clock)" in l).split()[-1]
    rss = int(next(l for l in run.stderr.splitlines() if "Maximum resident" in l).split()[-1]) // 1024
    kind = json.loads(run.stdout)["error"]["kind"]
    print(f"verify --image, blank 40 MP PNG of {image.stat().st_size // 1024} KiB, --image-time-limit 30s: "
          f"kind {kind}, {wall} wall, peak RSS {rss} MiB")


def service(docseal, work, pixels):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [docseal, "serve", "--trust", str(work / "t.json"), "--listen", f"127.0.0.1:{port}", "--quiet",
            "--max-image", str(32 << 20)]
    if pixels:
        args += ["--max-image-pixels", str(pixels)]
    server = subprocess.Popen(args, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        peak, stop = [0], threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], proc_status(server.pid)[0])
                time.sleep(0.05)

        threading.Thread(target=sample, daemon=True).start()
        threads_at_start = proc_status(server.pid)[1]
        body = (work / "blank24.png").read_bytes()
        kinds = []

        def client():
            for _ in range(5):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", "/v1/verify/image", body=body)
                response = connection.getresponse()
                kinds.append((response.status, json.loads(response.read())["error"]["kind"]))

        started = time.time()
        clients = [threading.Thread(target=client) for _ in range(4)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        took = time.time() - started
        time.sleep(10)
        stop.set()
        label = f"--max-image-pixels {pixels}" if pixels else "default pixel limit"
        print(f"serve, {label}: 20 blank 24 MP PNGs, 4 at a time, in {took:.1f} s, answers {sorted(set(kinds))}, "
              f"peak RSS {peak[0]} MiB, threads {threads_at_start} at start and {proc_status(server.pid)[1]} 10 s after")
    finally:
        server.terminate()
        server.wait()


def main():
    docseal = str(Path(sys.argv[1]).resolve())
    with tempfile.TemporaryDirectory(prefix="image-load-") as folder:
        work = Path(folder)
        (work / "t.json").write_text('{"version": 1, "issuers": []}')
        (work / "blank24.png").write_bytes(blank_png(6000, 4000, 3))
        cli(docseal, work)
        service(docseal, work, 24_000_000)
        service(docseal, work, None)


if __name__ == "__main__":
    main()
