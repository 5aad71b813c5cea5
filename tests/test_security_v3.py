"""Hostile inputs of the third round (issue: a hostile pull request must not run code,
read secrets or exhaust the runner): each a clean exit, never an echo of a secret."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_security import _Listener

ROOT = Path(__file__).resolve().parent.parent
SECRET = "hunter2-SECRET-value"
TEMPLATE = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                       "deploymentTemplate.json#", "contentVersion": "1.0.0.0"}


def gallerylint(*args, cwd, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, env={**os.environ, **(env or {})})


def one_line(result):
    """The one error line; a progress line a slow run logs off a terminal
    ("… (10 s so far)") is not about the input and is left out."""
    lines = [line for line in result.stderr.strip().splitlines()
             if not line.endswith(" s so far)")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def gallery_template(name="acg", **extra):
    return {**TEMPLATE, **extra, "resources": [{
        "type": "Microsoft.Compute/galleries", "apiVersion": "2023-07-03", "name": name,
        "location": "westeurope", "properties": {}}]}


# -- template bombs: each bound is exit 2 naming the template ------------------------------

def _chain(function, first, links):
    variables = {"v0": first}
    for i in range(1, links):
        variables[f"v{i}"] = f"[{function}(variables('v{i - 1}'), variables('v{i - 1}'))]"
    return variables


@pytest.mark.parametrize("variables,use,bound", [
    (_chain("concat", "abcdefghij" * 4, 34), "[variables('v33')]", "4,000,000 characters"),
    (_chain("concat", ["x"] * 10, 34), "[length(variables('v33'))]", "4,000,000 characters"),
    (_chain("createArray", ["x"] * 10, 40), "[length(variables('v39'))]", "4,000,000"),
    (_chain("mul", 3, 30), "[string(variables('v29'))]", "64-bit range"),
    (_chain("add", 9223372036854775807, 3), "[string(variables('v2'))]", "64-bit range"),
    ({"v0": "[range(0, 100000)]", "c": {"copy": [{"name": "x", "count": 100000,
                                                    "input": "[variables('v0')]"}]}},
     "[length(variables('c'))]", "copy loop 'x'"),
    ({"v0": "[mul(99999999999999999999999, 2)]"}, "[string(variables('v0'))]", "64-bit"),
])
def test_a_template_bomb_is_exit_2_naming_the_bound(tmp_path, variables, use, bound):
    template = gallery_template(variables=variables)
    template["resources"][0]["tags"] = {"t": use}
    path = tmp_path / "bomb.json"
    path.write_text(json.dumps(template))
    result = gallerylint("lint", str(path), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    line = one_line(result)
    assert "bomb.json:" in line and "template expansion" in line and bound in line


# -- a naming pattern that backtracks -----------------------------------------------------

def test_a_backtracking_naming_pattern_is_exit_2_not_a_hang(tmp_path):
    (tmp_path / ".gallerylint.yaml").write_text("naming:\n  gallery: '^(a|a)*$'\n")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(gallery_template("a" * 35 + "b")))
    result = gallerylint("lint", str(path), cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "naming.gallery" in one_line(result)
    assert "(a|a)" not in result.stderr.split("(simplify")[0]  # the pattern is not echoed


def test_a_long_naming_pattern_is_refused(tmp_path):
    (tmp_path / ".gallerylint.yaml").write_text(f"naming:\n  gallery: '{'a' * 1001}'\n")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "1,000" in one_line(result)


# -- the config: links, devices, schema errors, untrusted limits --------------------------

def test_a_config_linked_out_of_the_workspace_is_refused_unread(tmp_path):
    secret = tmp_path / "home" / "sp.json"
    secret.parent.mkdir()
    secret.write_text(json.dumps([{"client_secret": SECRET}]))
    work = tmp_path / "repo"
    work.mkdir()
    (work / ".gallerylint.yaml").symlink_to(secret)
    (work / "t.json").write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", "t.json", cwd=work)
    assert result.returncode == 2 and "leads outside the workspace" in one_line(result)
    assert SECRET not in result.stderr + result.stdout


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_config_linked_to_a_device_is_refused(tmp_path):
    (tmp_path / ".gallerylint.yaml").symlink_to("/dev/zero")
    (tmp_path / "t.json").write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", "t.json", cwd=tmp_path, env={"GALLERYLINT_WORKSPACE": "/"})
    assert result.returncode == 2 and "not a regular file" in one_line(result)


@pytest.mark.parametrize("config,path", [
    ("waivers: [{rule: ACG101, resource: x, reason: y, expires: %s}]\n", "waivers"),
    ("limits:\n  galleries: %s\n", "limits.galleries"),
    ("reporting:\n  category: [%s]\n", "reporting.category"),
])
def test_a_config_error_names_the_key_never_the_value(tmp_path, config, path):
    (tmp_path / ".gallerylint.yaml").write_text(config % SECRET)
    (tmp_path / "t.json").write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", "t.json", cwd=tmp_path)
    assert result.returncode == 2 and path in one_line(result), result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_a_duplicate_key_error_does_not_echo_values(tmp_path):
    (tmp_path / ".gallerylint.yaml").write_text(f"a: {SECRET}\na: {SECRET}\n")
    (tmp_path / "t.json").write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", "t.json", cwd=tmp_path)
    assert result.returncode == 2 and ".gallerylint.yaml:2" in one_line(result)
    assert SECRET not in result.stderr


def test_an_untrusted_config_can_lower_limits_but_not_raise_them(tmp_path):
    lines = ["x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]" for i in range(1, 6)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    (tmp_path / ".gallerylint.yaml").write_text("input:\n  max_yaml_alias_nodes: 100000000\n")
    untrusted = {"GALLERYLINT_UNTRUSTED_CONFIG": "1"}
    result = gallerylint("lint", "bomb.yaml", cwd=tmp_path, env=untrusted)
    assert result.returncode == 2 and "aliases expand" in result.stderr
    assert "max_yaml_alias_nodes was lowered" in result.stderr
    # trusted, the same config is read as written
    trusted = gallerylint("lint", "bomb.yaml", cwd=tmp_path)
    assert "aliases expand" not in trusted.stderr


def test_an_untrusted_config_cannot_turn_python_rules_on(tmp_path):
    (tmp_path / "rules").mkdir()
    marker = tmp_path / "ran"
    (tmp_path / "rules" / "r.py").write_text(f"open({str(marker)!r}, 'w')\n")
    (tmp_path / ".gallerylint.yaml").write_text("rules:\n  paths: [rules]\n  allow_python: true\n")
    (tmp_path / "t.json").write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", "t.json", cwd=tmp_path,
                         env={"GALLERYLINT_UNTRUSTED_CONFIG": "1"})
    assert result.returncode == 2 and not marker.exists()


# -- files of the tree and outputs: no link out of the workspace ---------------------------

def test_a_walked_file_linked_out_of_the_workspace_is_refused(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(gallery_template()))
    work = tmp_path / "repo"
    (work / "infra").mkdir(parents=True)
    (work / "infra" / "link.json").symlink_to(outside)
    result = gallerylint("lint", "infra", cwd=work)
    assert result.returncode == 2 and "leads outside the workspace" in one_line(result)


def test_an_output_folder_linked_out_of_the_workspace_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    work = tmp_path / "repo"
    work.mkdir()
    (work / "reports").symlink_to(outside)
    (work / "t.json").write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", "t.json", "-f", "sarif", "-o", "reports/x.sarif", cwd=work)
    assert result.returncode == 2 and not list(outside.iterdir())


# -- Python rules: a fresh, sandboxed interpreter ------------------------------------------

SNOOP_RULE = '''"""Reads what it should not."""
import os
from linter.rules.base import make_finding
from linter.rules.registry import RuleMeta

RULE = RuleMeta(id="ORG200", name="snoop", level="error")


def check(facts, rule):
    seen = []
    for path in ({environ!r}, {home!r}, {git!r}, "/etc/hostname"):
        try:
            with open(path) as fh:
                seen.append(fh.read())
        except OSError:
            seen.append("-")
    try:
        import socket
        socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"x")
        seen.append("net")
    except Exception:
        seen.append("no-net")
    for g in facts.galleries:
        yield make_finding(rule, g, "|".join(seen) + f"|env={{len(os.environ)}}")
'''


def test_a_python_rule_reads_no_secret_and_reaches_no_network(tmp_path):
    from linter.engines.sandbox import sandbox_method
    if sandbox_method()[1] == "none":
        pytest.skip("no sandbox on this system (not root, no sudo -n, no user namespaces)")
    home = tmp_path / "home"
    home.mkdir()
    (home / "token").write_text(SECRET)
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text(SECRET)
    listener = _Listener()
    try:
        (repo / "rules" / "snoop.py").write_text(SNOOP_RULE.format(
            environ=f"/proc/{os.getpid()}/environ", home=str(home / "token"),
            git=str(repo / ".git" / "config"), port=listener.port))
        (repo / ".gallerylint.yaml").write_text(
            "rules:\n  paths: [rules]\n  allow_python: true\n")
        (repo / "t.json").write_text(json.dumps(gallery_template()))
        result = gallerylint("lint", "t.json", "--rules", "ORG200", "-f", "json", cwd=repo,
                             env={"HOME": str(home), "SECRET_FOR_TEST": SECRET})
    finally:
        listener.close()
    assert result.returncode == 1, result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["message"] == "-|-|-|-|no-net|env=0"
    assert listener.connections == 0 and SECRET not in result.stdout + result.stderr


# -- OPA: URLs, deadlines, user policies ---------------------------------------------------

def test_an_opa_url_with_credentials_or_a_query_is_exit_2_and_not_echoed(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps(gallery_template()))
    for url in (f"http://admin:{SECRET}@127.0.0.1:9/", f"http://127.0.0.1:9/?token={SECRET}"):
        result = gallerylint("lint", "t.json", "--engine", "opa", "--opa-url", url,
                             cwd=tmp_path)
        assert result.returncode == 2 and "http://127.0.0.1:9" in one_line(result)
        assert SECRET not in result.stderr


def test_an_opa_server_that_drips_is_stopped_by_the_deadline(tmp_path):
    import socket
    import threading
    import time
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def drip():
        while not stop.is_set():
            server.settimeout(0.5)
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100000\r\n\r\n{")
            while not stop.is_set():
                try:
                    conn.sendall(b" ")
                except OSError:
                    break
                time.sleep(0.2)
            conn.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    (tmp_path / ".gallerylint.yaml").write_text("engine:\n  timeout_seconds: 1\n")
    inventory = ROOT / "samples" / "contoso" / "image-versions.json"
    try:
        start = time.monotonic()
        result = gallerylint("lint", str(inventory), "--engine", "opa", "--opa-url",
                             f"http://127.0.0.1:{server.getsockname()[1]}", cwd=tmp_path,
                             timeout=120)
        took = time.monotonic() - start
    finally:
        stop.set()
        thread.join(3)
        server.close()
    assert result.returncode == 3 and "OPA at http://127.0.0.1:" in one_line(result)
    assert took < 60  # a guard against a hang (75 s and more before), not a speed figure


# -- the exporter: no redirect to another origin -------------------------------------------

def test_export_refuses_a_redirect_to_another_origin(tmp_path):
    from azure_server import TOKEN, AzureTestServer
    from test_export import sample_rows
    listener = _Listener()
    try:
        with AzureTestServer(sample_rows(), page_size=2) as server:
            server.redirect_base = f"https://127.0.0.1:{listener.port}"
            env = {"REQUESTS_CA_BUNDLE": server.ca_file(str(tmp_path / "ca.pem")),
                   "AZURE_ACCESS_TOKEN": TOKEN, "GALLERYLINT_EXPORT_BACKOFF_SECONDS": "0.01"}
            out = tmp_path / "snapshot.json"
            result = gallerylint("export", "--arm-endpoint", server.endpoint, "--output",
                                 str(out), cwd=tmp_path, env=env)
    finally:
        listener.close()
    assert result.returncode == 3 and not out.exists(), result.stderr
    assert "refused a request to" in result.stderr
    assert listener.connections == 0


def test_a_user_rules_doc_is_escaped_text_in_sarif(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "org.rego").write_text(
        "# METADATA\n# title: org\n# description: '[click](https://evil.example) "
        "![x](https://evil.example/i.png) <b>hi</b> @team'\n# custom:\n#   id: ORG300\n"
        "#   level: warning\n#   collection: versions\n#   fields: [name]\n"
        "package org.x\nimport rego.v1\nviolations := []\n")
    (tmp_path / ".gallerylint.yaml").write_text("rules:\n  paths: [rules]\n")
    (tmp_path / "t.json").write_text(json.dumps(gallery_template()))
    result = gallerylint("lint", "t.json", "-f", "sarif", cwd=tmp_path)
    sarif = json.loads(result.stdout)
    [rule] = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "ORG300"]
    markdown = rule["help"]["markdown"]
    assert "](https://" not in markdown and "<b>" not in markdown and "@team" not in markdown
