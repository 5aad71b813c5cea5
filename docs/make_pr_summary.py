"""Render the Action's pull-request step summary the way a reviewer sees it.

    python docs/make_pr_summary.py        # writes docs/pr-summary.md, .html and .png

It runs the Action's real entry point on a two-commit repository (the base has
two image versions, one misnamed; the pull request renames it and adds another
misnamed one, next to the contoso sample as live state), renders the summary
with GitHub's flavour of markdown (micromark and its GFM extension, from npm)
and, when a Chromium is installed, takes a screenshot of it headless.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "tests"))

STYLE = """<style>
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 14px;
       line-height: 1.5; color: #1f2328; max-width: 1000px; margin: 24px; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; text-align: left; }
th { background: #f6f8fa; } a { color: #0969da; text-decoration: none; }
h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; font-size: 1.5em; }
blockquote { color: #59636e; border-left: .25em solid #d1d9e0; margin: 0; padding: 0 1em; }
</style>"""


def main() -> None:
    from test_action import run_action, _pr_workspace  # the suite's own two-commit setup
    from test_security import render_gfm

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        repo, event = _pr_workspace(tmp_path, ["1.0.0", "2024.11.1-beta"],
                                    ["1.0.0", "2024.11.1", "2025.1.0-rc1"])
        shutil.copytree(ROOT / "samples" / "contoso", repo / "live")
        os.environ.update(GITHUB_EVENT_PATH=str(event), GITHUB_REPOSITORY="contoso/images",
                          GITHUB_WORKSPACE=str(repo), GITHUB_WORKFLOW="gallerylint (pull request)",
                          GITHUB_JOB="lint")
        outputs, summary, _ = run_action(tmp_path, {
            "paths": "infra/ live/", "config": "live/.gallerylint.yaml"},
            workspace=repo, event="pull_request")
    (DOCS / "pr-summary.md").write_text(summary, encoding="utf-8")
    html = f"<!doctype html><meta charset='utf-8'>{STYLE}\n{render_gfm(summary)}"
    (DOCS / "pr-summary.html").write_text(html, encoding="utf-8")
    print(json.dumps({k: outputs[k] for k in ("new-findings", "existing-findings",
                                              "fixed-findings", "exit-code")}))
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                     if shutil.which(n)), None)
    if chromium is None:
        print("no Chromium on PATH: docs/pr-summary.png not updated")
        return
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--screenshot={DOCS / 'pr-summary.png'}",
                    "--window-size=1100,420", (DOCS / "pr-summary.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    print("wrote docs/pr-summary.png")


if __name__ == "__main__":
    main()
