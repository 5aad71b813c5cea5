"""`--format html`: one self-contained page for people (issue: a report people look at).

Jinja2 renders it with autoescaping on (every name and message in it comes from files
and from Azure, and is hostile until escaped); pygal draws the charts as inline SVG,
with its script stripped, so the page makes no request and runs no script (its
Content-Security-Policy says so too). Large runs stay usable: findings are grouped by
rule in collapsed sections, each showing at most ROWS_PER_RULE rows (the SARIF and JSON
reports hold every finding), and each chart shows its top categories.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .common import Report, is_live, portal_uri, readable_name

ROWS_PER_RULE = 500
BARS = 15
LEVELS = ("error", "warning", "note")
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)


def _chart(chart_id: str, title: str, key: str, counts: Counter[str]) -> dict[str, Any] | None:
    import pygal
    from markupsafe import Markup
    from pygal.style import Style
    if not counts:
        return None
    top = counts.most_common(BARS)
    rest = sum(counts.values()) - sum(n for _, n in top)
    if rest:
        top.append((f"{len(counts) - BARS} more", rest))
    top.reverse()  # pygal draws the first value at the bottom
    style = Style(background="white", plot_background="white", colors=("#175cd3",),
                  font_family="system-ui, sans-serif", label_font_size=12,
                  major_label_font_size=12, value_font_size=11)
    chart = pygal.HorizontalBar(js=[], disable_xml_declaration=True, show_legend=False,
                                width=640, height=80 + 26 * len(top), style=style,
                                print_values=True, explicit_size=False, no_prefix=False,
                                truncate_label=40)
    chart.x_labels = [label for label, _ in top]
    chart.add("findings", [n for _, n in top])
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    alt = f"{title}: " + ", ".join(f"{label} {n}" for label, n in reversed(top[-5:]))
    return {"id": chart_id, "title": title, "key": key, "svg": Markup(svg), "alt": alt,
            "rows": counts.most_common()}


def _trend(report: Report, active: list[Any]) -> dict[str, Any] | None:
    """Findings per level over the earlier runs and this one, the top rules over time,
    and what each run added and fixed (by fingerprint)."""
    if not report.history:
        return None
    import pygal
    from markupsafe import Markup
    from pygal.style import Style

    from ..history import current
    runs = [*report.history, current(active, report.now)]
    labels = [r.when.strftime("%Y-%m-%d %H:%M") for r in runs]
    style = Style(background="white", plot_background="white",
                  colors=("#b42318", "#b54708", "#175cd3", "#067647", "#6941c6", "#475467"),
                  font_family="system-ui, sans-serif", label_font_size=11,
                  major_label_font_size=11, legend_font_size=12)

    def line(title: str, series: list[tuple[str, list[int]]]) -> Any:
        chart = pygal.Line(js=[], disable_xml_declaration=True, width=900, height=360,
                           style=style, x_label_rotation=30, show_dots=True,
                           legend_at_bottom=True, truncate_legend=40, include_x_axis=True)
        chart.title = title
        chart.x_labels = labels
        for name, values in series:
            chart.add(name, values)
        svg = _SCRIPT.sub("", chart.render(is_unicode=True))
        return Markup(re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL))
    levels = line("Findings per level", [(lv, [r.levels.get(lv, 0) for r in runs])
                                          for lv in LEVELS])
    top = [rule for rule, _ in sum((r.rules for r in runs), Counter()).most_common(6)]
    rules = line("Findings of the most frequent rules", [(rule, [r.rules.get(rule, 0)
                                                                 for r in runs])
                                                         for rule in top])
    rows = []
    for i, r in enumerate(runs):
        before = runs[i - 1].fingerprints if i else None
        rows.append({"when": labels[i], **{lv: r.levels.get(lv, 0) for lv in LEVELS},
                     "added": len(r.fingerprints - before) if before is not None else "-",
                     "fixed": len(before - r.fingerprints) if before is not None else "-"})
    alt = "Findings per level over " + f"{len(runs)} runs: " + ", ".join(
        f"{row['when']}: {row['error']} error(s)" for row in rows[-3:])
    return {"levels": levels, "rules": rules, "rows": list(reversed(rows)), "alt": alt,
            "runs": len(runs)}


def _runs(vms: int, instances: int, subscriptions: int) -> str:
    """"14 VMs and 200 scale set instances in 3 subscriptions"."""
    parts = []
    if vms:
        parts.append(f"{vms} VM{'s' if vms != 1 else ''}")
    if instances:
        parts.append(f"{instances} scale set instance{'s' if instances != 1 else ''}")
    where = f"{subscriptions} subscription{'s' if subscriptions != 1 else ''}"
    return f"{' and '.join(parts)} in {where}"


ESTATE_DEFINITIONS = 50  # definitions shown, most deployed first
HEATMAP_VERSIONS = 25
CALENDAR_DAYS = 90


def _estate(report: Report) -> dict[str, Any] | None:
    """The estate as facts see it: per definition its latest version per region and who
    runs which version; a replication heat map (replicas against the recommended count,
    per version and region); the end-of-life calendar of the next 90 days."""
    if report.settings is None or not report.inventory.versions:
        return None
    from datetime import timedelta

    from ..facts import build
    from ..model import UNKNOWN
    from ..rules.replication import recommended_replicas
    facts = build(report.inventory, report.settings, report.now)

    def users(vf: Any) -> tuple[int, int, set[str]]:
        vms = sum(u.vms for u in vf.usage.values())
        instances = sum(u.scale_set_instances for u in vf.usage.values())
        subs = {d.deployment.subscription_id for u in vf.usage.values()
                for d in u.deployments}
        return vms, instances, subs
    definitions = []
    ranked = sorted(facts.definitions, key=lambda df: (
        -sum(sum(users(vf)[0:2]) for vf in df.versions), df.definition.id.lower()))
    for df in ranked[:ESTATE_DEFINITIONS]:
        latest = sorted({(region, vf.version.name) for region, vf in
                         df.latest_by_region.items()})
        used = []
        for vf in sorted(df.versions, key=lambda v: v.number or (0, 0, 0), reverse=True):
            vms, instances, subs = users(vf)
            if vms or instances:
                used.append(f"{vf.version.name}: {_runs(vms, instances, len(subs))}")
        definitions.append({"name": readable_name(df.definition.id),
                            "versions": len(df.versions),
                            "latest": ", ".join(f"{v} in {r}" for r, v in latest) or "-",
                            "used": used})
    regions = sorted({r for vf in facts.versions if vf.usage for r in vf.usage})
    heat = []
    for vf in sorted((vf for vf in facts.versions if vf.usage),
                     key=lambda vf: -sum(users(vf)[0:2]))[:HEATMAP_VERSIONS]:
        cells = []
        for region in regions:
            usage = vf.usage.get(region)
            r = vf.regions.get(region) if vf.regions is not UNKNOWN else None
            if usage is None:
                cells.append({"text": "", "state": "idle"})
                continue
            need = recommended_replicas(usage, facts)
            have = r.replicas if r is not None else 0
            if not isinstance(have, int):
                cells.append({"text": f"?/{need}", "state": "unknown"})
            else:
                state = "none" if have == 0 else ("low" if have < need else "ok")
                cells.append({"text": f"{have}/{need}", "state": state})
        heat.append({"name": readable_name(vf.version.id), "cells": cells})
    horizon = report.now + timedelta(days=CALENDAR_DAYS)
    calendar = []
    for vf in facts.versions:
        eol = vf.end_of_life
        if not hasattr(eol, "year") or eol > horizon:
            continue
        vms, instances, subs = users(vf)
        if eol < report.now and not (vms or instances):
            continue  # long past and unused: retention's business, not the calendar's
        calendar.append({"date": eol.strftime("%Y-%m-%d"), "name": readable_name(vf.version.id),
                         "passed": eol < report.now,
                         "used": _runs(vms, instances, len(subs)) if vms or instances
                         else "unused"})
    calendar.sort(key=lambda c: (c["date"], c["name"]))
    return {"definitions": definitions, "hidden": max(0, len(ranked) - ESTATE_DEFINITIONS),
            "regions": regions, "heat": heat, "calendar": calendar,
            "days": CALENDAR_DAYS}


def _subscription(resource_id: str) -> str | None:
    parts = resource_id.split("/")
    return parts[2] if len(parts) > 2 and parts[1].lower() == "subscriptions" else None


def _gallery(resource_id: str) -> str | None:
    low = resource_id.lower()
    if "/galleries/" not in low:
        return None
    return resource_id[low.index("/galleries/") + len("/galleries/"):].split("/")[0]


def context(report: Report) -> dict[str, Any]:
    from .. import __version__
    findings = [f for f in report.findings if f.baseline_state != "absent"]
    active = [f for f in findings if f.suppression is None]
    counts = Counter(f.level for f in active)
    failed = counts.get("error", 0) > 0
    rules = {r.id: r for r in report.rules}
    verdict = (f"{counts.get('error', 0)} error(s)" if failed else
               "no errors" if active else "clean")
    subscriptions = Counter(_subscription(f.resource_id) for f in active)
    subscriptions.pop(None, None)
    galleries = Counter(_gallery(f.resource_id) for f in active)
    galleries.pop(None, None)
    candidates = (
        _chart("by-rule", "Findings by rule", "rule",
               Counter(f"{f.rule_id} {f.rule_name}" for f in active)),
        _chart("by-category", "Findings by category", "category",
               Counter((rules[f.rule_id].tags[0] if f.rule_id in rules and
                        rules[f.rule_id].tags else "other") for f in active)),
        _chart("by-region", "Findings by region", "region",
               Counter(f.region for f in active if f.region)),
        _chart("by-subscription", "Findings by subscription", "subscription", subscriptions),
        _chart("by-gallery", "Findings by gallery", "gallery", galleries),
    )
    charts = [c for c in candidates if c is not None]
    live = {f.resource_id for f in findings if is_live(f)}
    resources = Counter(f.resource_id for f in active)
    resources_top = [{"name": readable_name(rid), "count": n,
                      "portal": portal_uri(rid) if rid in live else None}
                     for rid, n in resources.most_common(10)]
    by_rule: dict[str, list[Any]] = {}
    for f in findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    order = {level: i for i, level in enumerate(LEVELS)}
    groups = []
    for rule_id, items in sorted(by_rule.items(), key=lambda kv: (
            min(order.get(f.level, 3) for f in kv[1]), -len(kv[1]), kv[0])):
        rule = rules.get(rule_id)
        items.sort(key=lambda f: (order.get(f.level, 3), f.resource_id.lower(), f.region or ""))
        rows = []
        for f in items[:ROWS_PER_RULE]:
            state = "waived" if f.suppression is not None else (
                f.baseline_state if f.baseline_state in ("new", "unchanged") else "")
            rows.append({"name": readable_name(f.resource_id),
                         "portal": portal_uri(f.resource_id) if is_live(f) else None,
                         "region": f.region or "-", "message": f.message, "state": state,
                         "where": f"{report.uri(f)}:{f.line}"})
        groups.append({"id": rule_id, "name": rule.name if rule else items[0].rule_name,
                       "level": min((f.level for f in items), key=lambda lv: order.get(lv, 3)),
                       "help": rule.help_uri if rule else "", "summary":
                       rule.summary if rule else "", "count": len(items), "rows": rows,
                       "hidden": max(0, len(items) - ROWS_PER_RULE)})
    baseline = None
    if any(f.baseline_state for f in report.findings):
        baseline = {"new": sum(1 for f in report.findings if f.baseline_state == "new"),
                    "fixed": sum(1 for f in report.findings if f.baseline_state == "absent")}
    return {"verdict": verdict, "failed": failed,
            "totals": [(level, counts.get(level, 0)) for level in LEVELS] +
            [("waived", report.waived)],
            "baseline": baseline, "resources": report.inventory.resource_count,
            "files": len(report.inventory.files), "evaluated": report.now.isoformat(),
            "version": __version__, "config": report.config_shown,
            "warnings": list(report.warnings), "charts": charts,
            "resources_top": resources_top, "groups": groups,
            "trend": _trend(report, active), "estate": _estate(report)}


def render(report: Report) -> str:
    import jinja2

    from ..resources import data_path
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_path("templates"))),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(**context(report))
