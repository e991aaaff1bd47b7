#!/usr/bin/env python3
"""Writes docseal-expected.json: docseal's decision on each Ed25519 edge case, with its reason.

docseal's rule (crates/docseal/src/cose/ed25519.rs): S canonical (S < l); R a canonical
encoding of a point not of small order; A not of small order (a weak key is refused when it
is loaded); and the cofactored equation [8]([S]B - R - [k]A) = 0 with k = SHA-512(R||A||M) mod
l over the bytes as given. The decisions below follow from that rule and each case's
description in its source (CCTV flags, speccheck's condition table); they are not docseal's
output. Run: python3 docseal_expected.py (from this folder).
"""

import json

SPECCHECK = {
    0: ("refuse", "A of small order: a weak key, refused when it is loaded"),
    1: ("refuse", "A of small order: a weak key, refused when it is loaded"),
    2: ("refuse", "R of small order"),
    3: ("accept", "mixed-order A and R, the equation holds with and without the cofactor"),
    4: ("accept", "mixed-order A and R, the cofactored equation holds (verify_strict, cofactorless, refuses)"),
    5: ("accept", "mixed-order A, the cofactored equation holds with k reduced mod l before [8] is applied to the whole (verify_strict refuses)"),
    6: ("refuse", "S is not below l"),
    7: ("refuse", "S is not below l"),
    8: ("refuse", "R not canonically encoded (and of small order)"),
    9: ("refuse", "R not canonically encoded (and of small order)"),
    10: ("refuse", "A not canonically encoded and of small order: a weak key"),
    11: ("refuse", "A not canonically encoded and of small order: a weak key"),
}


def cctv(flags):
    if "low_order_A" in flags:
        return "refuse", "A of small order: a weak key, refused when it is loaded"
    if "low_order_R" in flags:
        return "refuse", "R of small order"
    if "non_canonical_R" in flags or "non_canonical_A" in flags:
        return "refuse", "a point not canonically encoded"
    if "low_order_residue" in flags:
        return "accept", "the cofactored equation holds; the cofactorless one (verify_strict) fails on a small-order residue"
    return "accept", "the equation holds with and without the cofactor"


def main():
    cases = json.load(open("speccheck/cases.json"))
    out = {"speccheck": [], "cctv": []}
    for index, _ in enumerate(cases):
        decision, reason = SPECCHECK[index]
        out["speccheck"].append({"index": index, "docseal": decision, "reason": reason})
    for vector in json.load(open("cctv/ed25519vectors.json")):
        decision, reason = cctv(vector["flags"] or [])
        out["cctv"].append({"number": vector["number"], "docseal": decision, "reason": reason})
    with open("docseal-expected.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
