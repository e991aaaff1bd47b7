"""The Python bindings, against the built wheel (`pip install ./crates/docseal-py`)."""
import json
import pathlib
import subprocess
import threading
from datetime import datetime, timedelta, timezone

import pytest

import docseal

AT = "2026-11-21T09:00:00Z"
LATER = "2026-11-21T09:01:00Z"


@pytest.fixture(scope="module")
def docseal_cli():
    root = pathlib.Path(__file__).resolve().parents[3]
    binary = root / "target" / "debug" / "docseal"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "docseal-cli"], cwd=root, check=True)
    return binary


@pytest.fixture(scope="module")
def example(docseal_cli):
    return {kind: subprocess.check_output([str(docseal_cli), "example", kind]).decode()
            for kind in ["licence", "passport", "temp-pass"]}


@pytest.fixture(scope="module")
def issuer():
    return docseal.Issuer.generate("Test TMB")


def test_issue_and_verify_every_document(issuer, example):
    verifier = docseal.Verifier(issuer.trust_list_json())
    for kind, doc_type in [("licence", "driving-licence"), ("passport", "passport"), ("temp-pass", "temporary-pass")]:
        text = issuer.issue(kind, example[kind], at=AT)
        assert text.startswith("DS1:")
        answer = verifier.verify(text, at=LATER)
        assert answer["valid"] is True, answer
        assert answer["document_type"] == doc_type
        assert answer["issuer"] == "Test TMB"
        assert [c["check"] for c in answer["checks"]][:2] == ["signature", "issuer"]


def test_answers_equal_the_command_lines(issuer, example, docseal_cli, tmp_path):
    trust = tmp_path / "trust.json"
    trust.write_text(issuer.trust_list_json())
    text = issuer.issue("licence", example["licence"], at=AT)
    for payload in [text, text[:-4] + "AAAA", "DS1:abc", "HC1:NCF"]:
        out = subprocess.run([str(docseal_cli), "verify", "--trust", str(trust), "--at", LATER, "--json", payload],
                             capture_output=True, check=False)
        assert json.loads(out.stdout) == docseal.Verifier(str(trust)).verify(payload, LATER)


def test_times_strings_aware_datetimes_and_naive_refused(issuer, example):
    verifier = docseal.Verifier(issuer.trust_list_json())
    text = issuer.issue("licence", example["licence"], at=AT)
    aware = datetime(2026, 11, 21, 17, 1, tzinfo=timezone(timedelta(hours=8)))
    assert verifier.verify(text, aware)["valid"] is True
    assert verifier.verify(text, "2027-06-01T00:00:00Z")["error"]["kind"] == "expired"
    with pytest.raises(docseal.UsageError) as naive:
        verifier.verify(text, datetime(2026, 11, 21, 9, 1))
    assert naive.value.kind == "usage"
    with pytest.raises(docseal.UsageError):
        verifier.verify(text, "yesterday")
    with pytest.raises(docseal.UsageError):
        verifier.verify(text, 12)


def test_verify_many_matches_verify_one_by_one(issuer, example):
    verifier = docseal.Verifier(issuer.trust_list_json())
    good = [issuer.issue(k, example[k], at=AT) for k in ["licence", "passport", "temp-pass"]]
    texts = good + ["DS1:abc", good[0][:-4] + "AAAA", "HC1:NCF", "", "  " + good[1] + "\n"]
    many = verifier.verify_many(texts, LATER)
    assert len(many) == len(texts)
    for text, answer in zip(texts, many):
        single = verifier.verify(text, LATER)
        single.pop("checks", None)
        assert answer == single
    assert [a["valid"] for a in many] == [True, True, True, False, False, False, False, True]


def test_verify_many_runs_with_the_gil_released(issuer, example):
    verifier = docseal.Verifier(issuer.trust_list_json())
    # More texts than one step of the pipeline (4,096), alternating, so the order is checked.
    texts = [issuer.issue("licence", example["licence"], at=AT), "DS1:bad"] * 4500
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    try:
        before = len(ticks)
        results = verifier.verify_many(texts, LATER)
        during = len(ticks) - before
    finally:
        stop.set()
        thread.join()
    assert [r["valid"] for r in results] == [True, False] * 4500
    # With the GIL held for the whole call the other thread could not have run at all.
    assert during > 0


def test_check_raises_refused_with_the_answer(issuer, example):
    verifier = docseal.Verifier(issuer.trust_list_json())
    text = issuer.issue("licence", example["licence"], at=AT)
    assert verifier.check(text, LATER)["valid"] is True
    with pytest.raises(docseal.Refused) as refused:
        verifier.check(text, "2027-06-01T00:00:00Z")
    assert refused.value.kind == "expired"
    assert refused.value.answer["error"]["kind"] == "expired"
    assert isinstance(refused.value, docseal.DocsealError)


