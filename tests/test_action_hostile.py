"""Every `run:` step of action.yml, the install step included, in a hostile workspace:
a pull request's tree that carries `pip/`, `setuptools/`, `linter/`, `sitecustomize.py`,
a config that links to a secret file, with marker secrets in the environment, in
`$HOME` and in `.git/config`. No marker may appear anywhere, and no sentinel written by
the tree's code may exist."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_action import ROOT, run_action

MARKER = "MARKER-SECRET-7f3a9c"
HOSTILE_MODULE = """import os, pathlib
pathlib.Path({sentinel!r}).write_text(os.environ.get("MARKER_SECRET", "ran"))
print(os.environ.get("MARKER_SECRET", ""))
"""


def _runtime_requirements(extra: str = "") -> set[str]:
    """gallerylint's runtime dependencies (with one extra, or none), followed through
    theirs."""
    from importlib import metadata

    from packaging.requirements import Requirement
    names: set[str] = set()
    todo = [(Requirement(r), True) for r in metadata.requires("gallerylint") or []]
    while todo:
        req, top = todo.pop()
        if req.marker is not None and not req.marker.evaluate(
                {"extra": extra if top else ""}):
            continue
        name = req.name.lower().replace("_", "-")
        if name not in names:
            names.add(name)
            todo += [(Requirement(r), False) for r in metadata.requires(req.name) or []]
    return names


def test_the_action_lock_pins_every_runtime_dependency_with_hashes():
    text = (ROOT / "requirements" / "action.txt").read_text()
    pinned = {line.split("==")[0].strip().lower() for line in text.splitlines()
              if "==" in line and not line.startswith("#")}
    assert _runtime_requirements() <= pinned, "run scripts/lock_action.py"
    blocks = text.split("==")[1:]
    assert blocks and all("--hash=sha256:" in block for block in blocks)


def test_the_export_lock_pins_what_the_azure_extra_adds_with_hashes():
    base = (ROOT / "requirements" / "action.txt").read_text()
    text = (ROOT / "requirements" / "export.txt").read_text()
    pinned = {line.split("==")[0].strip().lower() for t in (base, text)
              for line in t.splitlines() if "==" in line and not line.startswith("#")}
    needed = _runtime_requirements("azure")
    assert {"azure-identity", "azure-mgmt-compute"} <= needed
    assert needed <= pinned, "run scripts/lock_action.py"
    blocks = text.split("==")[1:]
    assert blocks and all("--hash=sha256:" in block for block in blocks)


def _hostile_workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    home = tmp_path / "home"
    (home / ".azure").mkdir(parents=True)
    secret_file = home / ".azure" / "service_principal_entries.json"
    secret_file.write_text(json.dumps([{"client_id": "1111", "client_secret": MARKER}]))
    sentinels = tmp_path / "sentinels"
    sentinels.mkdir()
    ws = tmp_path / "workspace"
    for package in ("pip", "setuptools", "linter", "click", "wheel"):
        (ws / package).mkdir(parents=True)
        body = HOSTILE_MODULE.format(sentinel=str(sentinels / package))
        (ws / package / "__init__.py").write_text(body)
        (ws / package / "__main__.py").write_text(body)
    for module in ("sitecustomize", "usercustomize", "runpy_hook"):
        (ws / f"{module}.py").write_text(HOSTILE_MODULE.format(sentinel=str(sentinels / module)))
    (ws / "infra").mkdir()
    (ws / "infra" / "galleries.json").write_text(
        (ROOT / "samples" / "contoso" / "galleries.json").read_text())
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    with open(ws / ".git" / "config", "a") as fh:
        fh.write(f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {MARKER}\n')
    return ws, home, sentinels


def _fresh_python(tmp_path: Path) -> Path:
    """A new venv standing for the interpreter setup-python gives the job."""
    venv = tmp_path / "runner-python"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True, capture_output=True)
    return venv / "bin" / "python"


def _everything_written(tmp_path: Path, log: list[str], outputs: dict[str, str],
                        summary: str) -> str:
    texts = [*log, json.dumps(outputs), summary]
    for path in tmp_path.rglob("*"):
        # what the test planted (the secret in $HOME, the link to it, .git) is not output
        planted = {"runner-python", "home", ".git"} & set(path.parts) or path.is_symlink()
        if path.is_file() and not planted:
            try:
                texts.append(path.read_text(errors="replace"))
            except OSError:
                pass
    return "\n".join(texts)


@pytest.mark.parametrize("event", ["pull_request", "issue_comment", "workflow_run", "push"])
def test_no_step_of_the_action_runs_the_trees_code_or_shows_a_secret(tmp_path, event):
    ws, home, sentinels = _hostile_workspace(tmp_path)
    # the config is a link to a secret file in $HOME; then an OPA URL and a token by name
    (ws / ".gallerylint.yaml").symlink_to(home / ".azure" / "service_principal_entries.json")
    python = _fresh_python(tmp_path)
    log: list[str] = []
    env = {"MARKER_SECRET": MARKER, "HOME": str(home), "GITHUB_WORKSPACE": str(ws)}
    outputs, summary, exit_code = run_action(
        tmp_path, {"paths": "infra"}, workspace=ws, event=event, log=log, python=python,
        extra_env=env)
    assert not list(sentinels.iterdir()), "code from the workspace ran"
    assert MARKER not in _everything_written(tmp_path, log, outputs, summary)
    assert outputs["exit-code"] == "2" and exit_code == 2
    assert "leads outside the workspace" in summary

    # the same tree with a config that names a listener and a token variable
    (ws / ".gallerylint.yaml").unlink()
    (ws / ".gallerylint.yaml").write_text(
        "engine:\n  name: opa\n  opa_url: http://127.0.0.1:9\n  token_env: MARKER_SECRET\n")
    log = []
    outputs, summary, exit_code = run_action(
        tmp_path, {"paths": "infra"}, workspace=ws, event=event, log=log, python=python,
        extra_env=env)
    assert not list(sentinels.iterdir())
    assert MARKER not in _everything_written(tmp_path, log, outputs, summary)
    assert outputs["exit-code"] == "2" and "untrusted config" in summary


def test_a_trusted_config_is_read_and_a_clean_tree_lints(tmp_path):
    ws, home, sentinels = _hostile_workspace(tmp_path)
    (ws / ".gallerylint.yaml").write_text("rules:\n  ACG101:\n    level: warning\n")
    log: list[str] = []
    outputs, summary, exit_code = run_action(
        tmp_path, {"paths": "infra", "trust-config": "true"}, workspace=ws, log=log,
        extra_env={"MARKER_SECRET": MARKER, "HOME": str(home), "GITHUB_WORKSPACE": str(ws)})
    assert not list(sentinels.iterdir())
    assert outputs["exit-code"] in ("0", "1") and int(outputs["findings"]) >= 1
    assert MARKER not in "".join(log) + summary


def test_an_input_with_a_line_break_is_refused_and_cannot_forge_an_output(tmp_path):
    outputs, summary, exit_code = run_action(tmp_path, {
        "paths": "samples/contoso/galleries.json", "category": "x\nexit-code=0"})
    assert outputs["exit-code"] == "2" and exit_code == 2
    assert "line break" in summary


def test_outputs_are_heredoc_blocks_that_no_value_can_end(tmp_path, monkeypatch):
    from linter.action import _write_output, read_outputs
    target = tmp_path / "out"
    monkeypatch.setenv("GITHUB_OUTPUT", str(target))
    _write_output({"sarif-file": "a\nexit-code=0\nghadelimiter_x", "exit-code": "1"})
    assert read_outputs(target.read_text()) == {
        "sarif-file": "a\nexit-code=0\nghadelimiter_x", "exit-code": "1"}
