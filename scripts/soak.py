#!/usr/bin/env python3
"""Soak and fault run for `docseal serve`, `issue` and `registry publish` (issue 37).

Usage: soak.py --bin DOCSEAL [--duration 600] [--concurrency 8] [--out DIR]

1. The service under mixed load at the edge of its concurrency (as many client threads as
   `--concurrency` places): valid and tampered payloads, hostile JSON, photos, batches, and
   clients without an API key announcing 8 MB bodies they never send; the trust list and the
   status lists are rewritten every 3 s, so the service reloads them throughout. Its RSS and
   thread count are sampled each second into DIR/soak.csv. Fails on a valid request not
   answered valid, on RSS growing past the first quarter's peak by more than a third (and
   32 MiB), or on more threads at the end than at the end of the first quarter plus 4.
2. `kill -9` of the service under load: a new one on the same files serves at once.
3. `kill -9` of `issue` and of `registry publish` at random moments: every credential that was
   printed has its row, at most one row per killed run has no printed credential (a kill
   between commit and print), every published index names tokens that exist and read, and no
   QR image is left half written.
Prints a summary; exits 1 on a failed check.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

API_KEY = "soak-key-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(docseal, cwd, *args, check=True):
    done = subprocess.run([docseal, *args], cwd=cwd, capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {done.returncode}: {done.stderr}")
    return done


def setup(docseal, work):
    run(docseal, work, "keygen", "--alg", "ed25519", "--out", "k.pem", "--pub", "k.pub")
    run(docseal, work, "keygen", "--alg", "ed25519", "--out", "s.pem", "--pub", "s.pub")
    keys = [(work / "k.pub").read_text(), (work / "s.pub").read_text()]
    trust = {"version": 1, "issuers": [
        {"name": "Soak authority", "public_key": keys[0]},
        {"name": "Soak status", "public_key": keys[1], "documents": ["status-list"]},
    ]}
    (work / "trust.json").write_text(json.dumps(trust))
    (work / "lic.json").write_text(run(docseal, work, "example", "licence").stdout)
    payloads = [
        run(docseal, work, "issue", "licence", "--data", "lic.json", "--key", "k.pem",
            "--issuer", "Soak authority", *(["--card", "card"] if i == 0 else [])).stdout.strip()
        for i in range(20)
    ]
    run(docseal, work, "registry", "publish", "--key", "s.pem", "--out-dir", "status")
    import hashlib
    (work / "keys").write_text(hashlib.sha256(API_KEY.encode()).hexdigest() + "\n")
    return payloads, (work / "card" / "front.png").read_bytes()


def start(docseal, work, port, concurrency):
    return subprocess.Popen(
        [docseal, "serve", "--trust", "trust.json", "--status", "status", "--listen", f"127.0.0.1:{port}",
         "--api-keys", "keys", "--concurrency", str(concurrency), "--reload-every", "1s", "--quiet"],
        cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def wait_ready(port, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if request(port, "GET", "/v1/health")[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def request(port, method, path, body=b"", headers=None, key=True):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    all_headers = dict(headers or {})
    if key:
        all_headers["X-Api-Key"] = API_KEY
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def unauthenticated_big_body(port):
    """A client without a key announcing 8 MB it never sends: answered 401 from its headers."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /v1/verify/batch HTTP/1.1\r\nHost: t\r\nContent-Length: 8000000\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data[9:12])


