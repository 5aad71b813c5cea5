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


# Inputs that hold a list, one entry a line; every other input is one line of text.
LIST_INPUTS = ("PATHS", "INVENTORY", "DEPLOYMENT", "SUBSCRIPTIONS", "MANAGEMENT_GROUPS")


class RefusedInput(ValueError):
    pass


def _input(name: str, default: str = "") -> str:
    value = os.environ.get(f"INPUT_{name}", default).strip()
    if name not in LIST_INPUTS and ("\n" in value or "\r" in value):
        raise RefusedInput(f"the input {name.lower().replace('_', '-')} holds a line break; "
                           "it must be one line")
    return value


def _flag(name: str) -> bool:
    return _input(name, "false").lower() == "true"


def _paths(text: str) -> list[str]:
    return _entries(text) or ["."]


def _entries(text: str) -> list[str]:
    return [p for line in text.splitlines() for p in shlex.split(line)]


def _write_output(values: dict[str, str]) -> None:
    """name<<DELIMITER blocks with a random delimiter: no value, whatever it holds, can
    end its block early and forge another output."""
    import secrets
    target = os.environ.get("GITHUB_OUTPUT")
    blocks = []
    for key, value in values.items():
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        while delimiter in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        blocks.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write("".join(blocks))
    else:
        sys.stdout.write("".join(f"{k}={v}\n" for k, v in values.items()))


def read_outputs(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT's content as the runner reads it (name=value lines and
    name<<DELIMITER blocks); the tests read the Action's outputs with it."""
    values: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, _, delimiter = line.partition("<<")
            body = []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            i += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


def _append_summary(text: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def _gallerylint(args: list[str], cwd: Path | None = None,
                 workspace: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # The workflow decides on Python rules; the repository's config cannot turn them on.
    env["GALLERYLINT_ALLOW_PYTHON"] = "1" if _flag("ALLOW_PYTHON_RULES") else "0"
    if not _flag("TRUST_CONFIG"):
        # On every event the config comes from a tree a contributor may control: it cannot
        # choose an engine, a URL or a token, and can only lower limits (linter/config.py).
        env["GALLERYLINT_UNTRUSTED_CONFIG"] = "1"
    # Files of the tree are read only inside it: links out of it are refused.
    env["GALLERYLINT_WORKSPACE"] = str(workspace or _workspace())
    # -P: the workspace (a tree the pull request controls) is never on sys.path, so a
    # `linter/` package there cannot replace the installed one.
    return subprocess.run([sys.executable, "-P", "-m", "linter.cli", *args], env=env,
                          capture_output=True, text=True, cwd=cwd)


def _workspace() -> Path:
    return Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()


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


LEVELS = ("error", "warning", "note")
SUMMARY_LIMIT = 1_000_000  # GitHub refuses a step summary above 1 MiB
ANNOTATIONS_PER_LEVEL = 10  # GitHub shows at most 10 error and 10 warning annotations a step
SARIF_RESULTS_LIMIT = 25_000  # code scanning's limit per run


def _at_or_above(level: str, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    return LEVELS.index(level) <= LEVELS.index(fail_on if fail_on in LEVELS else "error")


def _event() -> dict:
    try:
        with open(os.environ.get("GITHUB_EVENT_PATH", ""), encoding="utf-8") as fh:
            doc = json.load(fh)
        return doc if isinstance(doc, dict) else {}
    except (OSError, ValueError):
        return {}


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


EMPTY_SARIF = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "gallerylint"}},
                                            "results": []}]}


