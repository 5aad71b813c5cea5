"""`--format html`: self-contained, escaped, accessible, and opened in a real browser
(Debian's headless Chromium) with every network request refused: no request leaves the
file, no console message, and every chart drawn."""

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "contoso"
NOW = "2026-11-21T00:00:00Z"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def render(tmp_path, *paths, extra=()):
    out = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", *map(str, paths),
                             "--now", NOW, "-f", "html", "-o", str(out), *extra],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return out


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(text):
    parser = Elements()
    parser.feed(text)
    return parser.tags


def test_the_report_is_self_contained_and_accessible(tmp_path):
    html = render(tmp_path, SAMPLE, extra=("--config", str(SAMPLE / ".gallerylint.yaml")))
    text = html.read_text()
    tags = elements(text)
    # nothing is fetched: no external script, style, image, frame or font
    for tag, attrs in tags:
        for key in ("src", "srcset", "data"):
            assert key not in attrs or attrs[key].startswith("data:"), (tag, attrs)
        if tag == "link":
            pytest.fail(f"a <link> element: {attrs}")
        if tag == "script":
            pytest.fail("the report runs no script")
    assert "default-src 'none'" in text  # the page's own CSP refuses any request
    assert [t for t, _ in tags].count("svg") == 5  # by rule, category, region, sub, gallery
    charts = [a for t, a in tags if a.get("role") == "img"]
    assert len(charts) == 5 and all(a.get("aria-label") for a in charts)
    assert all(a.get("scope") in ("col", "row") for t, a in tags if t == "th")
    assert '<html lang="en">' in text and "<summary>" in text
    # live resources link to the portal, rules to their docs
    assert 'href="https://portal.azure.com/#@/resource/subscriptions/' in text
    assert "#acg601-replicas-for-vms" in text