class Load:
    def __init__(self, port, payloads, photo):
        self.port, self.payloads, self.photo = port, payloads, photo
        self.counts, self.failures, self.lock = {}, [], threading.Lock()
        self.stop = threading.Event()

    def one(self, rng):
        kind = rng.choice(["valid", "valid", "valid", "tampered", "hostile", "image", "batch", "nokey"])
        p = rng.choice(self.payloads)
        if kind == "valid":
            status, body = request(self.port, "POST", "/v1/verify", json.dumps({"payload": p}).encode())
            ok = status == 200 and json.loads(body).get("valid") is True
        elif kind == "tampered":
            t = p[:40] + ("0" if p[40] != "0" else "1") + p[41:]
            status, body = request(self.port, "POST", "/v1/verify", json.dumps({"payload": t}).encode())
            ok = status == 200 and json.loads(body).get("valid") is False
        elif kind == "hostile":
            body = rng.choice([b"{", b"[]" * 1000, b'{"payload": 7}', b'{"payload": "DS1:", "x": 1}', b"\xff" * 100])
            status, answer = request(self.port, "POST", "/v1/verify", body)
            ok = status == 400 and json.loads(answer)["error"]["kind"] == "request"
        elif kind == "image":
            status, body = request(self.port, "POST", "/v1/verify/image", self.photo)
            ok = status == 200 and json.loads(body).get("valid") is True
        elif kind == "batch":
            texts = [rng.choice(self.payloads) for _ in range(50)]
            status, body = request(self.port, "POST", "/v1/verify/batch", json.dumps({"payloads": texts}).encode())
            ok = status == 200 and all(r.get("valid") for r in json.loads(body)["results"])
        else:
            status = unauthenticated_big_body(self.port)
            ok = status == 401
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            if not ok:
                self.failures.append((kind, status))

    def worker(self, seed):
        rng = random.Random(seed)
        while not self.stop.is_set():
            try:
                self.one(rng)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as e:
                with self.lock:
                    self.failures.append(("error", repr(e)))