def base_inputs(workspace: Path, tree: Path, paths: list[str]) -> list[str]:
    """What the base run reads for each listed path: the path as the base commit holds it
    (nothing when the base lacks it: then all its findings are new), and the head's files
    under it that git does not track (the live snapshot the workflow downloaded). Paths
    are taken as written, never through a link of the pull request's tree."""
    out: list[str] = []
    for path in paths:
        lexical = Path(os.path.normpath(workspace / path))
        try:
            relative = lexical.relative_to(workspace)
        except ValueError:
            out.append(str(lexical))  # outside the repository ($RUNNER_TEMP): as is
            continue
        in_base = tree / relative
        if os.path.lexists(in_base):
            out.append(str(in_base))
        listed = _git(["ls-files", "-z", "--others", "--", str(relative)], workspace)
        if listed.returncode == 0:
            out += [str(workspace / name) for name in listed.stdout.split("\0") if name]
    return list(dict.fromkeys(out))


def lint_base(out_dir: Path, workspace: Path, paths: list[str], options: list[str],
              sha: str) -> tuple[Path | None, str | None]:
    """Lint the pull request's base commit (a git worktree of it) with the same paths,
    options and untracked live inputs; its SARIF is the head run's baseline.
    (sarif, None) or (None, why not)."""
    tree = out_dir / "base-worktree"
    added = _git(["worktree", "add", "--detach", str(tree), sha], workspace)
    if added.returncode != 0:
        _git(["fetch", "--no-tags", "--depth=1", "origin", sha], workspace)
        added = _git(["worktree", "add", "--detach", str(tree), sha], workspace)
    if added.returncode != 0:
        return None, (f"the base commit {sha[:12]} is not in the checkout, so every finding "
                      "counts as new (check out with fetch-depth: 0)")
    try:
        sarif = out_dir / "base.sarif"
        inputs = base_inputs(workspace, tree.resolve(), paths)
        if not inputs:  # the base holds none of the paths: everything is new
            sarif.write_text(json.dumps(EMPTY_SARIF), encoding="utf-8")
            return sarif, None
        proc = _gallerylint(["lint", *inputs, "--format", "sarif", "--output", str(sarif),
                             "--fail-on", "never", "--quiet", "--allow-empty", *options],
                            cwd=tree, workspace=tree.resolve())
        if proc.returncode != 0 or not sarif.exists():
            return None, ("the base commit could not be linted, so every finding counts as "
                          "new: " + " ".join(proc.stderr.split())[:300])
        return sarif, None
    finally:
        _git(["worktree", "remove", "--force", str(tree)], workspace)


def _config_args(workspace: Path) -> list[str]:
    """The config as the CLI finds it (the input, else .gallerylint.yaml in the workspace),
    named explicitly so that the base run uses the same one."""
    given = _input("CONFIG")
    if given:
        return ["--config", os.path.normpath(workspace / given)]
    from .config import discover
    os.environ["GALLERYLINT_WORKSPACE"] = str(workspace)  # discovery stops at the workspace
    found = discover(workspace)
    return ["--config", str(found)] if found is not None else []


def _lint_options(workspace: Path) -> list[str]:
    options = _config_args(workspace)
    for key, flag in (("RULES", "--rules"), ("SKIP_RULES", "--skip-rules"),
                      ("DEPLOYMENT_SCOPE", "--deployment-scope")):
        if _input(key):
            options += [flag, _input(key)]
    workflow = workflow_file(workspace)
    if workflow:
        options += ["--live-location", workflow]
    return options


def workflow_file(workspace: Path) -> str | None:
    """The running workflow's file, relative to the workspace, when the checkout has it
    (GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/nightly.yml@refs/heads/main): code
    scanning alerts on resources of a generated snapshot open it."""
    ref = os.environ.get("GITHUB_WORKFLOW_REF", "")
    path = ref.split("@", 1)[0].split("/", 2)[-1] if ref.count("/") >= 2 else ""
    if not path.startswith(".github/workflows/") or ".." in path.split("/"):
        return None
    candidate = workspace / path
    try:
        inside = candidate.resolve().is_relative_to(workspace.resolve())
    except OSError:
        return None
    return path if inside and candidate.is_file() and not candidate.is_symlink() else None