def test_hostile_names_are_escaped_everywhere(tmp_path):
    evil = '<img src=x onerror=alert(1)>"\'&'
    rows = [{"id": "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/"
                   "providers/Microsoft.Compute/galleries/g",
             "name": "g", "type": "Microsoft.Compute/galleries", "location": "westeurope",
             "properties": {}},
            {"id": "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/"
                   "providers/Microsoft.Compute/galleries/g/images/i",
             "name": "i", "type": "Microsoft.Compute/galleries/images",
             "location": "westeurope", "properties": {
                 "osType": "Linux", "osState": "Generalized", "hyperVGeneration": "V1",
                 "identifier": {"publisher": evil, "offer": "o", "sku": "s"}}}]
    (tmp_path / "estate.json").write_text(json.dumps({"data": rows}))
    html = render(tmp_path, tmp_path / "estate.json").read_text()
    assert "<img src=x" not in html and "onerror=alert" not in html.replace(
        "onerror=alert(1)&gt;", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_large_run_stays_bounded(tmp_path):
    """Each rule shows at most 500 rows; the rest is counted."""
    rows = [{"id": "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/"
                   f"providers/Microsoft.Compute/galleries/g/images/i/versions/v{n}",
             "name": f"v{n}", "type": "Microsoft.Compute/galleries/images/versions",
             "location": "westeurope", "properties": {"publishingProfile": {}}}
            for n in range(1200)]
    (tmp_path / "estate.json").write_text(json.dumps({"data": rows}))
    html = render(tmp_path, tmp_path / "estate.json").read_text()
    assert "… and 700 more finding(s) of this rule" in html
    assert html.count("<tr>") < 1200 + 100


def chromium(html: Path, tmp_path: Path, *extra: str) -> tuple[str, str, list[str]]:
    """Open the page headless with every host unresolvable; return the DOM after load,
    Chromium's log, and the URLs its network stack was asked for."""
    netlog = tmp_path / "netlog.json"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--enable-logging=stderr", "--v=0",
         # Chromium's own traffic (time sync, dictionaries, updates) is not the page's
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-default-apps", "--disable-domain-reliability",
         "--disable-features=NetworkTimeServiceQuerying,SpellcheckService",
         "--host-resolver-rules=MAP * ~NOTFOUND", f"--log-net-log={netlog}",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000",
         *extra, "--dump-dom", html.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    urls = []
    assert netlog.exists(), "Chromium wrote no net log: the request check would be blind"
    text = netlog.read_text(errors="replace")
    try:
        doc = json.loads(text)
    except ValueError:  # a log cut short at exit: close its events array
        doc = json.loads(text.rstrip().rstrip(",") + "]}")
    assert doc["events"], "an empty net log: the request check would be blind"
    start = doc["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    for event in doc["events"]:
        params = event.get("params") or {}
        # the page's own requests carry its network isolation key (file://); Chromium's
        # background traffic (time sync, dictionaries, accounts) carries none of it
        if event.get("type") == start and "file://" in str(params.get(
                "network_isolation_key", "")) and isinstance(params.get("url"), str):
            urls.append(params["url"])
    return proc.stdout, proc.stderr, urls


def remote(urls):
    return [u for u in urls if re.match(r"(?i)(https?|wss?|ftp)://", u)]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian package chromium)")
def test_the_report_in_a_real_browser_requests_nothing_and_draws_every_chart(tmp_path):
    html = render(tmp_path, SAMPLE, extra=("--config", str(SAMPLE / ".gallerylint.yaml")))
    dom, log, urls = chromium(html, tmp_path)
    assert remote(urls) == [], remote(urls)
    assert "CONSOLE" not in log, [l for l in log.splitlines() if "CONSOLE" in l]
    charts = re.findall(r'<div role="img"[^>]*data-chart="([^"]+)"[^>]*>(.*?)</div>', dom,
                        re.DOTALL)
    assert len(charts) == 5
    for name, svg in charts:
        bars = re.findall(r'<rect[^>]*class="rect reactive tooltip-trigger"', svg)
        assert bars, f"chart {name} is empty"


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian package chromium)")
def test_the_browser_checks_can_fail(tmp_path):
    """Negative control: a page that fetches and logs is caught by the same checks."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="https://example.invalid/x.png">'
                   '<script>console.error("broken")</script></body></html>')
    _, log, urls = chromium(bad, tmp_path)
    assert remote(urls) and "CONSOLE" in log


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian package chromium)")
def test_the_readme_screenshot_is_the_sample_report(tmp_path):
    """docs/report.png is the sample estate's report as Chromium draws it (regenerated by
    this test when missing, so the README never shows a stale invention)."""
    target = ROOT / "docs" / "report.png"
    html = render(tmp_path, SAMPLE, extra=("--config", str(SAMPLE / ".gallerylint.yaml")))
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=1280,1600",
                    "--host-resolver-rules=MAP * ~NOTFOUND",
                    f"--user-data-dir={tmp_path / 'p2'}", f"--screenshot={shot}",
                    html.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 50_000
    if not target.exists():
        shutil.copy(shot, target)
    assert target.stat().st_size > 50_000
    assert "docs/report.png" in (ROOT / "README.md").read_text()


def nights(tmp_path, count=3):
    """The JSON reports of earlier nights of the sample estate, as the nightly keeps them."""
    folder = tmp_path / "history"
    folder.mkdir()
    for day in range(count):
        when = f"2026-11-{18 + day:02d}T02:00:00Z"
        subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(SAMPLE), "--now", when,
                        "--config", str(SAMPLE / ".gallerylint.yaml"), "-f", "json", "-o",
                        str(folder / f"{when[:10]}.json"), "-q"], cwd=ROOT, check=False,
                       timeout=300)
    return folder


def test_the_trend_shows_each_run_and_what_it_added_and_fixed(tmp_path):
    history = nights(tmp_path)
    # a night that fixed everything but one finding: the current run adds back the rest
    doc = json.loads((history / "2026-11-20.json").read_text())
    kept = doc["findings"][:1]
    doc["findings"] = kept
    (history / "2026-11-20.json").write_text(json.dumps(doc))
    html = render(tmp_path, SAMPLE, extra=("--config", str(SAMPLE / ".gallerylint.yaml"),
                                           "--history", str(history))).read_text()
    assert "Trend over 4 runs" in html
    rows = re.findall(r"<tr><td>(2026-11-\d\d \d\d:\d\d)</td><td>(\d+)</td><td>(\d+)</td>"
                      r"<td>(\d+)</td><td>([-\d]+)</td><td>([-\d]+)</td></tr>", html)
    assert [r[0][:10] for r in rows] == ["2026-11-21", "2026-11-20", "2026-11-19",
                                         "2026-11-18"]
    total_19 = sum(int(x) for x in rows[2][1:4])
    assert rows[1][5] == str(total_19 - 1) and rows[1][4] == "0"  # the 20th fixed all but 1
    assert int(rows[0][4]) > 0  # and this run brings them back
    assert rows[3][4] == "-"  # the first run has nothing to compare with


def test_a_history_file_that_is_not_a_report_is_exit_2(tmp_path):
    history = tmp_path / "history"
    history.mkdir()
    (history / "x.json").write_text('{"hello": 1}')
    result = subprocess.run([sys.executable, "-m", "linter.cli", "lint", str(SAMPLE),
                             "--history", str(history), "-f", "html", "-o",
                             str(tmp_path / "r.html")], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 2 and "x.json" in result.stderr
    assert "not a gallerylint JSON report" in result.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian package chromium)")
def test_the_report_with_several_nights_in_a_real_browser(tmp_path):
    html = render(tmp_path, SAMPLE, extra=("--config", str(SAMPLE / ".gallerylint.yaml"),
                                           "--history", str(nights(tmp_path))))
    dom, log, urls = chromium(html, tmp_path)
    assert remote(urls) == [] and "CONSOLE" not in log
    charts = dict(re.findall(r'<div role="img"[^>]*data-chart="([^"]+)"[^>]*>(.*?)</div>',
                             dom, re.DOTALL))
    assert {"trend-levels", "trend-rules"} <= set(charts) and len(charts) == 7
    for name in ("trend-levels", "trend-rules"):
        assert len(re.findall(r'<circle[^>]*class="dot', charts[name])) >= 4, name


def test_the_estate_view_says_who_runs_which_version_and_what_expires(tmp_path):
    html = render(tmp_path, SAMPLE, extra=("--config", str(SAMPLE / ".gallerylint.yaml"))
                  ).read_text()
    assert '<h2 id="estate">The estate</h2>' in html
    estate = html[html.index('<h2 id="estate">'):]  # a findings table may name it earlier
    row = re.search(r"<tr><td>contoso_prod/ubuntu-2204</td>.*?</tr>", estate,
                    re.DOTALL).group(0)
    assert "1.2.0: 87 VMs in 2 subscriptions" in row and "1.0.0: 17 VMs in 1 subscription" in row
    heat = html[html.index('<table class="heat">'):]
    heat = heat[:heat.index("</table>")]
    assert 'class="none">0/1<' in heat and 'class="low">2/3<' in heat  # missing, too few
    calendar = html[html.index("End of life in the next 90 days"):html.index('id="findings"')]
    assert "(passed)" in calendar and "VM" in calendar
