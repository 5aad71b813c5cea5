"""Bicep source (rules.md, "Bicep source (v3)"). No Bicep CLI can be installed on the
machines this suite was written on: the compile path runs a stand-in `bicep` on PATH
that answers `build --stdout --no-restore <file>` with the template the real CLI
wrote for that file (a real compiled pair: Azure/bicep-registry-modules' gallery
module, tests/corpus/SOURCES.md). Where a real `bicep` is on PATH, the last test
compiles with it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAIR = ROOT / "tests" / "corpus" / "bicep" / "avm-res-compute-gallery"
NOW = "2026-12-01T00:00:00Z"

STAND_IN = """#!{python}
import json, os, sys, time
log = {log!r}
with open(log, "a") as fh:
    fh.write(json.dumps({{"argv": sys.argv[1:], "env": sorted(os.environ),
                         "cwd": os.getcwd()}}) + "\\n")
args = sys.argv[1:]
if args[:3] != ["build", "--stdout", "--no-restore"] or len(args) != 4:
    sys.exit(9)
source = open(args[3]).read()
if "BROKEN" in source:
    sys.stderr.write("Build failed.\\n" + args[3] + "(3,5) : Error BCP018: Expected the ':' character.\\n")
    sys.exit(1)
if "SLOW" in source:
    time.sleep(30)
compiled = args[3][:-len(".bicep")] + ".compiled-by-bicep.json"
if not os.path.exists(compiled):
    compiled = args[3][:-len(".bicep")] + ".json"
