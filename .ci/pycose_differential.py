"""pycose differential, both directions (run by .ci/pycose-differential).

Usage: pycose_differential.py WORKDIR

WORKDIR holds what the docseal CLI wrote: for each ALG in ed25519, es256 a key pair
(ALG.key.pem, ALG.pub.pem) and one `DS1:` payload per document (ALG-DOC.txt).

1. pycose verifies every docseal payload with the public key, and refuses it once one
   signature byte is flipped.
2. pycose signs a fresh COSE_Sign1 over each docseal-encoded claims set with the private key
   and writes it as `DS1:` text (pycose-ALG-DOC.txt) for docseal to verify. Ed25519 is
   deterministic, so pycose's bytes must equal docseal's. It also signs each with a
   stranger's key under the issuer's kid (forged-ALG-DOC.txt), which docseal must refuse.
"""

import pathlib
import sys
import zlib

import cbor2

import base45
from pycose.algorithms import EdDSA, Es256
from pycose.headers import KID, Algorithm
from pycose.keys import CoseKey, EC2Key, OKPKey
from pycose.keys.curves import P256, Ed25519
from pycose.messages import Sign1Message

ALGORITHMS = {"ed25519": EdDSA, "es256": Es256}
STRANGERS = {
    "ed25519": lambda: OKPKey.generate_key(crv=Ed25519),
    "es256": lambda: EC2Key.generate_key(crv=P256),
}


def cose_of(text: str) -> bytes:
    assert text.startswith("DS1:"), text[:8]
    body = base45.b45decode(text[4:])
    return zlib.decompress(body) if body[:1] == b"\x78" else body


def ds1_text(cose: bytes) -> str:
    compressed = zlib.compress(cose, 9)
    body = compressed if len(compressed) < len(cose) else cose
    return "DS1:" + base45.b45encode(body).decode("ascii")


def main(work: pathlib.Path) -> int:
    checked = signed = 0
    for alg_name, alg in ALGORITHMS.items():
        public = CoseKey.from_pem_public_key((work / f"{alg_name}.pub.pem").read_text())
        private = CoseKey.from_pem_private_key((work / f"{alg_name}.key.pem").read_text())
        payloads = sorted(work.glob(f"{alg_name}-*.txt"))
        assert payloads, f"no {alg_name} payloads in {work}"
        for path in payloads:
            original = cose_of(path.read_text().strip())

            # 1. pycose verifies what docseal issued, and refuses a flipped signature bit.
            message = Sign1Message.decode(original)
            assert message.phdr[Algorithm] == alg, (path.name, message.phdr)
            message.key = public
            assert message.verify_signature(), f"pycose refuses {path.name}"
            forged = bytearray(original)
            forged[-1] ^= 0x01
            forged_message = Sign1Message.decode(bytes(forged))
            forged_message.key = public
            try:
                accepted = forged_message.verify_signature()
            except Exception:  # pycose raises on some malformed signatures
                accepted = False
            assert not accepted, f"pycose accepts a forged {path.name}"
            checked += 1

            # 2. pycose signs the docseal-encoded claims; docseal verifies it (shell side).
            resigned = Sign1Message(phdr={Algorithm: alg, KID: message.phdr[KID]}, payload=message.payload)
            resigned.key = private
            cose = resigned.encode(tag=True)
            if alg_name == "es256":
                # DS1 takes ES256 in low-S form only (docs/FORMAT.md section 2); pycose does
                # not normalise, so do what a DS1 issuer must.
                cose = low_s(cose)
            if alg_name == "ed25519":
                assert cose == original, f"pycose's Ed25519 COSE_Sign1 differs from docseal's for {path.name}"
            (work / f"pycose-{path.name}").write_text(ds1_text(cose) + "\n")
            # The same message signed by a stranger's key under the issuer's kid: docseal
            # must refuse it.
            impostor = Sign1Message(phdr={Algorithm: alg, KID: message.phdr[KID]}, payload=message.payload)
            impostor.key = STRANGERS[alg_name]()
            (work / f"forged-{path.name}").write_text(ds1_text(impostor.encode(tag=True)) + "\n")
            signed += 1
    print(f"pycose: verified {checked} docseal payloads (and refused each forgery), signed {signed} for docseal")
    return 0


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def low_s(cose: bytes) -> bytes:
    """The same COSE_Sign1 with its ES256 signature's s replaced by n - s when s > n / 2."""
    tagged = cbor2.loads(cose)
    protected, unprotected, payload, signature = tagged.value
    r, s = signature[:32], int.from_bytes(signature[32:], "big")
    if s > P256_ORDER // 2:
        signature = r + (P256_ORDER - s).to_bytes(32, "big")
    return cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, signature]))


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1])))
