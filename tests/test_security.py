"""What a hostile repository, config or input can and cannot do (issue: security)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso" / "galleries.json"


def cli(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, env={**os.environ, **(env or {})})


def test_outputs_refuse_links_devices_and_directories(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("keep")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    for path in (link, Path("/dev/null"), tmp_path):
        result = cli("lint", str(SAMPLE), "--format", "json", "--output", str(path))
        assert result.returncode == 2, (path, result.stderr)
        assert str(path) in result.stderr
    assert target.read_text() == "keep" and link.is_symlink()
    assert Path("/dev/null").is_char_device()


def test_reports_honour_the_umask(tmp_path):
    out = tmp_path / "r.json"
    result = subprocess.run(
        ["bash", "-c", f"umask 022 && {sys.executable} -m linter.cli lint {SAMPLE} "
                       f"--format json --output {out}"], capture_output=True, text=True,
        cwd=ROOT, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    assert oct(out.stat().st_mode & 0o777) == "0o644"


def test_user_policies_see_no_environment(tmp_path):
    policies = tmp_path / "pol"
    policies.mkdir()
    (policies / "leak.rego").write_text("""# METADATA
# title: leak-env
# description: |
#   Puts the runtime, environment included, in a message.
# custom:
#   id: ORG001
#   level: error
#   collection: galleries
#   fields: [name]
package org.leak

import rego.v1

violations := [v |
	some item in input.items
	v := {"k": item.k, "message": sprintf("%v", [opa.runtime()])}
]
""")
    (tmp_path / ".gallerylint.yaml").write_text("rules:\n  paths: [pol]\n")
    result = cli("lint", str(SAMPLE), "--format", "json", "--output", "-",
                 env={"LEAKY_SECRET": "s3cr3t-value-91"}, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]
                if f["ruleId"] == "ORG001"]
    assert messages and all("s3cr3t-value-91" not in m for m in messages)
    assert all('"env": {}' in m for m in messages)


def test_terminal_output_carries_no_control_characters(tmp_path):
    body = {"id": "/subscriptions/00000000-0000-4000-8000-00000000000a/resourceGroups/rg/"
                  "providers/Microsoft.Compute/galleries/evil\u001b]8;;https://x.example\u0007"
                  "\u001b[31mx\r",
            "type": "Microsoft.Compute/galleries", "location": "westeurope",
            "properties": {"sharingProfile": {"permissions": "Community"}}}
    path = tmp_path / "g.json"
    path.write_text(json.dumps(body))
    result = cli("lint", str(path))
    assert result.returncode == 1, result.stderr
    assert "\u001b" not in result.stdout and "\r" not in result.stdout


def test_a_token_goes_only_over_https_or_to_loopback():
    result = cli("lint", str(SAMPLE), "--engine", "opa", "--opa-url",
                 "http://opa.example.com:8181", env={"GALLERYLINT_OPA_TOKEN_ENV": "MY_TOKEN",
                                                     "MY_TOKEN": "t0ken-value-77"})
    assert result.returncode == 2 and "only over https" in result.stderr
    assert "t0ken-value-77" not in result.stderr


# -- the exporter's token goes only to the ARM endpoint ------------------------------------


class _Listener:
    """A plain TCP listener that records whatever reaches it (the token, if leaked)."""

    def __init__(self):
        import socket
        import threading
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.received = b""
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.sock.getsockname()[1]

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(1)
            try:
                self.received += conn.recv(65536)
            except OSError:
                pass
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.mark.parametrize("scheme_host", ["https://127.0.0.1:{port}", "http://127.0.0.1:{port}",
                                         "https://localhost:{arm_port}"])
def test_sdk_pagers_never_follow_a_next_link_to_another_origin(tmp_path, scheme_host):
    import subprocess
    import sys

    from azure_server import TOKEN, AzureTestServer
    from test_export import sample_rows
    listener = _Listener()
    try:
        with AzureTestServer(sample_rows(), page_size=2) as server:
            arm_port = server.endpoint.rsplit(":", 1)[1]
            server.next_link_base = scheme_host.format(port=listener.port, arm_port=arm_port)
            env = {**os.environ, "REQUESTS_CA_BUNDLE": server.ca_file(str(tmp_path / "ca.pem")),
                   "AZURE_ACCESS_TOKEN": TOKEN, "GALLERYLINT_EXPORT_BACKOFF_SECONDS": "0.01"}
            out = tmp_path / "snapshot.json"
            result = subprocess.run(
                [sys.executable, "-m", "linter.cli", "export", "--source", "arm",
                 "--arm-endpoint", server.endpoint, "--output", str(out)],
                capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
            gets = [p for m, p in server.requests if m == "GET"]
    finally:
        listener.close()
    assert result.returncode == 3 and not out.exists(), result.stderr
    assert "refused a request to" in result.stderr and "only" in result.stderr
    assert listener.connections == 0 and TOKEN.encode() not in listener.received
    assert TOKEN not in result.stderr + result.stdout
    # refused at once: no page is asked for twice
    assert len(gets) == len(set(gets))


# -- user Python rules run isolated and fail closed ----------------------------------------

PYTHON_RULE = '''"""Versions named by the org's scheme."""
import os
from linter.rules.base import make_finding
from linter.rules.registry import RuleMeta

