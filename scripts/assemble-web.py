#!/usr/bin/env python3
"""Assembles web/dist/index.html from web/src and the wasm-bindgen output, and checks the
module's size budget (gzipped): 600 KiB for the core verifier, 2 MiB with pages and reading.

Usage: assemble-web.py CORE_DIR FULL_DIR SRC_DIR DIST_DIR
"""
import base64
import gzip
import json
import pathlib
import sys

CORE_BUDGET = 600 * 1024
FULL_BUDGET = 2 * 1024 * 1024


def gzipped(path: pathlib.Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def main() -> int:
    core, full, src, dist = (pathlib.Path(p) for p in sys.argv[1:5])
    sizes = {
        "core_wasm_bytes": (core / "docseal_wasm_bg.wasm").stat().st_size,
        "core_wasm_gzip_bytes": gzipped(core / "docseal_wasm_bg.wasm"),
        "page_wasm_bytes": (full / "docseal_wasm_bg.wasm").stat().st_size,
        "page_wasm_gzip_bytes": gzipped(full / "docseal_wasm_bg.wasm"),
    }
    glue = (full / "docseal_wasm.js").read_text()
    wasm = base64.b64encode((full / "docseal_wasm_bg.wasm").read_bytes()).decode()
    script = "\n".join([glue, f'const DESK_WASM_BASE64 = "{wasm}";', (src / "desk.js").read_text()])
    if "</script" in script:
        raise SystemExit("the page's script contains </script and cannot be inlined")
    page = (src / "index.html").read_text()
    page = page.replace("/*DESK_CSS*/", (src / "desk.css").read_text()).replace("/*DESK_JS*/", script)
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text(page)
    sizes["page_html_bytes"] = len(page.encode())
    (dist / "sizes.json").write_text(json.dumps(sizes, indent=2) + "\n")
    kib = lambda n: f"{n / 1024:.0f} KiB"
    print(f"core verifier module: {kib(sizes['core_wasm_gzip_bytes'])} gzipped (budget {kib(CORE_BUDGET)})")
    print(f"page module (pages and reading): {kib(sizes['page_wasm_gzip_bytes'])} gzipped (budget {kib(FULL_BUDGET)})")
    print(f"wrote {dist / 'index.html'} ({kib(sizes['page_html_bytes'])})")
    over = sizes["core_wasm_gzip_bytes"] > CORE_BUDGET or sizes["page_wasm_gzip_bytes"] > FULL_BUDGET
    if over:
        print("size budget exceeded", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
