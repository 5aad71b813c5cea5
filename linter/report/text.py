"""`--format text`: findings grouped by file, coloured only on a terminal."""

from __future__ import annotations

from itertools import groupby

import click

from .common import Report

_COLOURS = {"error": "red", "warning": "yellow", "note": "cyan"}
# C0 and C1 controls (ESC starts ANSI and OSC 8 sequences; CR rewrites the line): data
# from inputs never reaches the terminal as a control character.
_CONTROLS = {c: "?" for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x09}


def clean(text: str) -> str:
    return text.translate(_CONTROLS)


def render(report: Report, colour: bool = False) -> str:
    lines: list[str] = []

    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if colour else text  # type: ignore[arg-type]

    ordered = sorted(report.findings, key=lambda f: (report.uri(f), f.line, f.rule_id,
                                                      f.resource_id.lower(), f.region or ""))
    for uri, group in groupby(ordered, key=report.uri):
        lines.append(style(clean(uri), underline=True))
        for f in group:
            level = style(f"{f.level:<7}", fg=_COLOURS[f.level])
            waived = style(" (waived)", dim=True) if f.suppression is not None else ""
            if f.baseline_state in ("new", "absent"):
                waived += style(f" ({f.baseline_state})", dim=True)
            region = f" [{f.region}]" if f.region else ""
            lines.append(f"  {f.line}:{f.column}  {level}  {f.rule_id} {f.rule_name}{waived}")
            lines.append(f"      {clean(f.resource_id)}{clean(region)}")
            lines.append(f"      {clean(f.message)}")
        lines.append("")
    counts = report.counts()
    summary = (f"{len(report.findings)} finding(s): {counts.get('error', 0)} error, "
               f"{counts.get('warning', 0)} warning, {counts.get('note', 0)} note, "
               f"{report.waived} waived; {report.inventory.resource_count} resources from "
               f"{len(report.inventory.files)} file(s)")
    lines.append(style(summary, bold=True))
    for warning in report.warnings:
        lines.append(f"warning: {clean(warning)}")
    for note in report.notes:
        lines.append(f"note: {clean(note)}")
    skipped = len(report.inventory.skipped_files)
    if skipped:
        lines.append(f"skipped {skipped} file(s) of no recognised form")
    unparsed = report.inventory.unparsed_files
    if unparsed:
        names = ", ".join(unparsed[:5]) + (f" and {len(unparsed) - 5} more" if len(unparsed) > 5
                                           else "")
        lines.append(f"skipped {len(unparsed)} file(s) that do not parse and are not Azure or "
                     f"Terraform: {names}")
    for rid, first, then in report.inventory.duplicate_ids[:20]:
        lines.append(clean(f"note: {rid} is defined in {first} and again in {then}: the "
                           "later wins"))
    special = len(report.inventory.skipped_special)
    if special:
        lines.append(f"skipped {special} entr(ies) that are not regular files "
                     "(FIFOs, devices, broken or looping links)")
    if report.inventory.unknown_values:
        lines.append(f"{report.inventory.unknown_values} value(s) could not be evaluated "
                     "(unknown): no rule treats them as violations")
    return "\n".join(lines) + "\n"
