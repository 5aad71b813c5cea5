"""`--format markdown`: the summary a person reads first (job summary, PR comment).

Every value from the inventory is escaped: resource names come from pull
requests anyone can open, so none may inject links, HTML or mentions."""

from __future__ import annotations

import re
from collections import Counter

from ..findings import LEVEL_ORDER
from .common import Report, is_live, portal_uri, readable_name

MAX_ROWS = 20
MAX_FINDINGS = 1000
_ESCAPE = re.compile(r"([\\`*_{}()+!|~])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;"}
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)
# GFM's extended autolinks: scheme:// URLs, and the mailto: and xmpp: protocols.
_AUTOLINK_COLON = re.compile(r":(?=//)|(?<=mailto):|(?<=xmpp):", re.IGNORECASE)


def escape(text: object) -> str:
    """Text from inputs, made inert: no links (GFM autolinks included: `www.`,
    `scheme://`, e-mail addresses), HTML, emphasis, table breaks or mentions."""
    value = _CONTROLS.sub(" ", str(text))
    value = _ESCAPE.sub(r"\\\1", value)
    value = "".join(_ENTITIES.get(c, c) for c in value)
    # An entity splits the text node, so GitHub's autolink extension sees no URL.
    value = _AUTOLINK_COLON.sub("&#58;", value)
    value = _WWW.sub(lambda m: m.group(1) + "&#46;", value)
    return value.replace("@", "&#64;")  # no @mentions, no e-mail autolinks


def link(text: object, url: str) -> str:
    """A link whose text is escaped and whose URL is percent-encoded."""
    from urllib.parse import quote
    return f"[{escape(text)}]({quote(url, safe=':/#.-_~@%')})"


def _gallery_of(resource_id: str) -> str | None:
    m = re.search(r"/galleries/([^/]+)", resource_id, re.IGNORECASE)
    return m.group(1) if m else None


def _resource(resource_id: str, live: bool) -> str:
    """A resource as a person names it (`gallery/definition/version`, a VM's name); for
    one read from Azure, a link to it in the Azure portal."""
    name = readable_name(resource_id)
    portal = portal_uri(resource_id) if live else None
    return link(name, portal) if portal else escape(name)


def render(report: Report) -> str:
    findings = list(report.findings)
    counts = report.counts()
    lines = ["# gallerylint report", ""]
    lines.append(f"{len(findings)} finding(s) over {report.inventory.resource_count} resources, "
                 f"evaluated at {report.now.isoformat()}.")
    lines += ["", "| level | findings | new | waived |", "|---|---:|---:|---:|"]
    for level in ("error", "warning", "note"):
        of_level = [f for f in findings if f.level == level]
        new = sum(1 for f in of_level if f.baseline_state == "new")
        waived = sum(1 for f in of_level if f.suppression is not None)
        lines.append(f"| {level} | {counts.get(level, 0)} | {new} | {waived} |")
    for warning in report.warnings:
        lines += ["", f"> **warning:** {escape(warning)}"]
    for note in report.notes:
        lines += ["", f"> note: {escape(note)}"]
    by_rule = Counter((f.rule_id, f.rule_name) for f in findings)
    if by_rule:
        lines += ["", "## Top rules", "", "| rule | name | findings |", "|---|---|---:|"]
        for (rid, name), n in by_rule.most_common(MAX_ROWS):
            lines.append(f"| {escape(rid)} | {escape(name)} | {n} |")
    galleries = Counter(g for f in findings if (g := _gallery_of(f.resource_id)))
    if galleries:
        lines += ["", "## Most affected galleries", "", "| gallery | findings |", "|---|---:|"]
        for g, n in galleries.most_common(MAX_ROWS):
            lines.append(f"| {escape(g)} | {n} |")
    resources = Counter(f.resource_id for f in findings)
    if resources:
        lines += ["", "## Most affected resources", "", "| resource | findings |", "|---|---:|"]
        live = {f.resource_id for f in findings if is_live(f)}
        for rid, n in resources.most_common(10):
            lines.append(f"| {_resource(rid, rid in live)} | {n} |")
    help_uris = {r.id: r.help_uri for r in report.rules}
    ordered = sorted(findings, key=lambda f: (-LEVEL_ORDER[f.level], f.rule_id,
                                              f.resource_id.lower(), f.region or ""))
    lines += ["", "## Findings", ""]
    for level in ("error", "warning", "note"):
        of_level = [f for f in ordered if f.level == level]
        if not of_level:
            continue
        lines += [f"<details><summary>{level}: {len(of_level)}</summary>", ""]
        for f in of_level[:MAX_FINDINGS]:
            region = escape(f.region) if f.region else "-"
            waived = " (waived)" if f.suppression is not None else ""
            lines.append(f"- {link(f.rule_id, help_uris.get(f.rule_id, ''))} "
                         f"{_resource(f.resource_id, is_live(f))} "
                         f"({region}){waived}: {escape(f.message)}")
        if len(of_level) > MAX_FINDINGS:
            lines.append(f"- … and {len(of_level) - MAX_FINDINGS} more (see the SARIF or JSON "
                         "report)")
        lines += ["", "</details>", ""]
    return "\n".join(lines) + "\n"
