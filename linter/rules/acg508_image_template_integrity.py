"""An Azure Image Builder template that builds from unverified scripts, distributes
failed validations, or carries a secret.

## What it does
Judges each AIB template where: (a) an entry of `customize[]` or
`validate.inVMValidations[]` with a non-empty `scriptUri` or `sourceUri`,
or an `optimize.workload` with a non-empty `scriptUri`, has no
`sha256Checksum`; (b) `validate.continueDistributeOnFailure` is `true`;
(c) a URI (`scriptUri`, `sourceUri`, a `VHD` distributor's `uri`), or a URL
inside an `inline[]` command, carries a SAS token or credentials (as ACG507
detects them); (d) only when `pipelines.require_validation` is true: a
production pipeline has no `validate.inVMValidations` entry. One finding
per template naming each part and, for (c), the field and what it found,
never the value: `error` when (c) holds, or (b) holds in a production
pipeline (one that publishes into a production gallery), else `warning`.
Inputs: live, templates, plans, Terraform source (`azapi_resource`).

## Why it matters
Without a checksum, whatever the script's URL serves at build time goes
into the golden image; with `continueDistributeOnFailure` a failed
validation still distributes the image ("If set to true, the image will
be distributed", bicep-types-az imagebuilder types); a SAS token in a
template is a credential in source control and in the template's
resource, readable by anyone with read access.

## Example
`"customize": [{"type": "Shell", "name": "harden", "scriptUri":
"https://raw.githubusercontent.com/contoso/scripts/main/harden.sh"}]`
without `sha256Checksum`.

## Fix
Pin each script with its `sha256Checksum`; leave
`continueDistributeOnFailure` false; fetch private scripts with the
template's identity instead of a SAS URL.

## Config
`pipelines.require_validation` (false), `environments.production_galleries`,
`environments.production_tag_values`.

## Related
ACG110, ACG507. Peers: PSRule for Azure AZR-000453
(Azure.ImageBuilder.CustomizeHash) and AZR-000454
(Azure.ImageBuilder.ValidateHash).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..facts import Facts
from ..findings import Finding
from .base import make_finding
from .registry import RuleMeta
from .v2facts import uri_secret

RULE = RuleMeta(id="ACG508", name="image-template-integrity", level="warning",
                tags=("security", "pipelines", "secrets"), security_severity=7.0,
                related=("ACG110", "ACG507"),
                config=("pipelines.require_validation", "environments.production_galleries",
                        "environments.production_tag_values"))

_URL = re.compile(r"https?://[^\s'\"]+")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _steps(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    validate = _obj(props.get("validate"))
    return ([(f"customize[{i}]", _obj(c)) for i, c in enumerate(_list(props.get("customize")))]
            + [(f"validate.inVMValidations[{i}]", _obj(v))
               for i, v in enumerate(_list(validate.get("inVMValidations")))])


def _unpinned(props: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for where, step in _steps(props):
        for key in ("scriptUri", "sourceUri"):
            uri = step.get(key)
            if isinstance(uri, str) and uri and not step.get("sha256Checksum"):
                out.append((where, f"(a) {where}.{key} has no sha256Checksum"))
                break
    workload = _obj(_obj(props.get("optimize")).get("workload"))
    uri = workload.get("scriptUri")
    if isinstance(uri, str) and uri and not workload.get("sha256Checksum"):
        out.append(("optimize", "(a) optimize.workload.scriptUri has no sha256Checksum"))
    return out


def _secrets(props: dict[str, Any]) -> list[tuple[str, str]]:
    fields: list[tuple[str, Any]] = []
    for where, step in _steps(props):
        for key in ("scriptUri", "sourceUri"):
            fields.append((f"{where}.{key}", step.get(key)))
        for j, command in enumerate(_list(step.get("inline"))):
            if isinstance(command, str):
                fields += [(f"{where}.inline[{j}]", url) for url in _URL.findall(command)]
    fields.append(("optimize.workload.scriptUri",
                   _obj(_obj(props.get("optimize")).get("workload")).get("scriptUri")))
    for i, d in enumerate(_list(props.get("distribute"))):
        if str(_obj(d).get("type", "")).lower() == "vhd":
            fields.append((f"distribute[{i}].uri", _obj(d).get("uri")))
    out = []
    for name, value in fields:
        what = uri_secret(value)
        if what is not None:
            out.append((name.split(".")[0].split("[")[0], f"(c) {name} carries {what}"))
    return out


def check(facts: Facts, rule: Any) -> Iterator[Finding]:
    require = facts.settings.pipelines.require_validation
    for p in facts.inventory.pipelines:
        if p.kind != "aib":
            continue
        props = dict(p.properties)
        production = facts.production_pipeline(p.id)
        parts = _unpinned(props)
        validate = _obj(props.get("validate"))
        failing = validate.get("continueDistributeOnFailure") is True
        if failing:
            parts.append(("validate", "(b) validate.continueDistributeOnFailure is true: a "
                                      "failed validation still distributes the image"))
        secrets = _secrets(props)
        parts += secrets
        if require and production and not _list(validate.get("inVMValidations")):
            parts.append(("validate", "(d) the production template has no "
                                      "validate.inVMValidations entry"))
        if not parts:
            continue
        level = "error" if secrets or (failing and production) else "warning"
        yield make_finding(rule, p, f"Image Builder template {p.name}: " +
                           "; ".join(t for _, t in parts), level=level,
                           at=tuple(k for k, _ in parts),
                           properties={"pipeline": p.id, "production": production,
                                       "parts": sorted({t[1:2] for _, t in parts})})