RULE = RuleMeta(id="ORG100", name="org-version-check", level="error")


def check(facts, rule):
    {body}
    for vf in facts.versions:
        yield make_finding(rule, vf, f"version {{vf.version.name}} env={{len(os.environ)}}")
'''


def python_rule_lint(tmp_path, body="pass", timeout=None, extra=()):
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "org_rule.py").write_text(PYTHON_RULE.format(body=body))
    engine = f"engine:\n  timeout_seconds: {timeout}\n" if timeout else ""
    (tmp_path / ".gallerylint.yaml").write_text(
        f"rules:\n  paths: [rules]\n  allow_python: true\n{engine}")
    inventory = ROOT / "samples" / "contoso" / "image-versions.json"
    return subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(inventory),
                           "--format", "json", "--rules", "ORG100", *extra],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "SECRET_FOR_TEST": "hunter2-value"})


def test_a_python_rule_runs_in_a_child_without_environment_and_keeps_locations(tmp_path):
    result = python_rule_lint(tmp_path)
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["findings"]
    assert found and all(f["ruleId"] == "ORG100" for f in found)
    assert all(f["message"].endswith("env=0") for f in found)  # the environment was empty
    assert all(f["location"]["startLine"] > 1 for f in found)  # sources mapped back: real lines
    assert "hunter2-value" not in result.stdout + result.stderr


@pytest.mark.parametrize("body,expected", [
    ("raise SystemExit(0)", "SystemExit"),
    ("import os; os._exit(0)", "without a result (exit code 0)"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "signal SIGKILL"),
    ("import time; time.sleep(30)", "did not finish within 1 s"),
])
def test_a_python_rule_that_exits_or_hangs_fails_closed(tmp_path, body, expected):
    result = python_rule_lint(tmp_path, body=body, timeout=1)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "org_rule.py" in lines[0] and expected in lines[0], lines
    assert result.stdout == ""


def test_a_python_rule_that_exits_while_loading_fails_closed(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.py").write_text("import os\nos._exit(0)\n")
    (tmp_path / ".gallerylint.yaml").write_text("rules:\n  paths: [rules]\n  allow_python: true\n")
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint",
                             str(ROOT / "samples" / "contoso")], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 3 and "bad.py" in result.stderr and "failed to load" in \
        result.stderr


def test_the_time_limit_cannot_be_raised_above_the_tools_and_memory_is_capped(monkeypatch):
    import time as time_module

    from linter.engines import isolation
    from linter.errors import EngineError
    monkeypatch.setattr(isolation, "MAX_SECONDS", 1.0)
    start = time_module.monotonic()
    with pytest.raises(EngineError, match="tool's maximum"):
        isolation.run_isolated(time_module.sleep, (20,), 10_000, "slow.py")
    assert time_module.monotonic() - start < 10

    def hog():
        block = bytearray(600 << 20)
        for i in range(0, len(block), 4096):  # touch every page: resident, not just mapped
            block[i] = 1
        time_module.sleep(20)

    with pytest.raises(EngineError, match="more than 200 MB"):
        isolation.run_isolated(hog, (), 60, "hog.py", max_memory_mb=200)


# -- every sink escaped: markdown as GitHub renders it -------------------------------------

# allowDangerousHtml: raw HTML renders, as on GitHub (which then keeps <details> and
# drops scripts): so HTML injected through an input would show here too.
RENDER_GFM = """import {micromark} from 'micromark'
import {gfm, gfmHtml} from 'micromark-extension-gfm'
import {readFileSync} from 'fs'
process.stdout.write(micromark(readFileSync(0, 'utf8'),
  {allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()]}))
"""


def render_gfm(markdown: str) -> str:
    """HTML as GitHub's flavour renders it (micromark with its GFM extension, which
    implements the GFM spec's autolink literals and tables)."""
    import shutil

    from npm_tools import npm_install
    folder = npm_install("micromark", "micromark@4 micromark-extension-gfm@3",
                         "node_modules/micromark-extension-gfm/package.json")
    script = folder / "render.mjs"
    script.write_text(RENDER_GFM)
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH")
    result = subprocess.run([node, str(script)], input=markdown, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


HOSTILE_NAMES = ["www.evil.example", "https://evil.example/x?a=1", "attacker@evil.example",
                 "mailto:x@evil.example", "x](https://evil.example)", "<img src=x>",
                 "`code`|cell", "@octocat"]


def test_markdown_report_renders_no_link_image_html_or_mention_from_inputs(tmp_path):
    import re as re_module
    from builders import definition, gallery, target, version
    rows = [gallery(), definition()]
    for i, name in enumerate(HOSTILE_NAMES):
        row = version(f"1.0.{i}", regions=[target("westeurope", 1)])
        row["id"] = row["id"].rsplit("/", 1)[0] + "/" + name
        row["name"] = name
        rows.append(row)
    (tmp_path / "estate.json").write_text(json.dumps(rows))
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", "estate.json",
                             "--format", "markdown"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    assert "evil.example" in result.stdout  # the names are there, as text
    html = render_gfm(result.stdout)
    hrefs = re_module.findall(r'href="([^"]*)"', html)
    docs = [h for h in hrefs if h.startswith("https://github.com/gallerylint/gallerylint/")]
    # a resource read from Azure links to its portal page; its ID is percent-encoded in
    # the fragment, so no name can change where the link goes
    portal = [h for h in hrefs if h.startswith(
        "https://portal.azure.com/#@/resource/subscriptions/")]
    assert docs and len(docs) + len(portal) == len(hrefs)
    assert all(not any(c in h.split("#", 1)[1] for c in '"<> ()[]') for h in portal)
    assert "<img" not in html and "<code>" not in html
    assert "evil.example" in html


def workflow_commands_honoured(log: str) -> list[str]:
    """The `::command::` lines a GitHub runner would act on: outside a
    ::stop-commands::TOKEN ... ::TOKEN:: block."""
    honoured, stop = [], None
    for line in log.splitlines():
        if stop is not None:
            if line == f"::{stop}::":
                stop = None
            continue
        if line.startswith("::stop-commands::"):
            stop = line.split("::stop-commands::", 1)[1]
            continue
        if line.startswith("::"):
            honoured.append(line)
    return honoured


def test_action_failure_output_cannot_inject_into_the_log_or_the_summary(tmp_path):
    from test_action import run_action
    hostile = tmp_path / "in" / "x\n::error::pwned\n```\n![i](javascript:alert(1))"
    hostile.mkdir(parents=True)
    (hostile / "bad.json").write_text('{"type": "Microsoft.Compute/galleries", "id": 1')
    log: list[str] = []
    outputs, summary, _ = run_action(tmp_path, {"paths": str(tmp_path / "in")}, log=log)
    assert outputs["exit-code"] == "2"
    assert "pwned" in "".join(log)  # the message is there, as text
    assert not [c for text in log for c in workflow_commands_honoured(text)
                if "pwned" in c]
    html = render_gfm(summary)
    assert "<img" not in html and "<pre>" not in html and "href" not in html
    assert "pwned" in html


def test_several_outputs_are_written_as_a_set(tmp_path):
    sample = ROOT / "samples" / "contoso"
    old_sarif = tmp_path / "r.sarif"
    old_sarif.write_text("old")
    (tmp_path / "r.md").mkdir()  # the second output cannot be written
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(sample),
                             "--format", "sarif", "--output", str(old_sarif), "--format",
                             "markdown", "--output", str(tmp_path / "r.md")],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 2 and "r.md" in result.stderr
    assert old_sarif.read_text() == "old"  # not replaced: the set was not complete
    assert not list(tmp_path.glob(".gallerylint-*"))
    ok = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(sample),
                         "--format", "sarif", "--output", str(old_sarif), "--format", "json",
                         "--output", str(tmp_path / "r.json")],
                        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert ok.returncode == 1 and old_sarif.read_text() != "old"
    assert json.loads((tmp_path / "r.json").read_text())["findings"]
