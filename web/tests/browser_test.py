#!/usr/bin/env python3
"""The desk page in headless Chromium (Debian's chromium and chromedriver, driven by Selenium).

Opens web/dist/index.html over 127.0.0.1 and from file://, and for each origin verifies: a
valid payload, a tampered one (signature), an expired one (the docseal DS1 vectors, at their
own verification time), the image file of a rendered licence card, a licence suspended
through a status list under a signed trust list, and the trust list kept in the browser's
storage across a reload. Reads every verdict from the DOM, keeps a screenshot per case, and
fails on a wrong verdict or on any request other than the page itself (Chromium's
performance log and the test server's own log). Prints the page's verification time per
payload over 1,000 payloads (a measurement; no time is asserted).

Run by .ci/web, which makes the fixtures.
"""
import argparse
import functools
import http.server
import json
import pathlib
import sys
import threading

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        QuietHandler.requests.append(self.path)
        super().do_GET()


def serve(root):
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--window-size=1280,1800",
        # Reading files from a file:// page's inputs is ordinary; this only lets file:// pages
        # keep localStorage the same way on every Chromium build.
        "--allow-file-access-from-files",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def requested_urls(driver):
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


class Desk:
    def __init__(self, driver, url, shots, origin):
        self.driver, self.url, self.shots, self.origin = driver, url, shots, origin

    def open(self):
        self.driver.get(self.url)
        WebDriverWait(self.driver, 60).until(
            lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")

    def el(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def upload(self, css, path):
        field = self.el(css)
        self.driver.execute_script("arguments[0].value = '';", field)
        field.send_keys(str(path))

    def load_trust(self, path, anchor=None):
        self.driver.execute_script("document.getElementById('trust-state').textContent = '';")
        if anchor is not None:
            self.upload("#anchor-file", anchor)
        else:
            self.driver.execute_script("document.getElementById('anchor-file').value = '';")
        self.upload("#trust-file", path)
        WebDriverWait(self.driver, 20).until(lambda d: self.el("#trust-state").text != "")
        return self.el("#trust-state").text

    def set_time(self, at):
        field = self.el("#verify-at")
        field.clear()
        if at:
            field.send_keys(at)

    def verdict_after(self, action):
        self.driver.execute_script(
            "const v = document.getElementById('verdict'); v.dataset.verdict = 'none'; v.dataset.kind = '';")
        action()
        try:
            WebDriverWait(self.driver, 60).until(
                lambda d: self.el("#verdict").get_attribute("data-verdict") != "none")
        except TimeoutException:
            console = [e["message"] for e in self.driver.get_log("browser")]
            return "no verdict", f"{self.el('#read-state').text} {console[-3:]}"
        return self.el("#verdict").get_attribute("data-verdict"), self.el("#verdict").get_attribute("data-kind")

    def verify_text(self, text):
        def paste():
            self.driver.execute_script("document.getElementById('payload').value = arguments[0];", text)
            self.el("#verify-button").click()
        return self.verdict_after(paste)

    def shot(self, name):
        self.shots.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(self.shots / f"{self.origin}-{name}.png"))


def vector(vectors, name):
    data = json.loads((vectors / f"licence-ed25519-{name}.json").read_text())
    return data["payload"], data["verify"]


def run_cases(desk, fixtures, vectors, work, example):
    desk.open()
    desk.driver.execute_script("localStorage.clear();")
    desk.open()

    # The README's example: its trust list and payload, verified now.
    desk.load_trust(example / "trust.json")
    got = desk.verify_text((example / "licence.txt").read_text().strip())
    check(got == ("valid", ""), f"{desk.origin}: the README's example payload: {got}")
    desk.shot("readme-example")

    # The DS1 vectors: valid, tampered (signature), expired, each at its own time.
    for name, expected in [("valid", ("valid", "")), ("signature", ("refused", "signature")),
                           ("expired", ("refused", "expired"))]:
        payload, verify = vector(vectors, name)
        trust_file = work / f"vector-trust-{name}.json"
        trust_file.write_text(json.dumps(verify["trust_list"]))
        desk.load_trust(trust_file)
        desk.set_time(verify["at"])
        got = desk.verify_text(payload)
        check(got == expected, f"{desk.origin}: vector {name}: {got}, expected {expected}")
        if name == "valid":
            pages = desk.driver.find_elements(By.CSS_SELECTOR, "#pages figure svg")
            check(len(pages) == 2, f"{desk.origin}: the licence's two pages are drawn ({len(pages)})")
            checks = desk.driver.find_elements(By.CSS_SELECTOR, "#checks li")
            check(len(checks) >= 3, f"{desk.origin}: the checks passed are listed ({len(checks)})")
        desk.shot(f"vector-{name}")

    # A question the licence answers no to: class A (the sample holds C1).
    payload, verify = vector(vectors, "valid")
    desk.set_time(verify["at"])
    desk.el("#req-class").send_keys("A")
    got = desk.verify_text(payload)
    check(got == ("refused", "policy"), f"{desk.origin}: class A asked of a C1 licence: {got}")
    desk.shot("question-class-a")
    desk.el("#req-class").clear()

    # The trust list is kept in the browser: after a reload the same payload still verifies.
    desk.open()
    desk.set_time(verify["at"])
    check("vector key 0" in desk.el("#trust-state").text, f"{desk.origin}: trust list restored from storage")
    got = desk.verify_text(payload)
    check(got == ("valid", ""), f"{desk.origin}: valid after a reload, from the stored trust list: {got}")

    # The image of a rendered card, read inside the module, under the JSON trust list.
    desk.set_time("")
    desk.load_trust(fixtures / "trust.json")
    front = fixtures / "card" / "front.png"
    got = desk.verdict_after(lambda: desk.upload("#image-file", front))
    check(got == ("valid", ""), f"{desk.origin}: image of the rendered front page: {got}")
    desk.shot("image")

    # A suspended licence: the signed trust list (checked against its anchor), then its
    # status list; refused as suspended. Without the status list the desk cannot tell.
    state = desk.load_trust(fixtures / "trust.signed", fixtures / "anchor.pub")
    check("signed list of Test provider" in state, f"{desk.origin}: signed trust list loaded: {state!r}")
    suspended = (fixtures / "suspended.txt").read_text().strip()
    got = desk.verify_text(suspended)
    check(got == ("refused", "status"), f"{desk.origin}: no status list loaded: {got}")
    for token in sorted((fixtures / "status").glob("*.cwt")):
        desk.upload("#status-files", token)
    WebDriverWait(desk.driver, 20).until(lambda d: "loaded" in desk.el("#status-state").text)
    got = desk.verify_text(suspended)
    check(got == ("refused", "suspended"), f"{desk.origin}: suspended through the status list: {got}")
    desk.shot("suspended")

    # A trust list signed by another anchor is refused and the loaded one stays.
    state = desk.load_trust(fixtures / "trust.signed", fixtures / "k.pub")
    check("refused" in state and "stays" in state, f"{desk.origin}: a list under the wrong anchor: {state!r}")

    # The page's own measurement: 1,000 payloads verified one by one.
    desk.load_trust(fixtures / "corpus-trust.json")
    desk.upload("#bench-file", fixtures / "corpus.txt")
    WebDriverWait(desk.driver, 120).until(lambda d: desk.el("#bench-result").get_attribute("data-per-payload-ms"))
    result = desk.el("#bench-result")
    count, valid = result.get_attribute("data-count"), result.get_attribute("data-valid")
    check(count == "1000" and valid == "1000", f"{desk.origin}: 1,000 corpus payloads verify ({valid}/{count})")
    print(f"measured: {desk.origin}: {result.get_attribute('data-per-payload-ms')} ms per payload in the page "
          f"(1,000 payloads, verify and JSON answer)")
    desk.shot("measure")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=pathlib.Path, required=True)
    parser.add_argument("--fixtures", type=pathlib.Path, required=True)
    parser.add_argument("--vectors", type=pathlib.Path, required=True)
    parser.add_argument("--screenshots", type=pathlib.Path, required=True)
    parser.add_argument("--example", type=pathlib.Path, required=True)
    args = parser.parse_args()
    page = (args.dist / "index.html").resolve()
    server = serve(args.dist)
    http_url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    work = args.fixtures
    for origin, url in [("http", http_url), ("file", page.as_uri())]:
        driver = browser()
        try:
            run_cases(Desk(driver, url, args.screenshots.resolve(), origin), args.fixtures.resolve(),
                      args.vectors, work, args.example.resolve())
            seen = requested_urls(driver)
            # The log must show the page's own loads, or an empty list would prove nothing.
            check(url in seen, f"{origin}: the request log records the page itself")
            others = [u for u in seen if u != url and not u.startswith(("data:", "blob:"))]
            check(not others, f"{origin}: no request but the page itself ({others[:5]})")
            errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            check(not errors, f"{origin}: no error in the console ({errors[:3]})")
        finally:
            driver.quit()
    served = set(QuietHandler.requests)
    check(served == {"/index.html"}, f"the server saw only the page: {sorted(served)}")
    server.shutdown()
    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
