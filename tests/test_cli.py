"""The command line as a user meets it: exit codes, bad input, outputs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builders import estate, version

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-21T00:00:00Z"


def gallerylint(*args, cwd=None, env=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env, timeout=120)


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2),
                    encoding="utf-8")
    return path


def one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_clean_inventory_exits_0(tmp_path):
    path = write(tmp_path / "inv.json", estate(versions=[version(eol="2027-06-01")]))
    result = gallerylint("lint", str(path), "--now", NOW, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error" in result.stdout


def test_findings_exit_1_and_fail_on_sets_the_threshold(tmp_path):
    path = write(tmp_path / "inv.json", estate(versions=[version("v1")]))
    assert gallerylint("lint", str(path), "--now", NOW, cwd=tmp_path).returncode == 1
    assert gallerylint("lint", str(path), "--now", NOW, "--fail-on", "never",
                       cwd=tmp_path).returncode == 0
    warn = write(tmp_path / "warn.json", estate(versions=[version(eol="2026-12-01")]))
    assert gallerylint("lint", str(warn), "--now", NOW, cwd=tmp_path).returncode == 0
    assert gallerylint("lint", str(warn), "--now", NOW, "--fail-on", "warning",
                       cwd=tmp_path).returncode == 1


def test_truncated_json_is_exit_2_with_file_and_line(tmp_path):
    path = write(tmp_path / "broken.json", '[\n  {"id": "/subscriptions/x",\n')
    result = gallerylint("lint", str(path), cwd=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "broken.json:3" in line and "invalid JSON" in line


def test_yaml_with_duplicate_key_is_exit_2(tmp_path):
    path = write(tmp_path / "inv.yaml", "value:\n  - id: /subscriptions/s\n    id: /again\n")
    result = gallerylint("lint", str(path), cwd=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "inv.yaml:3" in line and "duplicate" in line.lower()


def test_unrecognised_json_named_explicitly_is_exit_2(tmp_path):
    path = write(tmp_path / "package.json", {"name": "left-pad"})
    result = gallerylint("lint", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "package.json:1: not a recognised input" in one_error_line(result)


def test_unrecognised_json_while_walking_is_skipped_and_counted(tmp_path):
    write(tmp_path / "package.json", {"name": "left-pad"})
    write(tmp_path / "inv.json", estate(versions=[version(eol="2027-06-01")]))
    result = gallerylint("lint", str(tmp_path), "--now", NOW, cwd=tmp_path)
    assert result.returncode == 0
    assert "skipped 1 file(s) of no recognised form" in result.stdout


def test_unreadable_file_is_exit_2(tmp_path):
    path = write(tmp_path / "secret.json", "[]")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file (root)")
        result = gallerylint("lint", str(path), cwd=tmp_path)
        assert result.returncode == 2
        assert "secret.json: cannot read the file" in one_error_line(result)
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_file_whose_read_fails_is_exit_2(tmp_path):
    # Reading /proc/self/mem from offset 0 fails with EIO, even for root.
    result = gallerylint("lint", "/proc/self/mem", cwd=tmp_path)
    assert result.returncode == 2
    assert "/proc/self/mem: cannot read the file" in one_error_line(result)


def test_missing_path_is_exit_2(tmp_path):
    result = gallerylint("lint", str(tmp_path / "nope.json"), cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file or directory" in one_error_line(result)


def test_not_utf8_is_exit_2_with_line(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'[\n{"id": "/subscriptions/caf\xe9"}]')
    result = gallerylint("lint", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "latin1.json:2: not UTF-8" in one_error_line(result)


def test_config_with_unknown_key_is_exit_2_naming_the_line(tmp_path):
    write(tmp_path / ".gallerylint.yaml", "limits:\n  galleries: 5\n  galeries: 10\n")
    inv = write(tmp_path / "inv.json", estate())
    result = gallerylint("lint", str(inv), cwd=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert ".gallerylint.yaml:3" in line and "unknown key 'galeries'" in line


def test_config_with_unknown_rule_is_exit_2(tmp_path):
    write(tmp_path / ".gallerylint.yaml", "rules:\n  ACG999: {enabled: false}\n")
    inv = write(tmp_path / "inv.json", estate())
    result = gallerylint("lint", str(inv), cwd=tmp_path)
    assert result.returncode == 2
    assert "ACG999" in one_error_line(result)


def test_config_is_discovered_in_a_parent_directory(tmp_path):
    write(tmp_path / ".gallerylint.yaml", "rules:\n  ACG101: {enabled: false}\n")
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    inv = write(sub / "inv.json", estate(versions=[version("v1", eol="2027-06-01")]))
    assert gallerylint("lint", str(inv), "--now", NOW, cwd=sub).returncode == 0


def test_bad_now_is_a_usage_error(tmp_path):
    inv = write(tmp_path / "inv.json", estate())
    result = gallerylint("lint", str(inv), "--now", "yesterday", cwd=tmp_path)
    assert result.returncode == 2 and "--now" in result.stderr


def test_broken_user_policy_is_exit_3_naming_the_policy(tmp_path):
    rules = tmp_path / "myrules"
    rules.mkdir()
    write(rules / "mine.rego", "# METADATA\n# title: mine\n# custom:\n#   id: ORG001\n"
          "#   level: error\n#   collection: versions\n#   fields: [name]\n"
          "package org.mine\nimport rego.v1\nviolations := [x | x := \n")
    write(tmp_path / ".gallerylint.yaml", "rules:\n  paths: [myrules]\n")
    inv = write(tmp_path / "inv.json", estate())
    result = gallerylint("lint", str(inv), "--now", NOW, cwd=tmp_path)
    assert result.returncode == 3
    line = one_error_line(result)
    assert "mine.rego" in line and "does not compile" in line


def test_user_rego_rule_runs_and_reports(tmp_path):
    rules = tmp_path / "myrules"
    rules.mkdir()
    write(rules / "prefix.rego", "# METADATA\n# title: version-prefix\n# description: |\n"
          "#   Versions must start with 1.\n# custom:\n#   id: ORG001\n#   level: warning\n"
          "#   collection: versions\n#   fields: [name]\n"
          "package org.prefix\nimport rego.v1\n"
          "violations := [v | some item in input.items; not startswith(item.name, \"1.\");"
          " v := {\"k\": item.k, \"message\": \"not a 1.x version\"}]\n")
    write(tmp_path / ".gallerylint.yaml", "rules:\n  paths: [myrules]\n")
    inv = write(tmp_path / "inv.json", estate(versions=[version("2.0.0", eol="2027-06-01")]))
    result = gallerylint("lint", str(inv), "--now", NOW, "--format", "json", "--output", "-",
                         cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["ruleId"], f["level"]) for f in findings] == [("ORG001", "warning")]


def test_user_python_rules_need_opt_in(tmp_path):
    rules = tmp_path / "myrules"
    rules.mkdir()
    write(rules / "rule.py", "raise SystemExit('must not run')\n")
    write(tmp_path / ".gallerylint.yaml", "rules:\n  paths: [myrules]\n")
    inv = write(tmp_path / "inv.json", estate())
    result = gallerylint("lint", str(inv), cwd=tmp_path)
    assert result.returncode == 2
    assert "allow_python" in one_error_line(result)


def test_formats_and_outputs_pair_and_write_every_file(tmp_path):
    inv = write(tmp_path / "inv.json", estate(versions=[version("v1")]))
    result = gallerylint("lint", str(inv), "--now", NOW, "--format", "text",
                         "--format", "sarif", "--output", "o.sarif",
                         "--format", "json", "--output", "o.json",
                         "--format", "markdown", "--output", "o.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "ACG101" in result.stdout
    assert json.loads((tmp_path / "o.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((tmp_path / "o.json").read_text())["version"] == 1
    assert "ACG101" in (tmp_path / "o.md").read_text()
    assert not list(tmp_path.glob(".gallerylint-*"))  # no temporary files left


def test_no_output_is_written_when_input_is_bad(tmp_path):
    bad = write(tmp_path / "bad.json", "[{")
    result = gallerylint("lint", str(bad), "--format", "sarif", "--output", "o.sarif",
                         cwd=tmp_path)
    assert result.returncode == 2
    assert not (tmp_path / "o.sarif").exists()


def test_rules_and_explain(tmp_path):
    result = gallerylint("rules", "--format", "json", cwd=tmp_path)
    rules = json.loads(result.stdout)["rules"]
    from linter.rules.registry import load_registry
    count = len(load_registry())
    assert len(rules) == count
    assert {"id", "name", "level", "tags", "summary", "language"} <= set(rules[0])
    for r in rules:
        explained = gallerylint("explain", r["id"], cwd=tmp_path)
        assert explained.returncode == 0
        assert "## What it does" in explained.stdout and "## Fix" in explained.stdout
    text = gallerylint("rules", cwd=tmp_path).stdout
    assert len(text.strip().splitlines()) == count
    missing = gallerylint("explain", "ACG000", cwd=tmp_path)
    assert missing.returncode == 2


def test_rules_and_skip_rules_select(tmp_path):
    inv = write(tmp_path / "inv.json", estate(versions=[version("v1")]))
    assert gallerylint("lint", str(inv), "--now", NOW, "--skip-rules", "ACG101,ACG303",
                       cwd=tmp_path).returncode == 0
    only = gallerylint("lint", str(inv), "--now", NOW, "--rules", "version-format", "--format",
                       "json", "--output", "-", cwd=tmp_path)
    assert {f["ruleId"] for f in json.loads(only.stdout)["findings"]} == {"ACG101"}
    bad = gallerylint("lint", str(inv), "--rules", "ACG999", cwd=tmp_path)
    assert bad.returncode == 2


def test_one_format_prints_to_stdout_and_outputs_follow_their_extension(tmp_path):
    import json as _json
    sample = str(ROOT / "samples" / "contoso" / "galleries.json")
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", sample, "--format",
                             "json"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 1 and _json.loads(result.stdout)["version"] == 1
    assert not (tmp_path / "gallerylint.json").exists()
    out = tmp_path / "x.sarif"
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", sample, "--output",
                             str(out)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 1, result.stderr
    assert _json.loads(out.read_text())["version"] == "2.1.0"
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", sample, "--output",
                             str(tmp_path / "x.bin")], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 2 and "--format" in result.stderr


def test_no_color_and_force_color(tmp_path):
    import os as _os
    sample = str(ROOT / "samples" / "contoso" / "galleries.json")
    env = {**_os.environ, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    forced = subprocess.run([sys.executable, "-m", "linter.cli", "lint", sample],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
    assert "\x1b[" in forced.stdout
    env["NO_COLOR"] = "1"
    plain = subprocess.run([sys.executable, "-m", "linter.cli", "lint", sample],
                           capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
    assert "\x1b[" not in plain.stdout


def test_color_option_and_gate_failures_only(tmp_path):
    sample = Path(__file__).resolve().parent.parent / "samples"
    always = gallerylint("lint", str(sample / "iac" / "bicep" / "main.json"), "--color",
                         "always", env={"NO_COLOR": "1"})
    assert "\x1b[" in always.stdout  # --color always beats NO_COLOR
    never = gallerylint("lint", str(sample / "iac" / "bicep" / "main.json"), "--color",
                        "never", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in never.stdout
    gate = ("gate", "--inventory", str(sample / "contoso"), "--deployment",
            str(sample / "iac" / "bicep" / "main.json"), "--now", "2026-11-21T00:00:00Z")
    full = gallerylint(*gate)
    short = gallerylint(*gate, "--failures-only")
    assert full.returncode == short.returncode == 1
    assert "PASS" in full.stdout and "PASS" not in short.stdout
    assert short.stdout.count("FAIL ") == full.stdout.count("FAIL ") >= 1
    assert short.stdout.strip().splitlines()[-1].startswith("gate FAILED")


def test_the_command_ends_with_its_output_whole_and_its_exit_code():
    """`cli.console` ends the process at once: a SARIF log on a pipe parses whole, and
    the exit code is the command's."""
    sample = str(ROOT / "samples" / "contoso")
    result = gallerylint("lint", sample, "-f", "sarif", "--now", NOW)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    assert len(log["runs"][0]["results"]) > 10
    assert gallerylint("lint", sample, "--now", NOW, "--fail-on", "never").returncode == 0


