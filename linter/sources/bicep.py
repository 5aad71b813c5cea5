"""Bicep source (`.bicep`): compiled with the Bicep CLI on PATH, then read as the ARM
template it is, as PSRule for Azure does (rules.md, "Bicep source (v3)").

gallerylint never downloads Bicep. `bicep build --stdout --no-restore <file>` keeps
the compile off the network (a registry module missing from Bicep's local cache
fails to compile), runs with an empty environment and a throw-away home, and is
bounded by `input.bicep_timeout_seconds`. Without the CLI, a `.bicep` file whose
compiled template sits beside it is skipped (the template is read instead); any
other is exit 2 naming the two ways out. Findings are located in the `.bicep` file,
at the line of the resource's declaration.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from msgspec.structs import replace
from typing import Iterable, Sequence

from ..errors import InputError
from ..model import Inventory, Source

DEFAULT_TIMEOUT = 60.0
MAX_OUTPUT = 256 << 20  # a compiled template larger than this is refused
_MODULE = re.compile(r"^\s*module\s+\w+\s+'([^'$]+\.bicep)'", re.MULTILINE)
_RESOURCE = re.compile(r"^\s*resource\s+\w+\s+'([^'@]+)@[^']*'", re.MULTILINE)
_NAME = re.compile(r"^\s*name:\s*'([^'$]*)'\s*$", re.MULTILINE)


def executable() -> str | None:
    return shutil.which("bicep")


def compiled_beside(path: str) -> str | None:
    """The template `bicep build` wrote beside the file (same stem, `.json`), if any."""
    candidate = path[:-len(".bicep")] + ".json"
    if not os.path.isfile(candidate):
        return None
    try:
        from ..safeio import read_text
        doc = json.loads(read_text(candidate, MAX_OUTPUT, "template"))
    except (InputError, ValueError, RecursionError):
        return None
    generator = doc.get("metadata", {}).get("_generator", {}) if isinstance(doc, dict) \
        else {}
    if isinstance(generator, dict) and str(generator.get("name", "")).lower() == "bicep":
        return candidate
    return None


def used_as_modules(paths: Iterable[str]) -> set[str]:
    """The `.bicep` files of the run that another one uses as a module."""
    from ..safeio import read_text
    used = set()
    for path in paths:
        try:
            text = read_text(path, MAX_OUTPUT, "Bicep source")
        except InputError:
            continue
        for rel in _MODULE.findall(text):
            used.add(os.path.normpath(os.path.join(os.path.dirname(path), rel)))
    return used


def compile_file(path: str, timeout: float) -> str:
    """The compiled template's text; exit 2 on a failed or slow compile."""
    exe = executable()
    if exe is None:
        raise refusal(path)
    with tempfile.TemporaryDirectory(prefix="gallerylint-bicep-") as home:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home,
               "DOTNET_CLI_TELEMETRY_OPTOUT": "1", "BICEP_TELEMETRY_ENABLED": "false",
               "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
        try:
            proc = subprocess.run([exe, "build", "--stdout", "--no-restore",
                                   os.path.abspath(path)], capture_output=True, env=env,
                                  cwd=home, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(path, f"bicep build ran longer than {timeout:g} s",
                             line=1, hint="raise input.bicep_timeout_seconds, or lint the "
                                          "template bicep build writes") from None
        except OSError as exc:
            raise InputError(path, f"bicep could not be started ({exc.strerror})", line=1,
                             hint="check the bicep on PATH, or lint the template bicep "
                                  "build writes") from None
    if proc.returncode != 0:
        raise InputError(path, f"bicep build failed: {_first_error(proc.stderr)}", line=1,
                         hint="fix the Bicep file (bicep build says more); registry "
                              "modules must be restored first (bicep restore)")
    if len(proc.stdout) > MAX_OUTPUT:
        raise InputError(path, f"the compiled template is larger than {MAX_OUTPUT >> 20} MiB",
                         line=1, hint="split the deployment")
    return proc.stdout.decode("utf-8", "replace")


def _first_error(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").splitlines()
    line = next((l for l in lines if " Error " in l or "error" in l.lower()),
                lines[0] if lines else "no message")
    line = "".join(ch for ch in line if ch.isprintable())
    return line[:300]


def refusal(path: str) -> InputError:
    return InputError(path, "Bicep source, and no Bicep CLI on PATH to compile it", line=1,
                      hint="install the Bicep CLI and put bicep on PATH (GitHub's hosted "
                           "runners ship it), or commit the template that bicep build writes "
                           "beside it")


def load_bicep_files(paths: Sequence[str], inventory: Inventory, scope_id: str,
                     timeout: float, notes: list[str]) -> list[str]:
    """Read the `.bicep` files met; returns the compiled templates beside them that were
    read in their place, or must not be read again."""
    from .files import recognise
    from .parsed import ParsedFile, decode
    from .iac import load_iac
    exe = executable()
    read_instead: list[str] = []
    modules = used_as_modules(paths) if exe else set()
    for path in paths:
        beside = compiled_beside(path)
        if exe is None:
            if beside is None:
                raise refusal(path)
            notes.append(f"{path}: no Bicep CLI on PATH; read the template compiled beside "
                         f"it ({os.path.basename(beside)}) instead")
            read_instead.append(beside)
            continue
        if beside is not None:
            read_instead.append(beside)  # compiled here: the stale copy is not read twice
        if os.path.normpath(path) in modules:
            continue  # read through its caller's nested deployment
        text = compile_file(path, timeout)
        try:
            document, offsets = decode(text)
        except (ValueError, RecursionError):
            raise InputError(path, "bicep build wrote no JSON template", line=1,
                             hint="check the bicep on PATH") from None
        if recognise(document) != "template":
            raise InputError(path, "bicep build wrote no ARM template", line=1,
                             hint="check the bicep on PATH")
        compiled = Inventory()
        load_iac(ParsedFile(path, text, document, False, offsets), "template", compiled,
                 scope_id)
        _locate(compiled, path)
        inventory.extend(compiled)
        inventory.files[path] = "bicep"
    return read_instead


def _arm_type(resource_id: str) -> str:
    """`Microsoft.Compute/galleries/images` from an ARM ID."""
    tail = resource_id.split("/providers/", 1)[-1].split("/")
    if len(tail) < 3:
        return ""
    return "/".join([tail[0], *tail[1::2]])


def _declarations(text: str) -> list[tuple[str, str | None, int]]:
    """(type, literal name or None, line) of each `resource` declaration."""
    out = []
    starts = [m for m in _RESOURCE.finditer(text)]
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        name = _NAME.search(text, m.end(), end)
        line = text.count("\n", 0, m.start()) + 1
        out.append((m.group(1).lower(), name.group(1) if name else None, line))
    return out


def _locate(compiled: Inventory, path: str) -> None:
    from ..safeio import read_text
    declarations = _declarations(read_text(path, MAX_OUTPUT, "Bicep source"))

    def line_of(resource_id: str, name: str) -> int:
        rtype = _arm_type(resource_id).lower()
        full = "/".join(resource_id.split("/providers/", 1)[-1].split("/")[2::2])
        same_type = [d for d in declarations if d[0] == rtype]
        for _, literal, line in same_type:
            if literal is not None and literal in (name, full):
                return line
        return same_type[0][2] if same_type else 1

    for attr in ("galleries", "definitions", "versions", "deployments", "applications",
                 "app_versions"):
        items = getattr(compiled, attr)
        setattr(compiled, attr, [
            replace(item, source=Source(path, line_of(item.id, item.name), 1, "template"))
            for item in items])
