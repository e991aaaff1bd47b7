#!/usr/bin/env python3
"""Runs the shell commands of the README's quick start and of a guide, as a reader would.

Usage: guides.py --bin DIR GUIDE.md [GUIDE.md ...]

Each guide runs in a fresh folder (the repository's `crates`, `examples`, `scripts` and `web`
linked into it), after the README's quick start, in one bash session, block after block in
the document's order: ```sh blocks through bash, ```python blocks through `python3`. Every
command must exit 0, or the code its comment names (`# exit 1: ...`). A block preceded by
`<!-- not run by .ci/guides: REASON -->` is skipped, and the reason printed.

Stand-ins, because CI has already built what these commands build:
- `cargo install --path crates/docseal-cli` and `pip install ./crates/docseal-py` are skipped
  (DIR, put first on PATH, holds the built `docseal`; the caller's venv holds the wheel);
- `cargo run [--release] -p NAME --` runs NAME from DIR.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SKIP_MARK = re.compile(r"<!--\s*not run by \.ci/guides:\s*(.+?)\s*-->")
EXPECTED_EXIT = re.compile(r"#\s*exit (\d+)")
CARGO_RUN = re.compile(r"cargo run (?:--release )?-p ([\w-]+) --")
STAND_INS = ("cargo install --path crates/docseal-cli", "pip install ./crates/docseal-py")


def blocks(path):
    """(language, first line number, lines) of each fenced block to run, in order."""
    lines = path.read_text().splitlines()
    found, i, skip_reason = [], 0, None
    while i < len(lines):
        mark = SKIP_MARK.search(lines[i])
        if mark:
            skip_reason = mark.group(1)
        fence = re.match(r"^```(\w*)\s*$", lines[i])
        if fence:
            language, start, body = fence.group(1), i + 2, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if language in ("sh", "python"):
                if skip_reason:
                    print(f"   {path.name}:{start - 1}: not run: {skip_reason}")
                else:
                    found.append((language, start, body))
            skip_reason = None
        elif lines[i].strip() and not mark:
            skip_reason = None
        i += 1
    return found


def commands(start, body):
    """(line number, command) of a shell block, continuation lines joined."""
    pending, first = "", None
    for number, line in enumerate(body, start):
        if first is None:
            first = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        command, pending = (pending + line).strip(), ""
        if command and not command.startswith("#"):
            yield first, command
        first = None


def script_for(path, found):
    out = []
    for language, start, body in found:
        if language == "python":
            where = f"{path.name}:{start}"
            out.append(f"echo {shlex.quote('+ ' + where + ': python block')} >&2")
            out.append("python3 - <<'GUIDE_PYTHON_EOF'\n" + "\n".join(body) + "\nGUIDE_PYTHON_EOF")
            out.append(f'rc=$?; [ $rc = 0 ] || {{ echo "FAILED {where}: the python block exited $rc" >&2; exit 1; }}')
            continue
        for number, command in commands(start, body):
            if command.startswith(STAND_INS):
                continue
            expected = EXPECTED_EXIT.search(command)
            expected = int(expected.group(1)) if expected else 0
            command = CARGO_RUN.sub(r"\1", command)
            where = f"{path.name}:{number}"
            out.append(f"echo {shlex.quote('+ ' + where + ': ' + command)} >&2")
            out.append(command)
            out.append(
                f'rc=$?; [ $rc = {expected} ] || '
                f'{{ echo "FAILED {where}: exit $rc, expected {expected}" >&2; exit 1; }}'
            )
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, type=Path)
    parser.add_argument("guides", nargs="+", type=Path)
    args = parser.parse_args()
    readme = blocks(REPO / "README.md")
    failed = []
    for guide in args.guides:
        guide = guide.resolve()
        print(f"== {guide.relative_to(REPO)}", flush=True)
        with tempfile.TemporaryDirectory(prefix="guide-") as folder:
            for name in ("crates", "examples", "scripts", "web"):
                os.symlink(REPO / name, Path(folder) / name)
            body = script_for(REPO / "README.md", readme)
            if guide != REPO / "README.md":
                body += "\n" + script_for(guide, blocks(guide))
            script = (
                "set -u\n"
                "trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT\n"
                f"export PATH={shlex.quote(str(args.bin.resolve()))}:\"$PATH\"\n" + body + "\n"
            )
            run = subprocess.run(
                ["bash", "-c", script], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            if run.returncode != 0:
                print("\n".join(run.stdout.splitlines()[-80:]))
                failed.append(guide.name)
    if failed:
        sys.exit(f"guides whose commands failed: {', '.join(failed)}")
    print("every guide's commands ran as written")


if __name__ == "__main__":
    main()
