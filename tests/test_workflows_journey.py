"""The three sample workflows as a system, from the first day (product.md, "GitHub
Action"): every step of samples/workflows/{nightly,pull-request,gated-deploy}.yml runs
in order, as written, on a scripted repository history. What only GitHub has is
replaced by local stand-ins: `gh` by a script serving earlier runs and their
artifacts from a folder, upload-artifact by a copy into that folder, checkout by the
test's git repository, azure/login by a token for the local HTTPS server that speaks
ARM and Resource Graph (tests/azure_server.py; the export step is pointed at it with
the action's arm-endpoint input, as a login to another cloud would). Every `run:`
step and every step of action.yml (except setup-python and the SARIF upload, which
are GitHub's) runs for real.

History: day 0 (a README); a gate before any nightly (fails closed); the first pull
request, adding infra/ with an invalid version (fails, every finding new, no live
context yet); two nightlies (the first without a baseline, the second against the
first); a pull request that fixes the version (passes, one fixed); a gate that
passes and one that fails.
"""

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from azure_server import TOKEN, AzureTestServer
from test_action import run_action
from test_export import sample_rows

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "samples" / "workflows"

FAKE_GH = r'''#!{python}
"""Stand-in for the GitHub CLI: runs and artifacts from $FAKE_GH_STORE."""
import json, os, shutil, sys
store = os.environ["FAKE_GH_STORE"]
args = sys.argv[1:]
with open(os.path.join(store, "calls.log"), "a") as fh:
    fh.write(json.dumps(args) + "\n")
def opt(name, default=None):
    return args[args.index(name) + 1] if name in args else default
if args[:2] == ["repo", "view"]:
    print("main"); sys.exit(0)
if args[:2] == ["run", "list"]:
    runs = json.load(open(os.path.join(store, "runs.json")))
    chosen = [r for r in runs
              if r["workflow"] == opt("--workflow") and r["branch"] == opt("--branch", r["branch"])
              and r["event"] == opt("--event", r["event"])
              and r["status"] == opt("--status", r["status"])]
    chosen.sort(key=lambda r: -r["databaseId"])
    for r in chosen[: int(opt("--limit", "20"))]:
        print(r["databaseId"])
    sys.exit(0)
if args[:2] == ["run", "download"]:
    source = os.path.join(store, "artifacts", args[2], opt("--name"))
    if not os.path.isdir(source):
        sys.stderr.write("no valid artifacts found to download\n"); sys.exit(1)
    target = opt("--dir", ".")
    os.makedirs(target, exist_ok=True)
    shutil.copytree(source, target, dirs_exist_ok=True)
    sys.exit(0)
sys.stderr.write("fake gh: unexpected call " + " ".join(args) + "\n")
sys.exit(2)
'''


@dataclass
class Job:
    steps: list[tuple[str, str, str]] = field(default_factory=list)  # (name, outcome, log)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    summaries: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return all(outcome != "failure" for _, outcome, _ in self.steps)

    def log(self, name_part: str) -> str:
        return "".join(log for name, _, log in self.steps if name_part in name)

    def outcome(self, name_part: str) -> str:
        return next(outcome for name, outcome, _ in self.steps if name_part in name)


