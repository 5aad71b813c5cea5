"""`--format text`: one line per finding, coloured only on a terminal."""

from __future__ import annotations

import re

import click

from .common import Report, readable_name

_COLOURS = {"error": "red", "warning": "yellow", "note": "cyan"}
# C0 and C1 controls (ESC starts ANSI and OSC 8 sequences; CR rewrites the line): data
# from inputs never reaches the terminal as a control character.
_CONTROLS = {c: "?" for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x09}


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    return text.translate(_CONTROLS) if _CONTROL.search(text) else text


def render(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """One line per finding, as compilers and Ruff print them:
    `path:line:col: ACG601 warning message [gallery/definition/version, region]`;
    with `verbose`, the full ARM ID and the rule's name follow on an indented line.
    The summary comes last."""
    lines: list[str] = []

    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if colour else text  # type: ignore[arg-type]

    # Each finding's place is worked out once (file, line, column), then sorted by file,
    # line, rule, resource and region, ties in the findings' order.
    placed = []
    for i, f in enumerate(report.findings):
        line, column = f.position()
        placed.append((report.uri(f), line, f.rule_id, f.resource_id.lower(), f.region or "",
                       i, column, f))
    placed.sort()
    shown: dict[str, str] = {}
    for uri, line, _, _, _, _, column, f in placed:
        path = shown.get(uri)
        if path is None:
            path = shown[uri] = clean(uri)
        where = style(f"{path}:{line}:{column}:", bold=True)
        level = style(f.level, fg=_COLOURS[f.level])
        state = ""
        if f.suppression is not None:
            state += style(" (waived)", dim=True)
        if f.baseline_state in ("new", "absent"):
            state += style(" (fixed)" if f.baseline_state == "absent" else " (new)", dim=True)
        subject = readable_name(f.resource_id) + (f", {f.region}" if f.region else "")
        lines.append(f"{where} {f.rule_id} {level}{state} {clean(f.message)} "
                     f"[{clean(subject)}]")
        if verbose:
            lines.append(f"    {f.rule_name}: {clean(f.resource_id)}")
    if placed:
        lines.append("")
    tail: list[str] = []
    for warning in report.warnings:
        tail.append(f"warning: {clean(warning)}")
    for note in report.notes:
        tail.append(f"note: {clean(note)}")
    skipped = len(report.inventory.skipped_files)
    if skipped:
        tail.append(f"skipped {skipped} file(s) of no recognised form")
    unparsed = report.inventory.unparsed_files
    if unparsed:
        names = ", ".join(unparsed[:5]) + (f" and {len(unparsed) - 5} more" if len(unparsed) > 5
                                           else "")
        tail.append(f"skipped {len(unparsed)} file(s) that do not parse and are not Azure or "
                    f"Terraform: {clean(names)}")
    for rid, first, then in report.inventory.duplicate_ids[:20]:
        tail.append(clean(f"note: {rid} is defined in {first} and again in {then}: the "
                          "later wins"))
    special = len(report.inventory.skipped_special)
    if special:
        tail.append(f"skipped {special} entr(ies) that are not regular files "
                    "(FIFOs, devices, broken or looping links)")
    if report.inventory.unknown_values:
        tail.append(f"{report.inventory.unknown_values} value(s) could not be evaluated "
                    "(unknown): no rule treats them as violations")
    counts = report.counts()
    fixed = sum(1 for f in report.findings if f.baseline_state == "absent")
    current = len(report.findings) - fixed
    summary = (f"{current} finding(s): {counts.get('error', 0)} error, "
               f"{counts.get('warning', 0)} warning, {counts.get('note', 0)} note, "
               f"{report.waived} waived")
    if any(f.baseline_state for f in report.findings):
        new = sum(1 for f in report.findings if f.baseline_state == "new")
        summary += f" ({new} new, {fixed} fixed since the baseline)"
    summary += (f"; {report.inventory.resource_count} resources from "
                f"{len(report.inventory.files)} file(s)")
    summary += clean(f"; config {report.config_shown}" if report.config_shown
                     else "; no config file (defaults)")
    lines += tail
    lines.append(style(summary, bold=True))
    return "\n".join(lines) + "\n"