def sample(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()
    return int(fields["VmRSS"][0]) // 1024, int(fields["Threads"][0])


def refresher(docseal, work, stop):
    """Rewrites the trust list and republishes the status lists every 3 s."""
    while not stop.wait(3):
        text = (work / "trust.json").read_text()
        (work / "trust.json.new").write_text(text)
        os.replace(work / "trust.json.new", work / "trust.json")
        run(docseal, work, "registry", "publish", "--key", "s.pem", "--out-dir", "status")


def soak(docseal, work, payloads, photo, duration, concurrency, out):
    port = free_port()
    server = start(docseal, work, port, concurrency)
    failed = []
    try:
        if not wait_ready(port):
            sys.exit(f"the service did not start: {server.stderr.read() if server.poll() is not None else ''}")
        load = Load(port, payloads, photo)
        threads = [threading.Thread(target=load.worker, args=(i,), daemon=True) for i in range(concurrency)]
        stop_refresh = threading.Event()
        refresh = threading.Thread(target=refresher, args=(docseal, work, stop_refresh), daemon=True)
        for t in threads:
            t.start()
        refresh.start()
        rows, started = [], time.time()
        while time.time() - started < duration:
            time.sleep(1)
            rss, count = sample(server.pid)
            rows.append((round(time.time() - started), rss, count))
        load.stop.set()
        stop_refresh.set()
        for t in threads:
            t.join(60)
        refresh.join(60)
        time.sleep(2)
        rows.append((round(time.time() - started), *sample(server.pid)))
        (out / "soak.csv").write_text("seconds,rss_mib,threads\n" + "".join(f"{s},{r},{t}\n" for s, r, t in rows))
        quarter = rows[: max(1, len(rows) // 4)]
        early_rss, early_threads = max(r for _, r, _ in quarter), quarter[-1][2]
        peak_rss, end_threads = max(r for _, r, _ in rows), rows[-1][2]
        total = sum(load.counts.values())
        print(f"soak: {duration} s, {concurrency} clients, {total} requests {dict(sorted(load.counts.items()))}")
        print(f"soak: RSS {rows[0][1]} MiB at start, {early_rss} MiB peak in the first quarter, {peak_rss} MiB peak; "
              f"threads {rows[0][2]} at start, {early_threads} after the first quarter, {end_threads} at the end")
        if load.failures:
            failed.append(f"{len(load.failures)} failed requests, first: {load.failures[:5]}")
        if peak_rss > early_rss * 4 / 3 + 32:
            failed.append(f"RSS grew: {early_rss} MiB -> {peak_rss} MiB")
        if end_threads > early_threads + 4:
            failed.append(f"threads grew: {early_threads} -> {end_threads}")
        failed += dribble(port, payloads[0])
        # kill -9 under load, then a new instance on the same files serves at once.
        server.send_signal(signal.SIGKILL)
        server.wait()
        server = start(docseal, work, port, concurrency)
        if not wait_ready(port):
            failed.append("no service after a kill -9 and a restart")
        else:
            status, body = request(port, "POST", "/v1/verify", json.dumps({"payload": payloads[0]}).encode())
            if status != 200 or json.loads(body).get("valid") is not True:
                failed.append(f"after the restart: {status} {body[:200]}")
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            failed.append("SIGTERM did not stop the service within 15 s")
    finally:
        if server.poll() is None:
            server.kill()
    return failed


def dribble(port, payload, clients=200, seconds=8):
    """200 connections each sending a header byte a second, while a normal client's verify
    must be answered within 1 s every time."""
    failed, stop = [], threading.Event()

    def dribblers():
        sockets = []
        for _ in range(clients):
            try:
                sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError:
                break
        head = b"POST /v1/verify HTTP/1.1\r\nHost: t\r\n" + b"X-Slow: " + b"a" * 1000
        at = 0
        while not stop.wait(1):
            for s in list(sockets):
                try:
                    s.send(head[at % len(head):at % len(head) + 1])
                except OSError:
                    sockets.remove(s)  # cut by the header timeout: as intended
            at += 1
        for s in sockets:
            s.close()

    thread = threading.Thread(target=dribblers, daemon=True)
    thread.start()
    time.sleep(1)
    slowest, started = 0.0, time.time()
    while time.time() - started < seconds:
        t = time.time()
        status, body = request(port, "POST", "/v1/verify", json.dumps({"payload": payload}).encode())
        slowest = max(slowest, time.time() - t)
        if status != 200 or json.loads(body).get("valid") is not True:
            failed.append(f"during the dribble: {status}")
        time.sleep(0.2)
    stop.set()
    thread.join(30)
    print(f"dribble: {clients} connections sending a header byte a second; the slowest normal verify took {slowest * 1000:.0f} ms")
    if slowest >= 1.0:
        failed.append(f"a normal verify took {slowest:.2f} s while {clients} clients dribbled")
    return failed


def killed(docseal, work, args, rng, max_delay):
    process = subprocess.Popen([docseal, *args], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    time.sleep(rng.uniform(0, max_delay))
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate()
    return out.strip()


def kills(docseal, work, runs, rng):
    failed = []
    registry = ["--registry", "kills.db"]
    run(docseal, work, "registry", *registry, "init")
    delivered, kill_count = [], 0
    for n in range(runs):
        qr = f"qr-{n}.png"
        out = killed(docseal, work, ["issue", "licence", "--data", "lic.json", "--key", "k.pem", "--issuer",
                                     "Soak authority", *registry, "--qr", qr], rng, 0.4)
        kill_count += 1
        if out.startswith("DS1:"):
            delivered.append(out)
        path = work / qr
        if path.exists() and not path.read_bytes().endswith(b"IEND\xaeB`\x82"):
            failed.append(f"{qr} is half written")
        index = killed(docseal, work, ["registry", *registry, "publish", "--key", "s.pem", "--out-dir", "kstatus"], rng, 0.3)
        del index
        index_path = work / "kstatus" / "index.json"
        if index_path.exists():
            listed = json.loads(index_path.read_text())["lists"]
            for entry in listed:
                token = work / "kstatus" / entry["file"]
                if run(docseal, work, "status", "show", str(token), check=False).returncode != 0:
                    failed.append(f"index.json names {entry['file']}, which does not read")
    rows = [json.loads(line) for line in
            run(docseal, work, "registry", *registry, "list", "--limit", "100000", "--json").stdout.splitlines()]
    recorded = {r["payload_sha256"] for r in rows}
    import hashlib
    printed = {hashlib.sha256(p.encode()).hexdigest() for p in delivered}
    missing = printed - recorded
    orphans = len(recorded - printed)
    print(f"kills: {runs} issue runs and {runs} publish runs killed at random; {len(printed)} credentials printed, "
          f"{len(rows)} rows, {orphans} rows without a printed credential")
    if missing:
        failed.append(f"{len(missing)} printed credentials have no row")
    if orphans > kill_count:
        failed.append(f"{orphans} rows without a printed credential for {kill_count} kills")
    return failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--duration", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path("target/soak"))
    args = parser.parse_args()
    docseal = str(Path(args.bin).resolve())
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        work = Path(folder)
        payloads, photo = setup(docseal, work)
        failed = soak(docseal, work, payloads, photo, args.duration, args.concurrency, args.out)
        failed += kills(docseal, work, args.kills, random.Random(7))
    if failed:
        sys.exit("soak FAILED:\n  " + "\n  ".join(failed))
    print(f"soak: every check held (curve in {args.out / 'soak.csv'})")


if __name__ == "__main__":
    main()