sys.stdout.write(open(compiled).read())
"""


@pytest.fixture
def stand_in(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "bicep-calls.jsonl"
    script = bin_dir / "bicep"
    script.write_text(STAND_IN.format(python=sys.executable, log=str(log)))
    script.chmod(0o755)
    return bin_dir, log


def run(*args, path_dirs=(), cwd=ROOT, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    env["PATH"] = os.pathsep.join([*map(str, path_dirs), "/usr/bin", "/bin"])
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "linter.cli", "lint", *args, "--now", NOW],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def copy_pair(tmp_path) -> Path:
    target = tmp_path / "gallery"
    shutil.copytree(PAIR, target)
    return target


def test_without_the_cli_a_bicep_file_alone_is_exit_2_naming_both_ways_out(tmp_path):
    (tmp_path / "main.bicep").write_text("param name string\n")
    for target in (str(tmp_path), str(tmp_path / "main.bicep")):
        result = run(target)
        assert result.returncode == 2, result.stdout
        assert "Bicep source" in result.stderr and "install the Bicep CLI" in result.stderr
        assert "bicep build" in result.stderr and "invalid JSON" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_without_the_cli_the_template_compiled_beside_is_read_with_a_note(tmp_path):
    folder = copy_pair(tmp_path)
    result = run(str(folder), "-f", "json", "--output", "-")
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    uris = {f["location"]["uri"] for f in doc["findings"]}
    assert uris and all(u.endswith("main.json") for u in uris)
    text = run(str(folder))
    assert "no Bicep CLI on PATH; read the template compiled beside it (main.json)" in \
        text.stdout


def test_with_the_cli_bicep_is_compiled_and_findings_point_into_the_bicep_file(
        tmp_path, stand_in):
    bin_dir, log = stand_in
    folder = copy_pair(tmp_path)
    result = run(str(folder), "-f", "json", "--output", "-", path_dirs=[bin_dir],
                 extra_env={"SECRET_TOKEN": "do-not-pass"})
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    acg701 = [f for f in doc["findings"] if f["ruleId"] == "ACG701"]
    assert len(acg701) == 6  # the six images of the README's parameters, read once each
    assert {f["location"]["uri"].rsplit("/", 1)[-1] for f in doc["findings"]} == {"main.bicep"}
    # main.bicep declares no image itself (its image module does): line 1, as rules.md says
    assert {f["location"]["startLine"] for f in acg701} == {1}
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    # main.bicep compiled once; image/ and application/ are its modules, never compiled alone
    assert [Path(c["argv"][3]).relative_to(folder).as_posix() for c in calls] == ["main.bicep"]
    assert calls[0]["argv"][:3] == ["build", "--stdout", "--no-restore"]
    assert "SECRET_TOKEN" not in calls[0]["env"] and "GITHUB_TOKEN" not in calls[0]["env"]
    assert Path(calls[0]["cwd"]).resolve() != folder.resolve()


def test_findings_sit_on_the_declaration_with_the_resource_s_literal_name(tmp_path, stand_in):
    bin_dir, _ = stand_in
    (tmp_path / "main.bicep").write_text(
        "param location string = 'westeurope'\n"
        "resource g 'Microsoft.Compute/galleries@2023-07-03' = {\n  name: 'acg'\n"
        "  location: location\n}\n"
        "resource modern 'Microsoft.Compute/galleries/images@2023-07-03' = {\n"
        "  parent: g\n  name: 'modern'\n}\n"
        "resource legacy 'Microsoft.Compute/galleries/images@2023-07-03' = {\n"
        "  parent: g\n  name: 'legacy'\n}\n")

    def image(name, generation):
        return {"type": "Microsoft.Compute/galleries/images", "apiVersion": "2023-07-03",
                "name": f"acg/{name}", "location": "westeurope",
                "properties": {"osType": "Linux", "osState": "Generalized",
                               "hyperVGeneration": generation,
                               "identifier": {"publisher": "p", "offer": "o", "sku": name}}}
    compiled = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
                "metadata": {"_generator": {"name": "bicep", "version": "0.30.23.60470"}},
                "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2023-07-03",
                               "name": "acg", "location": "westeurope", "properties": {}},
                              image("modern", "V2"), image("legacy", "V1")]}
    (tmp_path / "main.compiled-by-bicep.json").write_text(json.dumps(compiled))
    result = run(str(tmp_path / "main.bicep"), "-f", "json", "--output", "-",
                 path_dirs=[bin_dir])
    assert result.returncode in (0, 1), result.stderr
    lines = {}
    for f in json.loads(result.stdout)["findings"]:
        assert f["location"]["uri"].endswith("main.bicep")
        lines.setdefault(f["resourceId"].rsplit("/", 1)[-1], set()).add(
            f["location"]["startLine"])
    assert lines["legacy"] == {10} and lines["modern"] == {6}  # each on its declaration


def test_a_failed_or_slow_compile_is_exit_2_with_bicep_s_first_error(tmp_path, stand_in):
    bin_dir, _ = stand_in
    (tmp_path / "main.bicep").write_text("BROKEN\n")
    result = run(str(tmp_path), path_dirs=[bin_dir])
    assert result.returncode == 2 and "bicep build failed" in result.stderr
    assert "BCP018" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    (tmp_path / "main.bicep").write_text("SLOW\n")
    (tmp_path / ".gallerylint.yaml").write_text("input:\n  bicep_timeout_seconds: 1\n")
    result = run(str(tmp_path / "main.bicep"), path_dirs=[bin_dir], cwd=tmp_path)
    assert result.returncode == 2 and "longer than 1 s" in result.stderr


def test_a_walked_bicepparam_is_skipped_and_a_named_one_refused(tmp_path):
    (tmp_path / "main.bicepparam").write_text("using 'main.bicep'\n")
    walked = run(str(tmp_path))
    assert walked.returncode == 0 and "nothing to lint" in walked.stderr
    named = run(str(tmp_path / "main.bicepparam"))
    assert named.returncode == 2 and "Bicep parameters file" in named.stderr


@pytest.mark.skipif(shutil.which("bicep") is None, reason="no Bicep CLI on PATH here")
def test_the_real_bicep_cli_compiles_the_pair_to_what_it_wrote(tmp_path):
    folder = copy_pair(tmp_path)
    bicep_dir = str(Path(shutil.which("bicep")).parent)
    result = run(str(folder), "-f", "json", "--output", "-", path_dirs=[bicep_dir])
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    assert len([f for f in doc["findings"] if f["ruleId"] == "ACG701"]) == 6