def run_lint(out_dir: Path) -> dict[str, str]:
    workspace = _workspace()
    sarif = out_dir / "gallerylint.sarif"
    results = out_dir / "gallerylint.json"
    fail_on = _input("FAIL_ON", "error") or "error"
    on_pr = os.environ.get("GITHUB_EVENT_NAME", "").startswith("pull_request")
    new_only_input = (_input("FAIL_ON_NEW_ONLY", "auto") or "auto").lower()
    new_only = on_pr if new_only_input == "auto" else new_only_input == "true"
    paths = _paths(_input("PATHS", "."))
    options = _lint_options(workspace)
    baseline = _input("BASELINE")
    event = _event()
    pull = event.get("pull_request") if isinstance(event.get("pull_request"), dict) else {}
    head_sha = str((pull.get("head") or {}).get("sha") or os.environ.get("GITHUB_SHA", ""))
    notes: list[str] = []
    if on_pr and not baseline:
        base_sha = str((pull.get("base") or {}).get("sha") or "")
        if base_sha:
            found, why = lint_base(out_dir, workspace, paths, options, base_sha)
            if found is not None:
                baseline = str(found)
            else:
                notes.append(str(why))
        else:
            notes.append("the event names no base commit: every finding counts as new")
    allow_empty = _flag("ALLOW_EMPTY")
    present = [p for p in paths if os.path.lexists(workspace / p)]
    if on_pr and baseline and len(present) < len(paths):
        # a pull request that deletes a listed folder: its findings are fixed, not an error
        notes += [f"{p}: not in this commit (removed by the pull request?)"
                  for p in paths if p not in present]
        paths = present
        if not paths:
            empty = out_dir / "empty"
            empty.mkdir(exist_ok=True)
            paths, allow_empty = [str(empty)], True
    html = out_dir / "gallerylint.html"
    args = ["lint", *paths, "--format", "sarif", "--output", str(sarif), "--format", "json",
            "--output", str(results), "--format", "html", "--output", str(html),
            "--fail-on", fail_on, "--quiet", "--category", _category(), *options]
    if _input("HISTORY"):
        args += ["--history", _input("HISTORY")]
    if allow_empty:
        args.append("--allow-empty")
    if baseline:
        args += ["--baseline", baseline]
    proc = _gallerylint(args, workspace=workspace)
    job_log(proc.stderr)
    if proc.returncode not in (0, 1) or not results.exists():
        _append_summary("# gallerylint failed\n\n" + quoted(proc.stderr))
        return {"sarif-file": "", "findings": "0", "new-findings": "0", "existing-findings": "0",
                "fixed-findings": "0", "exit-code": str(proc.returncode),
                "category": _category()}
    report = json.loads(results.read_text(encoding="utf-8"))
    if report["summary"]["resources"] == 0 and not allow_empty:
        # Nothing read is not clean: a folder of files of no gallery form never passes.
        _append_summary("# gallerylint: nothing to lint\n\n" + quoted(proc.stderr) +
                        "\nThe paths hold no gallery, image, version, application, VM or "
                        "scale set. Name the folders that do, or set `allow-empty: true`.\n")
        return {"sarif-file": str(sarif), "findings": "0", "new-findings": "0",
                "existing-findings": "0", "fixed-findings": "0", "exit-code": "2",
                "category": _category()}
    findings = report["findings"]
    compared = bool(baseline)
    fixed = [f for f in findings if f.get("baselineState") == "absent"]
    current = [f for f in findings if f.get("baselineState") != "absent"]
    new = [f for f in current if not compared or f.get("baselineState") == "new"]
    existing = [f for f in current if compared and f.get("baselineState") != "new"]
    counted = new if (new_only or not on_pr) else current  # nightly: --baseline semantics
    failing = [f for f in counted if f.get("suppressed") is None
               and _at_or_above(f["level"], fail_on)]
    exit_code = 1 if failing else 0
    notes += prepare_upload(sarif)
    annotate(new)
    _append_summary(step_summary(new, existing, fixed, failing, fail_on, compared, head_sha,
                                 notes))
    return {"sarif-file": str(sarif), "findings": str(len(current)),
            "new-findings": str(len(new)), "existing-findings": str(len(existing)),
            "fixed-findings": str(len(fixed)), "exit-code": str(exit_code),
            "category": _category(), "json-file": str(results), "html-file": str(html)}


