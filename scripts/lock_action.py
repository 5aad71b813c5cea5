"""Write requirements/action.txt: the GitHub Action's runtime dependencies, pinned, with
the sha256 of every file PyPI holds for each pinned release (`pip install
--require-hashes` then accepts whichever wheel fits the runner's Python and platform).

The versions are the ones installed in the running interpreter for gallerylint's own
requirements (no extras), followed through their dependencies. Run it after changing
pyproject.toml's dependencies, from a venv where gallerylint is installed:

    .venv/bin/python scripts/lock_action.py

`tests/test_action_install.py` checks that the file names every runtime dependency.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "requirements" / "action.txt"
EXPORT_TARGET = ROOT / "requirements" / "export.txt"
# The runner's interpreter: markers are judged for a CPython 3.11 Linux runner.
ENVIRONMENT = {"python_version": "3.11", "python_full_version": "3.11.0",
               "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
               "platform_machine": "x86_64", "implementation_name": "cpython",
               "platform_python_implementation": "CPython", "extra": ""}


def runtime_closure(root: str, extra: str = "") -> dict[str, str]:
    """name -> installed version for `root`'s requirements (with one extra, or none),
    recursively; the dependencies' own extras are never taken."""
    pinned: dict[str, str] = {}
    todo = [(Requirement(r), True) for r in metadata.requires(root) or []]
    while todo:
        req, top = todo.pop()
        env = {**ENVIRONMENT, "extra": extra if top else ""}
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = req.name.lower().replace("_", "-")
        if name in pinned:
            continue
        pinned[name] = metadata.version(req.name)
        todo += [(Requirement(r), False) for r in metadata.requires(req.name) or []]
    return pinned


def hashes(name: str, version: str) -> list[str]:
    """sha256 of every file of the release, from PyPI's simple JSON API (PEP 691)."""
    from packaging.utils import (InvalidSdistFilename, InvalidWheelFilename,
                                 canonicalize_version, parse_sdist_filename,
                                 parse_wheel_filename)
    request = urllib.request.Request(f"https://pypi.org/simple/{name}/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        index = json.load(response)
    wanted = canonicalize_version(version)
    digests = []
    for f in index["files"]:
        try:
            if f["filename"].endswith(".whl"):
                found = parse_wheel_filename(f["filename"])[1]
            else:
                found = parse_sdist_filename(f["filename"])[1]
        except (InvalidWheelFilename, InvalidSdistFilename):
            continue
        if canonicalize_version(found) == wanted and not f.get("yanked"):
            digests.append(f["hashes"]["sha256"])
    if not digests:
        raise SystemExit(f"PyPI has no files for {name}=={version}")
    return sorted(digests)


def write(target: Path, pinned: dict[str, str], what: str) -> None:
    lines = [f"# {what}, pinned with the hash of every file PyPI",
             "# holds for each release. Written by scripts/lock_action.py; do not edit.", ""]
    for name in sorted(pinned):
        digests = hashes(name, pinned[name])
        lines.append(f"{name}=={pinned[name]} \\")
        lines += [f"    --hash=sha256:{d}" + (" \\" if i < len(digests) - 1 else "")
                  for i, d in enumerate(digests)]
    target.parent.mkdir(exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}: {len(pinned)} packages", file=sys.stderr)


def main() -> int:
    pinned = runtime_closure("gallerylint")
    write(TARGET, pinned, "The Action's runtime dependencies")
    # `command: export` also needs the Azure SDK: what the `azure` extra adds.
    export = {k: v for k, v in runtime_closure("gallerylint", "azure").items()
              if k not in pinned}
    write(EXPORT_TARGET, export, "What the Action's export adds (the `azure` extra)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
