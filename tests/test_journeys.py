"""Small journeys of a command-line user: the pre-commit hook, standard input, no path,
rule prefixes and tags, nothing to lint."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
GALLERIES = ROOT / "samples" / "contoso" / "galleries.json"


def gallerylint(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, input=stdin, timeout=120)


def test_the_pre_commit_hook_skips_files_of_other_tools(tmp_path):
    [hook] = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["types_or"] == ["json", "yaml"]
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}')
    (tmp_path / "galleries.json").write_text(GALLERIES.read_text())
    entry = shlex.split(hook["entry"])
    assert entry[0] == "gallerylint"
    result = gallerylint(*entry[1:], "package.json", "galleries.json", cwd=tmp_path)
    assert result.returncode == 1 and "skipped 1 file(s)" in result.stdout
    only_other = gallerylint(*entry[1:], "package.json", cwd=tmp_path)
    assert only_other.returncode == 0, only_other.stderr  # a commit of no gallery file


def test_lint_reads_standard_input(tmp_path):
    result = gallerylint("lint", "-", "-f", "json", cwd=tmp_path, stdin=GALLERIES.read_text())
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"]


def test_lint_without_a_path_lints_the_current_directory(tmp_path):
    (tmp_path / "galleries.json").write_text(GALLERIES.read_text())
    result = gallerylint("lint", "-f", "json", cwd=tmp_path)
    assert result.returncode == 1 and json.loads(result.stdout)["findings"]


def test_rules_take_id_prefixes_and_tags(tmp_path):
    from linter.rules.registry import load_registry
    registry = load_registry()
    prefixed = {r.id for r in registry if r.id.startswith("ACG5")}
    result = gallerylint("lint", str(GALLERIES), "--rules", "ACG5", "-f", "json", cwd=tmp_path)
    found = {f["ruleId"] for f in json.loads(result.stdout)["findings"]}
    assert found and found <= prefixed
    tag = next(t for r in registry for t in r.tags)
    tagged = gallerylint("lint", str(GALLERIES), "--rules", tag, "-f", "json",
                         "--fail-on", "never", cwd=tmp_path)
    assert tagged.returncode == 0, tagged.stderr
    unknown = gallerylint("lint", str(GALLERIES), "--rules", "no-such-thing", cwd=tmp_path)
    assert unknown.returncode == 2 and "no rule ID, name, ID prefix or tag" in unknown.stderr


def test_a_folder_of_nothing_gallerylint_reads_says_so(tmp_path):
    (tmp_path / "package.json").write_text("{}")
    result = gallerylint("lint", ".", "-q", cwd=tmp_path)
    assert "nothing to lint: 1 file(s) seen, none of a gallery form" in result.stderr
    allowed = gallerylint("lint", ".", "--allow-empty", cwd=tmp_path)
    assert allowed.returncode == 0 and "nothing to lint" not in allowed.stderr


def test_files_people_write_are_exit_2_naming_their_form_never_invalid_json(tmp_path):
    """Bicep without its CLI is exit 2 naming Bicep; Terraform and Packer files are read,
    and a folder of them that holds nothing of a gallery form says so."""
    folder = tmp_path / "main_bicep"
    folder.mkdir()
    (folder / "main.bicep").write_text("param x string\n")
    for target in (str(folder), str(folder / "main.bicep")):
        result = gallerylint("lint", target, cwd=tmp_path)
        assert result.returncode == 2 and "Bicep source" in result.stderr, result.stderr
        assert "invalid JSON" not in result.stderr
    for name, text in (("main.tf", 'resource "x" "y" {}\n'),
                       ("image.pkr.hcl", 'source "amazon-ebs" "y" {}\n'),
                       ("packer.json", json.dumps({"builders": [{"type": "amazon-ebs"}]}))):
        folder = tmp_path / name.replace(".", "_")
        folder.mkdir()
        (folder / name).write_text(text)
        result = gallerylint("lint", str(folder), cwd=tmp_path)
        assert result.returncode == 0 and "nothing to lint" in result.stderr, (name,
                                                                              result.stderr)
    # v3: an azure-arm builder is a pipeline that the pipeline rules judge (ACG706), even
    # without a gallery destination: read, never "nothing to lint"
    folder = tmp_path / "azure_json"
    folder.mkdir()
    (folder / "packer.json").write_text(json.dumps({"builders": [{"type": "azure-arm"}]}))
    result = gallerylint("lint", str(folder), cwd=tmp_path)
    assert result.returncode == 0 and "nothing to lint" not in result.stderr
    assert "1 resources from 1 file(s)" in result.stdout


def test_the_action_fails_on_nothing_to_lint_unless_allowed(tmp_path):
    from test_action import run_action
    ws = tmp_path / "ws"
    (ws / "terraform").mkdir(parents=True)
    (ws / "terraform" / "vars.json").write_text("{}")
    outputs, summary, exit_code = run_action(tmp_path, {"paths": "terraform"}, workspace=ws)
    assert outputs["exit-code"] == "2" and exit_code == 2 and "nothing to lint" in summary
    allowed, _, code = run_action(tmp_path, {"paths": "terraform", "allow-empty": "true"},
                                  workspace=ws)
    assert allowed["exit-code"] == "0" and code == 0


def test_a_waiver_written_with_the_printed_name_suppresses_its_finding(tmp_path):
    import re
    import shutil
    for f in (ROOT / "samples" / "contoso").glob("*.json"):
        shutil.copy(f, tmp_path / f.name)
    first = gallerylint("lint", ".", "--now", "2026-11-21T00:00:00Z", cwd=tmp_path)
    line = next(l for l in first.stdout.splitlines() if " ACG601 " in l)
    printed = re.search(r"\[([^,\]]+)", line).group(1)  # the name the text output prints
    waived = gallerylint("waive", "ACG601", printed, "--reason", "capacity review",
                         "--expires", "2099-01-01", cwd=tmp_path)
    assert waived.returncode == 0, waived.stderr
    again = gallerylint("lint", ".", "--now", "2026-11-21T00:00:00Z", "-f", "json",
                        cwd=tmp_path)
    findings = json.loads(again.stdout)["findings"]
    mine = [f for f in findings if f["ruleId"] == "ACG601" and printed.split("/")[-1]
            in f["resourceId"]]
    assert mine and all(f.get("suppressed") for f in mine)
    assert "matched no finding" not in again.stderr


def test_a_long_lint_off_a_terminal_says_what_it_is_doing(tmp_path):
    """A CI log gets the phase every few seconds (GALLERYLINT_PROGRESS_SECONDS, 10 by
    default; shortened here), as export logs its pages; -q says nothing."""
    import os
    import subprocess
    import sys
    sample = str(ROOT / "samples" / "contoso")
    env = {**os.environ, "GALLERYLINT_PROGRESS_SECONDS": "0.05"}
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", sample, "--now",
                             "2026-11-21T00:00:00Z", "-f", "sarif", "-o", str(tmp_path / "r")],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    lines = [l for l in result.stderr.splitlines() if l.endswith(" s so far)")]
    assert lines and all(l.startswith("gallerylint: ") for l in lines)
    assert any("reading" in l or "facts" in l or "evaluating" in l or "writing" in l
               for l in lines)
    quiet = subprocess.run([sys.executable, "-m", "linter.cli", "lint", sample, "-q", "--now",
                            "2026-11-21T00:00:00Z"], capture_output=True, text=True, env=env,
                           timeout=300)
    assert "so far" not in quiet.stderr