def test_policy_questions(issuer, example):
    text = issuer.issue("licence", example["licence"], at=AT)
    trust = issuer.trust_list_json()
    assert docseal.Verifier(trust, require_class="C1", min_age=18).verify(text, LATER)["valid"] is True
    assert docseal.Verifier(trust, require_class="A").verify(text, LATER)["error"]["kind"] == "policy"
    assert docseal.Verifier(trust, document_type="passport").verify(text, LATER)["error"]["kind"] == "policy"
    assert docseal.Verifier(trust, max_age=30).verify(text, LATER)["error"]["kind"] == "stale"
    with pytest.raises(docseal.UsageError):
        docseal.Verifier(trust, travel_mode="sea")
    with pytest.raises(docseal.UsageError):
        docseal.Verifier(trust, document_type="visa")
    with pytest.raises(docseal.UsageError):
        docseal.Verifier(trust, max_age=-1)


def test_trust_lists_from_paths_text_and_signed_bytes(issuer, example, docseal_cli, tmp_path):
    text = issuer.issue("licence", example["licence"], at=AT)
    path = tmp_path / "trust.json"
    path.write_text(issuer.trust_list_json())
    assert docseal.Verifier(path).verify(text, LATER)["valid"] is True
    assert docseal.Verifier(str(path)).verify(text, LATER)["valid"] is True
    subprocess.run([str(docseal_cli), "keygen", "--alg", "ed25519", "--out", str(tmp_path / "a.pem"),
                    "--pub", str(tmp_path / "a.pub")], check=True, capture_output=True)
    subprocess.run([str(docseal_cli), "trust", "sign", "--anchor-key", str(tmp_path / "a.pem"), "--in", str(path),
                    "--out", str(tmp_path / "t.signed"), "--provider", "P", "--sequence", "1"],
                   check=True, capture_output=True)
    signed = (tmp_path / "t.signed").read_bytes()
    anchor = (tmp_path / "a.pub").read_text()
    assert docseal.Verifier(signed, trust_anchor=anchor).verify(text, LATER)["valid"] is True
    assert docseal.Verifier(tmp_path / "t.signed", trust_anchor=tmp_path / "a.pub").verify(text, LATER)["valid"]
    with pytest.raises(docseal.TrustListError):
        docseal.Verifier(signed)
    with pytest.raises(docseal.TrustListError) as wrong:
        docseal.Verifier(signed, trust_anchor=issuer.public_key_pem())
    assert wrong.value.kind == "trust-list"
    with pytest.raises(docseal.TrustListError):
        docseal.Verifier('{"version": 1')
    with pytest.raises(docseal.TrustListError):
        docseal.Verifier(tmp_path / "missing.json")


def test_status_lists_suspend(docseal_cli, example, tmp_path):
    cli = lambda *args: subprocess.run([str(docseal_cli), *args], cwd=tmp_path, check=True, capture_output=True)
    cli("keygen", "--alg", "ed25519", "--out", "k.pem", "--pub", "k.pub")
    cli("keygen", "--alg", "ed25519", "--out", "s.pem", "--pub", "s.pub")
    (tmp_path / "lic.json").write_text(example["licence"])
    trust = json.dumps({"version": 1, "issuers": [
        {"name": "A", "public_key": (tmp_path / "k.pub").read_text()},
        {"name": "S", "public_key": (tmp_path / "s.pub").read_text(), "documents": ["status-list"]}]})
    text = cli("issue", "licence", "--data", "lic.json", "--key", "k.pem", "--issuer", "A").stdout.decode().strip()
    cli("registry", "publish", "--key", "s.pem", "--out-dir", "status")
    assert docseal.Verifier(trust).verify(text)["error"]["kind"] == "status"
    assert docseal.Verifier(trust, status=tmp_path / "status").verify(text)["valid"] is True
    number = json.loads(example["licence"])["document_number"]
    cli("registry", "suspend", "licence", number)
    cli("registry", "publish", "--key", "s.pem", "--out-dir", "status")
    tokens = [p.read_bytes() for p in (tmp_path / "status").glob("*.cwt")]
    assert docseal.Verifier(trust, status=tokens).verify(text)["error"]["kind"] == "suspended"
    assert docseal.Verifier(trust, allow_unchecked_status=True).verify(text)["valid"] is True
    with pytest.raises(docseal.StatusListError) as bad:
        docseal.Verifier(trust, status=[b"not a token"])
    assert bad.value.kind in {"status", "cose", "cbor"}


def test_issuer_errors_are_typed(example):
    with pytest.raises(docseal.SigningKeyError):
        docseal.Issuer("X", "not a pem")
    with pytest.raises(docseal.UsageError):
        docseal.Issuer.generate("X", alg="rsa")
    issuer = docseal.Issuer.generate("X", alg="es256", valid_for=3600)
    with pytest.raises(docseal.DocumentError):
        issuer.issue("licence", "{}")
    with pytest.raises(docseal.UsageError):
        issuer.issue("visa", example["licence"])
    as_dict = json.loads(example["passport"])
    text = issuer.issue("passport", as_dict, at=AT)
    answer = docseal.Verifier(issuer.trust_list_json()).verify(text, LATER)
    assert answer["valid"] is True and answer["algorithm"] == "ES256"
    assert repr(issuer) == 'docseal.Issuer("X")'
