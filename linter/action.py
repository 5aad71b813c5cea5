"""The GitHub Action's main step (`python -m linter.action`).

Reads the action's inputs from `INPUT_*` environment variables (the action
passes them through `env:`, never into the script text), runs `lint` or
`gate`, writes the step outputs to `$GITHUB_OUTPUT` and the markdown summary
to `$GITHUB_STEP_SUMMARY`. It always exits 0 so that the SARIF is uploaded
first; the action's last step fails the job with gallerylint's exit code.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name}", default).strip()


def _paths(text: str) -> list[str]:
    return [p for line in text.splitlines() for p in shlex.split(line)] or ["."]


def _write_output(values: dict[str, str]) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    lines = "".join(f"{k}={v}\n" for k, v in values.items())
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        sys.stdout.write(lines)


def _append_summary(text: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def _gallerylint(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if _input("ALLOW_PYTHON_RULES").lower() != "true":
        env["GALLERYLINT_ALLOW_PYTHON"] = "0"  # config's rules.allow_python cannot turn it on
    if os.environ.get("GITHUB_EVENT_NAME", "").startswith("pull_request"):
        env["GALLERYLINT_UNTRUSTED_CONFIG"] = "1"  # the PR's config cannot pick an engine URL
    # -P: the workspace (a tree the pull request controls) is never on sys.path, so a
    # `linter/` package there cannot replace the installed one.
    return subprocess.run([sys.executable, "-P", "-m", "linter.cli", *args], env=env,
                          capture_output=True, text=True)


def job_log(text: str) -> None:
    """Untrusted text (file and resource names are in gallerylint's messages) into the
    job log, where the runner honours `::command::` lines: between ::stop-commands::
    and its random end token, the runner ignores them."""
    if not text:
        return
    import uuid
    token = uuid.uuid4().hex
    sys.stderr.write(f"::stop-commands::{token}\n{text.rstrip()}\n::{token}::\n")
    sys.stderr.flush()


def quoted(text: str) -> str:
    """Untrusted text for the step summary: each line escaped and block-quoted (never a
    code fence, which text holding ``` would close)."""
    from .report.markdown import escape
    lines = [line for line in text.strip().splitlines() if line.strip()] or ["(no output)"]
    return "\n".join(f"> {escape(line)}" for line in lines) + "\n"


def run_lint(out_dir: Path) -> dict[str, str]:
    sarif = out_dir / "gallerylint.sarif"
    summary = out_dir / "gallerylint.md"
    results = out_dir / "gallerylint.json"
    args = ["lint", *_paths(_input("PATHS", ".")), "--format", "sarif", "--output", str(sarif),
            "--format", "markdown", "--output", str(summary), "--format", "json", "--output",
            str(results), "--fail-on", _input("FAIL_ON", "error") or "error", "--quiet",
            "--category", _input("CATEGORY", "gallerylint/") or "gallerylint/"]
    if _input("CONFIG"):
        args += ["--config", _input("CONFIG")]
    if _input("BASELINE"):
        args += ["--baseline", _input("BASELINE")]
    proc = _gallerylint(args)
    job_log(proc.stderr)
    if proc.returncode in (0, 1) and results.exists():
        findings = json.loads(results.read_text(encoding="utf-8"))["findings"]
        current = [f for f in findings if f.get("baselineState") != "absent"]
        new = [f for f in current if f.get("baselineState", "new") == "new"]
        _append_summary(summary.read_text(encoding="utf-8"))
        return {"sarif-file": str(sarif), "findings": str(len(current)),
                "new-findings": str(len(new)), "exit-code": str(proc.returncode)}
    _append_summary("# gallerylint failed\n\n" + quoted(proc.stderr))
    return {"sarif-file": "", "findings": "0", "new-findings": "0",
            "exit-code": str(proc.returncode)}


def run_gate() -> dict[str, str]:
    args = ["gate", "--format", "json"]
    for key, flag in (("INVENTORY", "--inventory"), ("DEPLOYMENT", "--deployment")):
        for path in _paths(_input(key)):
            args += [flag, path]
    if _input("ENVIRONMENT"):
        args += ["--environment", _input("ENVIRONMENT")]
    if _input("CONFIG"):
        args += ["--config", _input("CONFIG")]
    proc = _gallerylint(args)
    job_log(proc.stderr)
    if proc.returncode not in (0, 1):
        _append_summary("# gallerylint gate failed to run\n\n" + quoted(proc.stderr))
        return {"sarif-file": "", "findings": "0", "new-findings": "0",
                "exit-code": str(proc.returncode)}
    from .report.markdown import escape
    result = json.loads(proc.stdout)
    failed = 0
    lines = ["# gallerylint gate: " + ("passed" if result["passed"] else "FAILED"), ""]
    for dep in result["deployments"]:
        lines += [f"## {escape(dep['id'].rsplit('/', 1)[-1])} ({escape(dep['region'] or '-')})",
                  "", "| check | rules | result | detail |", "|---|---|---|---|"]
        for c in dep["checks"]:
            failed += c["status"] == "fail"
            detail = escape(c["messages"][0]) if c["messages"] else ""
            lines.append(f"| {escape(c['name'])} | {escape(', '.join(c['rules']))} | "
                         f"{escape(c['status'])} | {detail} |")
        lines.append("")
    _append_summary("\n".join(lines) + "\n")
    return {"sarif-file": "", "findings": str(failed), "new-findings": str(failed),
            "exit-code": str(proc.returncode)}


def main() -> None:
    command = _input("COMMAND", "lint") or "lint"
    if command not in ("lint", "gate"):
        _write_output({"sarif-file": "", "findings": "0", "new-findings": "0",
                       "exit-code": "2"})
        job_log(f"gallerylint action: command must be 'lint' or 'gate', not {command!r}")
        return
    out_dir = Path(os.environ.get("RUNNER_TEMP") or tempfile.mkdtemp()) / "gallerylint"
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_output(run_lint(out_dir) if command == "lint" else run_gate())


if __name__ == "__main__":
    main()