class GitHub:
    """Runs jobs of the sample workflows, keeping runs and artifacts between them."""

    def __init__(self, tmp: Path, server: AzureTestServer) -> None:
        self.tmp = tmp
        self.server = server
        self.store = tmp / "github"
        (self.store / "artifacts").mkdir(parents=True)
        (self.store / "runs.json").write_text("[]")
        self.bin = tmp / "bin"
        self.bin.mkdir()
        gh = self.bin / "gh"
        gh.write_text(FAKE_GH.replace("{python}", sys.executable))
        gh.chmod(0o755)
        self.next_run = 100
        self.secrets = {"AZURE_CLIENT_ID": "x", "AZURE_TENANT_ID": "y",
                        "AZURE_SUBSCRIPTION_ID": "z"}

    def record_run(self, workflow: str, event: str, branch: str = "main") -> int:
        self.next_run += 1
        runs = json.loads((self.store / "runs.json").read_text())
        runs.append({"databaseId": self.next_run, "workflow": workflow, "branch": branch,
                     "event": event, "status": "completed"})
        (self.store / "runs.json").write_text(json.dumps(runs))
        return self.next_run

    def run(self, flow: str, job_name: str, workspace: Path, event: str,
            event_payload: dict | None = None) -> Job:
        doc = YAML(typ="safe").load((FLOWS / flow).read_text())
        steps = doc["jobs"][job_name]["steps"]
        # every job starts from a fresh checkout: nothing an earlier job wrote is there
        subprocess.run(["git", "clean", "-fdxq"], cwd=workspace, check=True)
        run_id = self.record_run(flow, event) if flow == "nightly.yml" else 0
        job = Job()
        job_env: dict[str, str] = {}
        work = self.tmp / f"run-{self.next_run}-{job_name}-{len(os.listdir(self.tmp))}"
        work.mkdir()
        extra = {"FAKE_GH_STORE": str(self.store), "GITHUB_REPOSITORY": "contoso/images",
                 "AZURE_ACCESS_TOKEN": TOKEN,
                 "REQUESTS_CA_BUNDLE": self.server.ca_file(str(work / "ca.pem")),
                 "GALLERYLINT_EXPORT_BACKOFF_SECONDS": "0.01"}
        if event_payload is not None:
            event_file = work / "event.json"
            event_file.write_text(json.dumps(event_payload))
            extra["GITHUB_EVENT_PATH"] = str(event_file)
        failed = False
        for i, step in enumerate(steps):
            name = step.get("name") or step.get("uses") or f"step {i}"
            condition = step.get("if")
            if not self.condition(condition, job, job_env, failed):
                job.steps.append((name, "skipped", ""))
                continue
            outcome, log = self.step(step, job, job_env, workspace, event, work / str(i),
                                     extra, run_id)
            failed = failed or outcome == "failure"
            job.steps.append((name, outcome, log))
        return job

    # -- expressions -----------------------------------------------------------------
    def expand(self, text: str, job: Job, job_env: dict[str, str]) -> str:
        def value(m: re.Match[str]) -> str:
            expr = m.group(1).strip()
            if expr == "github.token":
                return "fake-token"
            kind, _, rest = expr.partition(".")
            if kind == "secrets":
                return self.secrets.get(rest, "")
            if kind == "env":
                return job_env.get(rest, "")
            if kind == "steps":
                step_id, _, output = rest.partition(".outputs.")
                return job.outputs.get(step_id, {}).get(output, "")
            raise AssertionError(f"the simulator does not know {expr!r}")
        return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))

    def condition(self, condition: str | None, job: Job, job_env: dict[str, str],
                  failed: bool) -> bool:
        if not condition:
            return not failed
        expr = condition
        explicit = "always()" in expr or "failure()" in expr
        expr = expr.replace("always()", "True").replace("failure()", repr(failed))
        expr = expr.replace("success()", repr(not failed))
        expr = re.sub(r"steps\.([\w-]+)\.outputs\.([\w-]+)",
                      lambda m: repr(job.outputs.get(m.group(1), {}).get(m.group(2), "")), expr)
        expr = expr.replace("&&", " and ").replace("||", " or ")
        result = bool(eval(expr, {"__builtins__": {}}, {}))  # our own sample workflows
        return result if explicit else result and not failed

    # -- steps -----------------------------------------------------------------------
    def step(self, step: dict, job: Job, job_env: dict[str, str], workspace: Path,
             event: str, scratch: Path, extra: dict[str, str], run_id: int) -> tuple[str, str]:
        scratch.mkdir()
        uses = step.get("uses", "")
        inputs = {k: self.expand(v, job, job_env) for k, v in (step.get("with") or {}).items()}
        env = {k: self.expand(v, job, job_env) for k, v in (step.get("env") or {}).items()}
        if uses.startswith(("actions/checkout@", "azure/login@", "actions/setup-python@")):
            return "success", ""  # the test prepared the workspace and the token
        if uses.startswith("actions/upload-artifact@"):
            source = workspace / inputs["path"]
            if not source.exists():
                return "success", "no files found"
            target = self.store / "artifacts" / str(run_id) / inputs["name"]
            target.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                subprocess.run(["cp", "-r", f"{source}/.", str(target)], check=True)
            else:
                subprocess.run(["cp", str(source), str(target)], check=True)
            return "success", ""
        if uses.startswith("gallerylint/gallerylint@"):
            if inputs.get("command") == "export":
                inputs["arm-endpoint"] = self.server.endpoint  # the login's cloud
            log: list[str] = []
            outputs, summary, code = run_action(
                scratch, inputs, workspace=workspace, event=event, log=log,
                extra_env={**extra, **job_env, **env, "GITHUB_ENV": str(scratch / "env")})
            if step.get("id"):
                job.outputs[step["id"]] = outputs
            job.summaries.append(summary)
            return ("success" if code == 0 else "failure"), "".join(log) + summary
        assert "run" in step, f"the simulator does not know {uses}"
        github_env = scratch / "github_env"
        github_output = scratch / "github_output"
        github_env.write_text("")
        github_output.write_text("")
        proc = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=workspace, capture_output=True, text=True,
            timeout=300, env={**os.environ, **extra, **job_env, **env,
                              "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
                              "GITHUB_ENV": str(github_env), "GITHUB_OUTPUT": str(github_output),
                              "GITHUB_STEP_SUMMARY": str(scratch / "summary")})
        from linter.action import read_outputs
        job_env.update(read_outputs(github_env.read_text()))
        if step.get("id"):
            job.outputs[step["id"]] = read_outputs(github_output.read_text())
        return ("success" if proc.returncode == 0 else "failure"), proc.stdout + proc.stderr


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                            env={**os.environ, "GIT_AUTHOR_NAME": "t",
                                 "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                                 "GIT_COMMITTER_EMAIL": "t@example.com"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def gallery_template(version: str) -> str:
    """infra/gallery.json: one image version of the sample's contoso_prod gallery."""
    return json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
        "resources": [{
            "type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "2023-07-03",
            "name": f"contoso_infra/ubuntu/{version}", "location": "westeurope",
            "properties": {"publishingProfile": {
                "targetRegions": [{"name": "westeurope", "regionalReplicaCount": 3},
                                  {"name": "northeurope", "regionalReplicaCount": 3}],
                "endOfLifeDate": "2030-01-01T00:00:00Z"},
                "storageProfile": {"source": {"id": "/subscriptions/11111111-1111-4111-8111-"
                                              "111111111111/resourceGroups/rg/providers/"
                                              "Microsoft.Compute/images/base"}}}}]}, indent=2)


