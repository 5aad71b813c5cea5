"""`gallerylint config`, `gallerylint init`, `rules` with a config, and the config named
by lint's reports (product.md, "Configuration")."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-12-01T00:00:00Z"


def gallerylint(*args, cwd):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_config_prints_each_value_and_where_it_came_from(tmp_path):
    (tmp_path / ".gallerylint.yaml").write_text(
        "limits:\n  galleries: 50\nrules:\n  ACG601: {enabled: false}\n")
    sub = tmp_path / "infra"
    sub.mkdir()
    result = gallerylint("config", "-f", "json", cwd=sub)  # found in a parent
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["config"] == str(tmp_path / ".gallerylint.yaml")
    rows = {r["key"]: r for r in doc["settings"]}
    assert rows["limits.galleries"]["value"] == 50
    assert rows["limits.galleries"]["origin"] == f"{tmp_path / '.gallerylint.yaml'}:2"
    assert rows["limits.definitions"]["origin"] == "default"
    assert rows["rules.ACG601"]["value"] == {"enabled": False}
    assert rows["rules.ACG601"]["origin"].endswith(".gallerylint.yaml:4")
    text = gallerylint("config", cwd=tmp_path)
    assert text.stdout.startswith(f"config: {tmp_path / '.gallerylint.yaml'}")
    none = gallerylint("config", cwd=tmp_path.parent.parent)
    assert none.returncode == 0 or "config:" in none.stdout


def test_config_says_when_the_workflow_withholds_python_rules(tmp_path):
    (tmp_path / ".gallerylint.yaml").write_text("rules:\n  allow_python: true\n")
    env_run = subprocess.run([sys.executable, "-m", "linter.cli", "config", "-f", "json"],
                             capture_output=True, text=True, cwd=tmp_path,
                             env={"PATH": "/usr/bin:/bin", "GALLERYLINT_ALLOW_PYTHON": "0"})
    rows = {r["key"]: r for r in json.loads(env_run.stdout)["settings"]}
    assert rows["rules.allow_python"]["value"] is False
    assert "GALLERYLINT_ALLOW_PYTHON" in rows["rules.allow_python"]["origin"]


def test_init_writes_a_commented_config_that_changes_nothing_and_never_overwrites(tmp_path):
    result = gallerylint("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / ".gallerylint.yaml").read_text()
    defaults = json.loads(gallerylint("config", "-f", "json", cwd=tmp_path.parent).stdout)
    values = {r["key"]: r["value"] for r in defaults["settings"]}
    config = json.loads(gallerylint("config", "-f", "json", cwd=tmp_path).stdout)
    assert {r["key"]: r["value"] for r in config["settings"]} == values
    assert all(r["origin"] == "default" for r in config["settings"]
               if r["key"].count(".") == 1 and not r["key"].startswith("rules."))
    again = gallerylint("init", cwd=tmp_path)
    assert again.returncode == 2 and "never overwrites" in again.stderr
    assert (tmp_path / ".gallerylint.yaml").read_text() == text


def test_every_key_init_shows_uncommented_alone_loads_and_keeps_its_default(tmp_path):
    """Each `#   key: default` line of the starter, uncommented with its section, is a
    valid config that sets exactly that key to its default (so the file says the truth)."""
    gallerylint("init", cwd=tmp_path)
    lines = (tmp_path / ".gallerylint.yaml").read_text().splitlines()
    section = None
    checked = 0
    defaults = {r["key"]: r["value"] for r in json.loads(gallerylint(
        "config", "-f", "json", cwd=tmp_path.parent).stdout)["settings"]}
    for line in lines:
        if line.startswith("# ") and line.endswith(":") and " " not in line[2:-1]:
            section = line[2:-1]
            continue
        if section and line.startswith("#   ") and ":" in line and section not in (
                "rules", "waivers"):
            entry = line[4:].split("  #", 1)[0].rstrip()
            key = entry.split(":", 1)[0]
            folder = tmp_path / f"k{checked}"
            folder.mkdir()
            (folder / ".gallerylint.yaml").write_text(f"{section}:\n  {entry}\n")
            result = gallerylint("config", "-f", "json", cwd=folder)
            assert result.returncode == 0, (entry, result.stderr)
            rows = {r["key"]: r for r in json.loads(result.stdout)["settings"]}
            row = rows[f"{section}.{key}"]
            if line.endswith("(default: unset)"):
                assert defaults[f"{section}.{key}"] is None, entry  # an example value
            else:
                assert row["value"] == defaults[f"{section}.{key}"], entry
            assert row["origin"].endswith(".gallerylint.yaml:2"), entry
            checked += 1
    assert checked >= 45


def test_init_github_writes_workflows_that_find_the_nightly_by_its_new_name(tmp_path):
    result = gallerylint("init", "--github", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    flows = tmp_path / ".github" / "workflows"
    names = sorted(p.name for p in flows.iterdir())
    assert names == ["gallerylint-gated-deploy.yml", "gallerylint-nightly.yml",
                     "gallerylint-pull-request.yml"]
    for name in ("gallerylint-gated-deploy.yml", "gallerylint-pull-request.yml"):
        text = (flows / name).read_text()
        assert "--workflow gallerylint-nightly.yml" in text and "nightly.yml " not in \
            text.replace("gallerylint-nightly.yml", "")


def test_rules_honours_the_config(tmp_path):
    (tmp_path / ".gallerylint.yaml").write_text(
        "rules:\n  ACG601: {enabled: false}\n  version-format: {level: warning}\n")
    doc = json.loads(gallerylint("rules", "-f", "json", cwd=tmp_path).stdout)
    rules = {r["id"]: r for r in doc["rules"]}
    assert rules["ACG601"]["enabled"] is False and rules["ACG602"]["enabled"] is True
    assert rules["ACG101"]["level"] == "warning" and rules["ACG101"]["defaultLevel"] == "error"
    text = gallerylint("rules", cwd=tmp_path).stdout
    assert "2 rule(s) changed by" in text
    assert [l for l in text.splitlines() if l.startswith("ACG601")][0].endswith("(off)")


def test_lint_names_its_config_in_the_summary_sarif_and_json(tmp_path):
    sample = ROOT / "samples" / "contoso"
    (tmp_path / ".gallerylint.yaml").write_text("limits:\n  galleries: 50\n")
    result = gallerylint("lint", str(sample / "galleries.json"), "--now", NOW,
                         "--format", "text", "--format", "sarif", "--output",
                         str(tmp_path / "r.sarif"), "--format", "json", "--output",
                         str(tmp_path / "r.json"), "--source-root", str(tmp_path), cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.rstrip().endswith("; config .gallerylint.yaml")
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sarif["runs"][0]["properties"]["gallerylint"]["config"] == ".gallerylint.yaml"
    assert json.loads((tmp_path / "r.json").read_text())["config"] == ".gallerylint.yaml"
    bare = tmp_path / "bare"
    bare.mkdir()
    result = gallerylint("lint", str(sample / "galleries.json"), "--now", NOW, cwd=bare)
    assert "no config file (defaults)" in result.stdout.splitlines()[-1] or \
        "config" in result.stdout.splitlines()[-1]