def console_after_lint(then: str, *lint_args: str, env=None):
    """Run `cli.console` on a lint of the sample, with `then` (lines of Python, indented
    for a `finally:` block) run once the lint is done and before the process ends."""
    code = (
        "import sys, threading, time\n"
        "from linter import cli\n"
        "lint = cli.main\n"
        "def lint_then():\n"
        "    try:\n"
        "        lint()\n"
        "    finally:\n"
        f"{then}"
        "cli.main = lint_then\n"
        f"sys.argv = ['gallerylint', 'lint', {str(ROOT / 'samples' / 'contoso')!r}, '-q',"
        f" '--now', {NOW!r}, *{list(lint_args)!r}]\n"
        "cli.console()\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)


def test_what_is_left_in_pythons_buffers_is_flushed_before_the_process_ends():
    """click flushes what it echoes; anything else printed (a library's warning) sits in
    Python's buffer until `console` flushes it."""
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = console_after_lint("        print('left in the buffer')\n"
                                "        print('and in stderr', file=sys.stderr)\n",
                                env=buffered)
    assert result.returncode == 1, result.stderr
    assert result.stdout.endswith("left in the buffer\n")
    assert "and in stderr" in result.stderr


def test_a_thread_that_is_not_a_daemon_is_waited_for(tmp_path):
    """A library's non-daemon thread still running when the command ends gets the usual
    exit, which waits for it, never the immediate one."""
    done = tmp_path / "done"
    result = console_after_lint(  # the thread is alive when the command ends
        "        def work():\n"
        "            time.sleep(0.5)\n"
        f"            open({str(done)!r}, 'w').write('finished')\n"
        "        threading.Thread(target=work).start()\n",
        "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert done.read_text() == "finished"
