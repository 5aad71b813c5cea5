"""Hostile and broken input: bounds, odd files, engine isolation, output safety, secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builders import definition, estate, gallery, version, vm
from linter.engines.isolation import run_isolated
from linter.errors import EngineError, InputError
from linter.report.common import artifact_uri
from linter.report.markdown import escape
from linter.sources import load_paths

ROOT = Path(__file__).resolve().parent.parent


def gallerylint(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, env={**os.environ, **(env or {})})


def one_line(result):
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_yaml_alias_bomb_is_refused_before_expansion(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("value: *a9")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    result = gallerylint("lint", str(bomb), cwd=tmp_path)
    assert result.returncode == 2
    assert "bomb.yaml:5: YAML aliases expand to more than 10000 nodes" in one_line(result)


def test_config_alias_bomb_is_refused(tmp_path):
    lines = ["x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]" for i in range(1, 8)]
    (tmp_path / ".gallerylint.yaml").write_text("\n".join(lines) + "\n")
    inv = tmp_path / "inv.json"
    inv.write_text(json.dumps(estate()))
    result = gallerylint("lint", str(inv), cwd=tmp_path)
    assert result.returncode == 2 and "aliases expand" in one_line(result)


def test_json_nested_10000_levels(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10000 + "]" * 10000)
    result = gallerylint("lint", str(deep), cwd=tmp_path)
    assert result.returncode == 2 and "deep.json" in one_line(result)


def test_template_nested_beyond_the_limit(tmp_path):
    nested: dict = {"v": 1}
    for _ in range(100):
        nested = {"n": nested}
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#", "resources": [
                    {"type": "Microsoft.Compute/galleries", "name": "g", "properties": nested}]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template))
    result = gallerylint("lint", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "nested more than 64 levels" in one_line(result)


def test_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(2 * 1024 ** 3)  # 2 GB, sparse: nothing is read
    result = gallerylint("lint", str(big), cwd=tmp_path)
    assert result.returncode == 2 and "above the limit" in one_line(result)


def test_symlink_loops_fifos_and_devices_in_a_walked_directory(tmp_path):
    inv = tmp_path / "inv"
    inv.mkdir()
    (inv / "estate.json").write_text(json.dumps(estate(versions=[version(eol="2027-06-01")])))
    os.symlink(inv, inv / "loop")  # a directory link to itself
    os.symlink(inv / "a.json", inv / "b.json")
    os.symlink(inv / "b.json", inv / "a.json")  # a file link loop
    os.mkfifo(inv / "pipe.json")
    if os.path.exists("/dev/null"):
        os.symlink("/dev/null", inv / "null.json")
    result = gallerylint("lint", str(inv), "--now", "2026-11-21T00:00:00Z", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "that are not regular files" in result.stdout


def test_fifo_named_explicitly_is_exit_2(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    result = gallerylint("lint", str(tmp_path / "pipe.json"), cwd=tmp_path)
    assert result.returncode == 2 and "not a regular file" in one_line(result)


def test_bom_and_not_utf8(tmp_path):
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps([gallery()]).encode())
    assert len(load_paths([str(bom)]).galleries) == 1
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'[{"id": "/subscriptions/\xff"}]')
    with pytest.raises(InputError):
        load_paths([str(latin)])


def test_user_policy_that_never_finishes_is_stopped(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow.rego").write_text(
        "# METADATA\n# title: slow\n# custom:\n#   id: ORG900\n#   level: warning\n"
        "#   collection: versions\n#   fields: [name]\npackage org.slow\nimport rego.v1\n"
        "violations := [v | some item in input.items; count([x | some a in numbers.range(1, 60);"
        " some b in numbers.range(1, 60); some c in numbers.range(1, 60); some d in "
        "numbers.range(1, 60); x := a + b + c + d]) < 0; v := {\"k\": item.k, \"message\": \"x\"}]\n")
    (tmp_path / ".gallerylint.yaml").write_text(
        "rules:\n  paths: [rules]\nengine:\n  timeout_seconds: 1\n")
    inv = tmp_path / "inv.json"
    inv.write_text(json.dumps(estate()))
    result = gallerylint("lint", str(inv), cwd=tmp_path)
    assert result.returncode == 3
    assert "slow.rego: did not finish within 1 s" in one_line(result)


def test_a_crash_in_the_isolated_child_is_contained():
    with pytest.raises(EngineError) as exc:
        run_isolated(os.abort, (), 10, "crashing.rego")
    assert "crashed" in str(exc.value) and "SIGABRT" in str(exc.value)
    assert run_isolated(sum, ([1, 2, 3],), 10, "ok") == 6


def test_sarif_uris_never_escape_the_source_root(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    assert artifact_uri(str(root / "a" / "b.json"), str(root)) == "a/b.json"
    assert artifact_uri(str(tmp_path / "outside.json"), str(root)) == "outside.json"
    assert artifact_uri(str(root / ".." / ".." / "etc" / "passwd"), str(root)) == "passwd"
    assert artifact_uri("/etc/passwd", str(root)) == "passwd"


def test_markdown_escapes_hostile_names(tmp_path):
    hostile = "x](https://evil.example)<img src=x onerror=alert(1)>@org/admins"
    assert "](" not in escape(hostile) and "<img" not in escape(hostile)
    assert "@org" not in escape(hostile)
    findings_dir = tmp_path
    resources = [gallery(), definition(), version(hostile.replace("/", "_"))]
    (findings_dir / "inv.json").write_text(json.dumps({"value": resources}))
    result = gallerylint("lint", "inv.json", "--format", "markdown", "--output", "r.md",
                         cwd=findings_dir)
    assert result.returncode == 1, result.stderr  # ACG101 fires on the hostile name
    text = (findings_dir / "r.md").read_text()
    assert "<img" not in text and "](https://evil" not in text and "@org" not in text


SECRETS = {
    "token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.planted-token-value",
    "client_secret": "planted~client~secret~Q8d1",
    "sas": "sig=plantedSasSignature%2Fabc%3D",
}


def test_no_secret_reaches_any_output(tmp_path):
    vm_with_secrets = vm("app", tags={"note": "x"})
    vm_with_secrets["properties"]["osProfile"] = {"adminPassword": SECRETS["client_secret"],
                                                  "customData": SECRETS["token"]}
    v = version("1.0.0", eol="2027-06-01")
    v["properties"]["storageProfile"]["osDiskImage"]["source"] = {
        "uri": f"https://acct.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&{SECRETS['sas']}"}
    resources = [gallery(), definition(), v, vm_with_secrets,
                 vm("bad", "/subscriptions/x/resourceGroups/r/providers/Microsoft.Compute/"
                           "galleries/nope/images/i/versions/1.0.0")]
    (tmp_path / "inv.json").write_text(json.dumps({"value": resources}))
    env = {"AZURE_ACCESS_TOKEN": SECRETS["token"], "AZURE_CLIENT_SECRET": SECRETS["client_secret"]}
    result = gallerylint("lint", "inv.json", "--now", "2026-11-21T00:00:00Z", "--format", "text",
                         "--format", "json", "--output", "r.json", "--format", "sarif",
                         "--output", "r.sarif", "--format", "markdown", "--output", "r.md",
                         cwd=tmp_path, env=env)
    assert result.returncode in (0, 1), result.stderr
    outputs = result.stdout + result.stderr + "".join(
        (tmp_path / f).read_text() for f in ("r.json", "r.sarif", "r.md"))
    for name, secret in SECRETS.items():
        assert secret not in outputs, name
    gate = gallerylint("gate", "--inventory", "inv.json", "--deployment", "inv.json",
                       "--format", "json", cwd=tmp_path, env=env)
    for secret in SECRETS.values():
        assert secret not in gate.stdout + gate.stderr


def test_export_redacts_sas_and_password_like_values():
    from linter.export.exporter import redact
    row = {"properties": {"storageProfile": {"osDiskImage": {"source": {
        "uri": f"https://a.blob.core.windows.net/c/x.vhd?sv=1&{SECRETS['sas']}"}}},
        "osProfile": {"adminPassword": SECRETS["client_secret"],
                      "linuxConfiguration": {"disablePasswordAuthentication": True}}}}
    text = json.dumps(redact(row))
    assert SECRETS["sas"] not in text and SECRETS["client_secret"] not in text
    assert '"disablePasswordAuthentication": true' in text


def test_sigterm_leaves_no_partial_output(tmp_path):
    import signal
    import time
    big = tmp_path / "big"
    big.mkdir()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate
    generate(big, 20000, 10)  # about 4 s of work
    proc = subprocess.Popen([sys.executable, "-m", "linter.cli", "lint", str(big), "--format",
                             "sarif", "--output", str(tmp_path / "out.sarif")], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err
    assert not (tmp_path / "out.sarif").exists()
    assert not list(tmp_path.glob(".gallerylint-*"))


@pytest.mark.parametrize("limit_name", ["RLIMIT_AS", "RLIMIT_DATA"])
def test_an_address_space_limit_is_exit_3_with_the_way_out_not_a_signal(tmp_path, limit_name):
    import resource

    def limited():
        limit = getattr(resource, limit_name)
        resource.setrlimit(limit, (32 << 30, resource.getrlimit(limit)[1]))

    sample = Path(__file__).resolve().parent.parent / "samples" / "contoso"
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(sample)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120,
                            preexec_fn=limited)
    assert result.returncode == 3, result.stderr
    line = one_line(result)
    assert "32.0 GiB" in line and "unlimited" in line and "--engine opa" in line
    # Python rules alone need no regopy: they still run under the limit
    only_python = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(sample),
                                  "--rules", "ACG601,ACG602", "--format", "json"],
                                 capture_output=True, text=True, cwd=tmp_path, timeout=120,
                                 preexec_fn=limited)
    assert only_python.returncode in (0, 1), only_python.stderr


@pytest.mark.parametrize("stack_kib", [128, 256])
def test_deep_json_under_a_small_stack_is_exit_2_not_a_crash(tmp_path, stack_kib):
    import resource

    def small_stack():
        resource.setrlimit(resource.RLIMIT_STACK, (stack_kib << 10,
                                                   resource.getrlimit(resource.RLIMIT_STACK)[1]))

    deep = tmp_path / "deep.json"
    deep.write_text('{"type": "Microsoft.Compute/galleries", "properties": ' + "[" * 10_000 +
                    "]" * 10_000 + "}")
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(deep)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120,
                            preexec_fn=small_stack)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "deep.json" in one_line(result)
    sample = Path(__file__).resolve().parent.parent / "samples" / "contoso"
    for _ in range(3):  # regopy recursing on the small stack crashed some runs, not all
        ok = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(sample),
                             "--quiet"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120, preexec_fn=small_stack)
        assert ok.returncode == 1, (ok.returncode, ok.stderr)  # the sample lints (errors)


def test_an_error_in_a_python_rule_waits_for_the_rego_engine(tmp_path):
    """The Rego engine runs on its own thread beside the Python rules: when a Python rule
    fails, the error is raised once the engine is done, with no engine left running."""
    import threading
    from datetime import datetime, timezone

    from msgspec.structs import replace

    from linter.config import Settings
    from linter.errors import EngineError
    from linter.lint import run
    from linter.rules.registry import Registry, load_registry

    def broken(facts, rule):
        raise ValueError("a rule that fails")

    registry = load_registry()
    rules = [replace(r, check=broken) if r.id == "ACG703" else r for r in registry.rules]
    sample = Path(__file__).resolve().parent.parent / "samples" / "contoso"
    with pytest.raises(EngineError, match="ACG703"):
        run([str(sample)], Settings(), datetime(2026, 11, 21, tzinfo=timezone.utc),
            registry=Registry(rules))
    assert not [t for t in threading.enumerate() if t.name == "gallerylint-rego"]