def passing_vm(snapshot: Path) -> dict:
    """A VM of the deployment that the gate passes: pinned to a version of the live
    snapshot, in a region it is replicated to (found by asking the gate)."""
    doc = json.loads(snapshot.read_text())
    for version in doc["imageVersions"]:
        regions = version["properties"].get("publishingProfile", {}).get("targetRegions", [])
        for region in regions:
            vm = {"id": "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/"
                        "rg-web-prod/providers/Microsoft.Compute/virtualMachines/web-1",
                  "name": "web-1", "type": "Microsoft.Compute/virtualMachines",
                  "location": region["name"],
                  "properties": {"storageProfile": {
                      "imageReference": {"id": version["id"]},
                      "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}}}}}
            path = snapshot.parent / "candidate.json"
            path.write_text(json.dumps([vm]))
            result = subprocess.run([sys.executable, "-m", "linter.cli", "gate", "--inventory",
                                     str(snapshot), "--deployment", str(path)],
                                    capture_output=True, text=True, cwd=ROOT)
            if result.returncode == 0:
                return vm
    raise AssertionError("no version of the snapshot passes the gate")


@pytest.fixture()
def github(tmp_path):
    with AzureTestServer(sample_rows(), page_size=50) as server:
        yield GitHub(tmp_path, server)


def test_the_sample_workflows_work_as_a_system_from_the_first_day(tmp_path, github):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("images\n")
    (repo / "deploy").mkdir()
    (repo / "deploy" / "web-frontend.json").write_text("[]")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "day 0")

    # A gate before any nightly: it fails closed and says why.
    gate0 = github.run("gated-deploy.yml", "gate", repo, "push")
    assert not gate0.succeeded
    assert "no nightly snapshot to gate against: the gate fails closed" in gate0.log("Fetch")
    assert gate0.outcome("gallerylint gate") == "skipped"

    # The first pull request adds infra/ with an invalid version name: before any
    # nightly, it is linted without live context, and every finding in it is new.
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr-1")
    (repo / "infra").mkdir()
    (repo / "infra" / "gallery.json").write_text(gallery_template("1.0.0-beta"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "add infra")
    head = git(repo, "rev-parse", "HEAD")
    pr1 = github.run("pull-request.yml", "lint", repo, "pull_request",
                     {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}})
    assert "no nightly snapshot yet: linting the pull request without live context" in \
        pr1.log("Fetch")
    assert not pr1.succeeded, pr1.log("gallerylint")
    assert "1.0.0-beta" in pr1.summaries[-1] and "new error" in pr1.summaries[-1]
    git(repo, "checkout", "-q", "main")

    # Night 1: no earlier SARIF, findings do not fail the job, artifacts published.
    night1 = github.run("nightly.yml", "scan", repo, "schedule")
    assert night1.succeeded, [(n, o) for n, o, _ in night1.steps]
    assert "no earlier nightly SARIF" in night1.log("Fetch the previous")
    lint1 = night1.outputs["lint"]
    assert int(lint1["findings"]) > 0 and lint1["exit-code"] == "0"
    night1_id = github.next_run
    artifacts = github.store / "artifacts" / str(night1_id)
    assert (artifacts / "nightly-snapshot" / "estate.json").is_file()
    assert (artifacts / "nightly-reports" / "gallerylint.sarif").is_file()

    # Night 2: its baseline is night 1's SARIF, so nothing is new.
    (repo / "snapshot").mkdir(exist_ok=True)
    night2 = github.run("nightly.yml", "scan", repo, "schedule")
    assert night2.succeeded
    assert f"baseline: the SARIF of nightly run {night1_id}" in night2.log("Fetch the previous")
    assert night2.outputs["lint"]["new-findings"] == "0"
    assert night2.outputs["lint"]["existing-findings"] == lint1["findings"]
    # the reports keep their history: night 2's HTML shows the trend of both nights
    reports2 = github.store / "artifacts" / str(github.next_run) / "nightly-reports"
    assert (reports2 / "history" / f"run-{night1_id}.json").is_file()
    assert "Trend over 2 runs" in (reports2 / "gallerylint.html").read_text()
    assert "Trend over" not in (artifacts / "nightly-reports" / "gallerylint.html").read_text()

    # A pull request that fixes the version name: with the newest snapshot as live
    # context, it passes, and the fixed finding is counted.
    subprocess.run(["git", "clean", "-fdxq"], cwd=repo, check=True)
    git(repo, "checkout", "-q", "pr-1")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr-2")
    (repo / "infra" / "gallery.json").write_text(gallery_template("1.0.1"))
    git(repo, "commit", "-q", "-am", "fix the version name")
    head = git(repo, "rev-parse", "HEAD")
    pr2 = github.run("pull-request.yml", "lint", repo, "pull_request",
                     {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}})
    assert f"live context: the snapshot of nightly run {github.next_run}" in pr2.log("Fetch")
    assert pr2.succeeded, pr2.summaries
    assert "fixed" in pr2.summaries[-1]
    subprocess.run(["git", "clean", "-fdxq"], cwd=repo, check=True)
    git(repo, "checkout", "-q", "main")

    # A gate that passes and one that fails, against the newest nightly snapshot.
    snapshot = github.store / "artifacts" / str(github.next_run) / "nightly-snapshot" / \
        "estate.json"
    good = passing_vm(snapshot)
    (repo / "deploy" / "web-frontend.json").write_text(json.dumps([good]))
    git(repo, "commit", "-q", "-am", "deploy web")
    passed = github.run("gated-deploy.yml", "gate", repo, "push")
    assert passed.succeeded, passed.summaries
    assert "# gallerylint gate: passed" in passed.summaries[-1]
    bad = {**good, "location": "southafricanorth"}
    (repo / "deploy" / "web-frontend.json").write_text(json.dumps([bad]))
    git(repo, "commit", "-q", "-am", "deploy web elsewhere")
    refused = github.run("gated-deploy.yml", "gate", repo, "push")
    assert not refused.succeeded
    assert "| ACG603 | deployment-region-not-replicated | fail |" in refused.summaries[-1]

    # Every gh call the workflows made was one the stand-in knows.
    calls = [json.loads(line) for line in (github.store / "calls.log").read_text().splitlines()]
    assert {tuple(c[:2]) for c in calls} <= {("repo", "view"), ("run", "list"),
                                             ("run", "download")}