def _category() -> str:
    """The SARIF category: the input, else one per workflow and job, so that two
    workflows (or two jobs) never replace each other's alerts."""
    given = _input("CATEGORY")
    if given:
        return given
    import re
    workflow = re.sub(r"[^A-Za-z0-9._-]+", "-", os.environ.get("GITHUB_WORKFLOW", "")).strip("-")
    job = re.sub(r"[^A-Za-z0-9._-]+", "-", os.environ.get("GITHUB_JOB", "")).strip("-")
    parts = [p for p in ("gallerylint", workflow, job) if p]
    return "/".join(parts) + "/"


def prepare_upload(sarif: Path) -> list[str]:
    """What code scanning gets: results fixed since the baseline (baselineState absent)
    are not uploaded as open alerts; above 25,000 results a run, the most severe are
    kept. Returns notes for the summary."""
    doc = json.loads(sarif.read_text(encoding="utf-8"))
    notes = []
    for run in doc.get("runs", []):
        results = [r for r in run.get("results", []) if r.get("baselineState") != "absent"]
        if len(results) > SARIF_RESULTS_LIMIT:
            order = {"error": 0, "warning": 1, "note": 2}
            results.sort(key=lambda r: order.get(r.get("level", "warning"), 1))
            notes.append(f"code scanning takes at most {SARIF_RESULTS_LIMIT:,} results a run: "
                         f"the {len(results) - SARIF_RESULTS_LIMIT:,} least severe were not "
                         "uploaded (the JSON report has them all)")
            results = results[:SARIF_RESULTS_LIMIT]
        run["results"] = results
    from .atomic import write_atomically
    write_atomically(str(sarif), json.dumps(doc, indent=1) + "\n")
    return notes


