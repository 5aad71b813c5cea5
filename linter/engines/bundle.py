"""`gallerylint bundle`: an OPA bundle of the policies and the inventory's facts.

Any OPA server loads it (`opa run --server --bundle bundle.tar.gz`) and answers
gate decisions at `data.gallerylint.gate.decision` for a VM or scale set given
as input. Layout: `.manifest` (revision, roots ["gallerylint"], rego_version
1), the Rego files under `policies/`, and `data.json` holding the facts at
`data.gallerylint.facts`.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from ..facts import Facts
from ..model import UNKNOWN
from ..resources import policies_dir


def gate_facts(facts: Facts) -> dict[str, Any]:
    """The facts policies/gate/gate.rego reads, keyed by lowercased ARM ID."""
    now = facts.now
    versions: dict[str, Any] = {}
    for vf in facts.versions:
        regions: dict[str, Any] = {}
        if vf.regions is not UNKNOWN:
            for name, r in vf.regions.items():
                if not isinstance(r.replicas, int):
                    continue
                usage = vf.usage.get(name)
                regions[name] = {"replicas": r.replicas,
                                 "vms": usage.vms if usage else 0,
                                 "scale_sets": usage.scale_sets if usage else 0,
                                 "instances": usage.scale_set_instances if usage else 0}
        eol = vf.end_of_life
        versions[vf.version.id.lower()] = {
            "name": vf.version.name,
            "end_of_life_passed": isinstance(eol, datetime) and eol < now,
            "shallow": vf.version.replication_mode == "shallow",
            "total_instances": vf.total_instances,  # VMs and instances in every region
            "regions": regions,
        }
        entry = versions[vf.version.id.lower()]
        if UNKNOWN not in tuple(vf.version.edge_zones):
            entry["edge_zones"] = list(vf.version.edge_zones)
        if vf.soft_deleted:  # ACG311: the deployment's version is soft-deleted
            end = vf.consumption_end
            entry["soft_deleted"] = True
            entry["consumption_end"] = _utc(end) if isinstance(end, datetime) else None
            entry["consumption_ended"] = isinstance(end, datetime) and end < now
    definitions: dict[str, Any] = {}
    for df in facts.definitions:
        d = df.definition
        allowed = df.allowed_security_types
        definitions[d.id.lower()] = {
            "versions": {vf.version.name.lower(): vf.version.id.lower() for vf in df.versions},
            "latest_by_region": {r: vf.version.id.lower()
                                 for r, vf in df.latest_by_region.items()},
            "disallowed_disk_types": list(d.disallowed_disk_types)
            if d.disallowed_disk_types is not UNKNOWN else [],
            "allowed_security_types": sorted(allowed) if allowed is not None else None,
            "production": bool(df.gallery and facts.gallery_production.get(
                df.gallery.id.lower())),
        }
        if isinstance(d.os_state, str):
            definitions[d.id.lower()]["os_state"] = d.os_state
        if d.purchase_plan is None or isinstance(d.purchase_plan, dict):
            definitions[d.id.lower()]["purchase_plan"] = d.purchase_plan
        for vf in df.versions:  # features with startsAtVersion apply per version
            entry = versions.get(vf.version.id.lower())
            if entry is not None:
                for_version = df.allowed_security_types_for(vf.number)
                entry["allowed_security_types"] = (sorted(for_version)
                                                   if for_version is not None else None)
    settings = facts.settings
    snapshots = [{"path": path,
                  "createdAt": created.isoformat() if isinstance(created, datetime) else None,
                  "failedScopes": [{"scope": str(f.get("scope")), "error": str(f.get("error"))}
                                   for f in failed if isinstance(f, dict)]}
                 for path, created, failed in facts.inventory.snapshots]
    return {
        "evaluatedAt": now.isoformat(),
        # The snapshots the facts came from, so `gate --engine opa` refuses a partial or
        # stale inventory exactly as the embedded gate does.
        "snapshots": snapshots,
        "settings": {
            "vms_per_replica": settings.replication.vms_per_replica,
            "instances_per_replica": settings.replication.instances_per_replica,
            "production_tag_values": list(settings.environments.production_tag_values),
            "shallow_max_instances": settings.storage.shallow_max_instances,
            "hdd_os_retired": _hdd_os_retired(settings, now),
            # catalog v3 (ACG804)
            "sources": {"allowed_marketplace": list(settings.sources.allowed_marketplace),
                        "allow_managed_images": settings.sources.allow_managed_images,
                        "allow_attached_os_disk": settings.sources.allow_attached_os_disk},
            "production_scopes": _scopes(settings),
        },
        "versions": versions,
        "definitions": definitions,
    }


def _scopes(settings: Any) -> list[str]:
    """environments.production_scopes as gate.rego compares them: lowercased, without a
    trailing `/`, a bare subscription GUID as /subscriptions/<guid>."""
    out = []
    for entry in settings.environments.production_scopes:
        scope = entry.lower().rstrip("/")
        if scope and not scope.startswith("/") and not any(c in scope for c in "*?["):
            scope = f"/subscriptions/{scope}"
        if scope:
            out.append(scope)
    return out


def _utc(value: datetime) -> str:
    from ..rules.base import utc_seconds
    return utc_seconds(value)


def _hdd_os_retired(settings: Any, now: datetime) -> bool:
    from ..names import parse_time
    retirement = parse_time(settings.storage.hdd_os_retirement)
    return isinstance(retirement, datetime) and not now < retirement


def bundle_files() -> list[tuple[str, bytes]]:
    """(path in the bundle, content) of every policy, library and gate file."""
    root = policies_dir()
    files = []
    for path in sorted(root.rglob("*.rego")):
        files.append((f"policies/{path.relative_to(root).as_posix()}", path.read_bytes()))
    return files


def policies_digest(files: list[tuple[str, bytes]] | None = None) -> str:
    """What identifies this gallerylint's policies: a hash over every Rego file's path
    and content. A served bundle with another digest evaluates other rules."""
    digest = hashlib.sha256()
    for name, content in files if files is not None else bundle_files():
        digest.update(name.encode() + b"\0" + content + b"\0")
    return digest.hexdigest()[:16]


def write_bundle(output: str, facts: Facts) -> str:
    """Write the bundle atomically; returns its revision."""
    from .. import __version__
    policies = bundle_files()
    identity = {"policies": policies_digest(policies), "version": __version__}
    # The identity sits in the manifest (OPA keeps it at data.system.bundles[name].manifest)
    # and in the data document, for servers whose authorization hides data.system.
    data = json.dumps({"gallerylint": {"facts": gate_facts(facts), "bundle": identity}},
                      sort_keys=True).encode()
    digest = hashlib.sha256()
    for name, content in policies:
        digest.update(name.encode() + b"\0" + content)
    digest.update(data)
    revision = digest.hexdigest()[:16]
    manifest = json.dumps({"revision": revision, "roots": ["gallerylint"],
                           "rego_version": 1,
                           "metadata": {"generator": "gallerylint",
                                        "gallerylint": identity}}).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in [(".manifest", manifest), *policies, ("data.json", data)]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = int(time.time())
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(content))
    from ..atomic import write_atomically_bytes
    write_atomically_bytes(output, buffer.getvalue())
    return revision


def load_bundle_into_regopy(path: str | Path) -> Any:
    """A regopy interpreter with the bundle's policies and data (used by tests and
    `gallerylint bundle --check`)."""
    from .embedded import _regopy
    interp = _regopy().Interpreter()
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            content = tar.extractfile(member)
            if content is None:
                continue
            text = content.read().decode("utf-8")
            if member.name.endswith(".rego"):
                interp.add_module(member.name, text)
            elif member.name == "data.json":
                interp.add_data_json(text)
    return interp