def _command_value(text: str) -> str:
    """Workflow command data: %, CR and LF encoded, so no text starts another command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _command_property(text: str) -> str:
    return _command_value(text).replace(":", "%3A").replace(",", "%2C")


def annotate(findings: list[dict]) -> None:
    """::error / ::warning / ::notice for new findings, on the diff of the pull request;
    GitHub shows 10 per level and step, so the rest are counted in one notice."""
    from .report.common import readable_name
    shown = {"error": 0, "warning": 0, "note": 0}
    left = 0
    command = {"error": "error", "warning": "warning", "note": "notice"}
    for f in findings:
        if shown[f["level"]] >= ANNOTATIONS_PER_LEVEL:
            left += 1
            continue
        shown[f["level"]] += 1
        loc = f.get("location") or {}
        subject = readable_name(f["resourceId"]) + (f", {f['region']}" if f.get("region") else "")
        props = ",".join([f"file={_command_property(str(loc.get('uri', '')))}",
                          f"line={int(loc.get('startLine') or 1)}",
                          f"col={int(loc.get('startColumn') or 1)}",
                          f"title={_command_property(f['ruleId'] + ' ' + f['ruleName'])}"])
        sys.stdout.write(f"::{command[f['level']]} {props}::"
                         f"{_command_value(f['message'] + ' [' + subject + ']')}\n")
    if left:
        sys.stdout.write(f"::notice::{left} more new finding(s) are in the job summary and "
                         "the SARIF report\n")
    sys.stdout.flush()


def step_summary(new: list[dict], existing: list[dict], fixed: list[dict],
                 failing: list[dict], fail_on: str, compared: bool, sha: str,
                 notes: list[str]) -> str:
    """For a reviewer: the verdict first, then the new findings with links to the file and
    line at the head commit; existing findings collapsed, grouped by rule; fixed last.
    Every value is escaped; the whole stays under GitHub's 1 MiB."""
    from collections import Counter

    from .report.common import readable_name
    from .report.markdown import escape, link

    def count(items: list[dict], adjective: str) -> str:
        levels = Counter(f["level"] for f in items)
        parts = [f"{levels[lvl]} {adjective}{lvl}{'s' if levels[lvl] != 1 else ''}"
                 for lvl in LEVELS if levels[lvl]]
        return ", ".join(parts) if parts else f"no {adjective}findings"

    scope = " in this pull request" if compared else ""
    mark = "❌" if failing else "✅"
    verdict = f"{mark} {count(new, 'new ' if compared else '')}{scope}"
    if compared:
        verdict += f" · {len(existing)} existing · {len(fixed)} fixed"
    if failing:
        verdict += f" · fails on {len(failing)} at or above {fail_on}"
    lines = [verdict, ""]
    lines += [f"> {escape(n)}" for n in notes]
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    body: list[str] = []
    if new:
        body += ["", f"## {'New findings' if compared else 'Findings'}", "",
                 "| rule | resource | region | message | where |", "|---|---|---|---|---|"]
        for f in sorted(new, key=lambda f: (LEVELS.index(f["level"]), f["ruleId"])):
            loc = f.get("location") or {}
            where = f"{loc.get('uri', '')}:{loc.get('startLine', 1)}"
            if repo and sha:
                from urllib.parse import quote
                url = (f"{server}/{repo}/blob/{sha}/{quote(str(loc.get('uri', '')))}"
                       f"#L{int(loc.get('startLine') or 1)}")
                where = link(where, url)
            else:
                where = escape(where)
            body.append(f"| {escape(f['ruleId'])} {escape(f['level'])} | "
                        f"{escape(readable_name(f['resourceId']))} | "
                        f"{escape(f.get('region') or '-')} | {escape(f['message'])} | {where} |")
    if existing:
        body += ["", f"<details><summary>{len(existing)} existing finding(s), by rule"
                     "</summary>", ""]
        for rule, n in Counter((f["ruleId"], f["ruleName"]) for f in existing).most_common():
            body.append(f"- {escape(rule[0])} {escape(rule[1])}: {n}")
        body += ["", "</details>"]
    if fixed:
        body += ["", f"<details><summary>{len(fixed)} fixed finding(s)</summary>", ""]
        body += [f"- {escape(f['ruleId'])} {escape(readable_name(f['resourceId']))}"
                 for f in fixed]
        body += ["", "</details>"]
    text = "\n".join(lines)
    size = len(text.encode("utf-8"))
    kept = []
    for i, line in enumerate(body):
        size += len(line.encode("utf-8")) + 1
        if size > SUMMARY_LIMIT - 2000:
            kept += ["", f"… {len(body) - i} more line(s) left out to stay under GitHub's "
                         "1 MiB summary limit: the SARIF and JSON reports have every finding"]
            break
        kept.append(line)
    return text + "\n" + "\n".join(kept) + "\n"


def run_gate() -> dict[str, str]:
    args = ["gate", "--format", "json"]
    for key, flag in (("INVENTORY", "--inventory"), ("DEPLOYMENT", "--deployment")):
        for path in _paths(_input(key)):
            args += [flag, path]
    if _input("ENVIRONMENT"):
        args += ["--environment", _input("ENVIRONMENT")]
    args += _config_args(_workspace())
    if _input("MAX_AGE"):
        args += ["--max-age", _input("MAX_AGE")]
    if _flag("ALLOW_PARTIAL"):
        args.append("--allow-partial")
    if _input("DEPLOYMENT_SCOPE"):
        args += ["--deployment-scope", _input("DEPLOYMENT_SCOPE")]
    proc = _gallerylint(args)
    job_log(proc.stderr)
    if proc.returncode not in (0, 1):
        _append_summary("# gallerylint gate failed to run\n\n" + quoted(proc.stderr))
        return {"sarif-file": "", "findings": "0", "new-findings": "0",
                "existing-findings": "0", "fixed-findings": "0",
                "exit-code": str(proc.returncode)}
    from .report.markdown import escape
    result = json.loads(proc.stdout)
    failed = 0
    lines = ["# gallerylint gate: " + ("passed" if result["passed"] else "FAILED"), ""]
    for dep in result["deployments"]:
        lines += [f"## {escape(dep['id'].rsplit('/', 1)[-1])} ({escape(dep['region'] or '-')})",
                  "", f"Environment {escape(dep.get('environment') or '-')}, fails on "
                  f"{escape(dep.get('failOn') or 'error')}.", "",
                  "| rule | name | result | detail |", "|---|---|---|---|"]
        order = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3, "skip": 4}
        for c in sorted(dep["checks"], key=lambda c: order.get(c["status"], 5)):
            failed += c["status"] == "fail"
            detail = escape(c["messages"][0]) if c["messages"] else ""
            lines.append(f"| {escape(c.get('rule') or '-')} | {escape(c['name'])} | "
                         f"{escape(c['status'])} | {detail} |")
        lines.append("")
    _append_summary("\n".join(lines) + "\n")
    return {"sarif-file": "", "findings": str(failed), "new-findings": str(failed),
            "existing-findings": "0", "fixed-findings": "0", "exit-code": str(proc.returncode)}


def run_export() -> dict[str, str]:
    """`export` with the job's Azure sign-in: the snapshot the nightly lints and keeps."""
    output = _input("OUTPUT") or "snapshot/estate.json"
    args = ["export", "--output", output]
    for sub in _entries(_input("SUBSCRIPTIONS")):
        args += ["--subscription", sub]
    for group in _entries(_input("MANAGEMENT_GROUPS")):
        args += ["--management-group", group]
    source = _input("SOURCE") or "resource-graph"
    if source not in ("resource-graph", "arm"):
        raise RefusedInput("the input source must be 'resource-graph' or 'arm'")
    args += ["--source", source]
    if _input("ARM_ENDPOINT"):
        args += ["--arm-endpoint", _input("ARM_ENDPOINT")]
    if _flag("ALLOW_PARTIAL"):
        args.append("--allow-partial")
    target = _workspace() / output
    target.parent.mkdir(parents=True, exist_ok=True)
    proc = _gallerylint(args)
    job_log(proc.stderr)
    ok = proc.returncode == 0 and target.is_file()
    title = "# gallerylint export: " + (f"wrote {output}" if ok else "FAILED")
    _append_summary(f"{title}\n\n" + quoted(proc.stderr.strip() or "(no output)"))
    return {"sarif-file": "", "findings": "0", "new-findings": "0", "existing-findings": "0",
            "fixed-findings": "0", "snapshot-file": output if ok else "",
            "exit-code": str(proc.returncode)}


def main() -> None:
    empty = {"sarif-file": "", "findings": "0", "new-findings": "0", "existing-findings": "0",
             "fixed-findings": "0", "category": ""}
    try:
        command = _input("COMMAND", "lint") or "lint"
        if command not in ("lint", "gate", "export"):
            raise RefusedInput("the input command must be 'lint', 'gate' or 'export'")
        out_dir = Path(os.environ.get("RUNNER_TEMP") or tempfile.mkdtemp()) / "gallerylint"
        out_dir.mkdir(parents=True, exist_ok=True)
        outputs = run_lint(out_dir) if command == "lint" else (
            run_gate() if command == "gate" else run_export())
    except RefusedInput as exc:
        job_log(f"gallerylint action: {exc}")
        _append_summary("# gallerylint failed\n\n" + quoted(str(exc)))
        outputs = {**empty, "exit-code": "2"}
    _write_output(outputs)


if __name__ == "__main__":
    main()
