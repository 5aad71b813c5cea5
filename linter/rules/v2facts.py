"""Conventions of catalog version 2 that several rules share: size capabilities, disk
controller types, encryption sets, secrets in URIs, deployment OS types.

Kept beside the rules (not in `facts.py`) because each is a pure function of the
facts already computed; none is a join.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import parse_qsl, urlsplit

from ..facts import DefinitionFacts, Facts
from ..model import UNKNOWN, Deployment
from ..resources import data_path
from ..sources.azure import ci, ci_path


@lru_cache(maxsize=1)
def _builtin_sizes() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    with open(data_path("vm_sizes.json"), encoding="utf-8") as fh:
        table = json.load(fh)
    return [(re.compile(row["pattern"], re.IGNORECASE),
             {k.lower(): v for k, v in row["capabilities"].items()}) for row in table["sizes"]]


def size_capabilities(facts: Facts, size: Any, region: Any) -> dict[str, str] | None:
    """The capabilities of a VM size in a region (rules.md, "size capabilities"): the
    Resource SKUs item for the size in that region, else any item of that name, else
    the built-in table; None when the size is in neither."""
    if not isinstance(size, str) or not size:
        return None
    index = _sku_index(facts)
    items = index.get(size.lower())
    if items:
        for sku in items:
            if isinstance(region, str) and region in sku.locations:
                return dict(sku.capabilities)
        return dict(items[0].capabilities)
    for pattern, caps in _builtin_sizes():
        if pattern.fullmatch(size):
            return dict(caps)
    return None


def _sku_index(facts: Facts) -> dict[str, list[Any]]:
    if facts.sku_index is None:
        index: dict[str, list[Any]] = {}
        for sku in facts.inventory.skus:
            index.setdefault(sku.name, []).append(sku)
        facts.sku_index = index
    return facts.sku_index


def split_list(value: Any) -> frozenset[str] | None:
    """`SCSI, NVMe`, `SCSI,NVMe` and `["SCSI","NVMe"]` all mean {scsi, nvme}."""
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str):
        return None
    cleaned = re.sub(r"[\[\]\"' ]", "", value)
    return frozenset(p.lower() for p in cleaned.split(",") if p)


def image_controller_types(df: DefinitionFacts, number: Any) -> Any:
    """The disk controller types of an image for a version; {scsi} when no entry applies;
    UNKNOWN when it cannot be told."""
    value = df.feature("diskcontrollertypes", number)
    if value is None:
        value = df.feature("diskcontrollertype", number)
    if value is UNKNOWN:
        return UNKNOWN
    if value is None:
        return frozenset({"scsi"})
    parsed = split_list(value)
    return UNKNOWN if parsed is None else parsed


def every_controller_entry(df: DefinitionFacts) -> list[frozenset[str]]:
    """Every DiskControllerTypes entry of a definition, whatever its startsAtVersion."""
    entries = df.definition.feature_entries
    if entries is UNKNOWN:
        return []
    out = []
    for name, value, _ in entries:
        if name in ("diskcontrollertypes", "diskcontrollertype"):
            parsed = split_list(value)
            if parsed is not None:
                out.append(parsed)
    return out


def every_feature_value(df: DefinitionFacts, name: str) -> list[str]:
    entries = df.definition.feature_entries
    if entries is UNKNOWN:
        return []
    return [v.lower() for n, v, _ in entries if n == name and isinstance(v, str)]


def deployment_os_type(dep: Deployment, df: DefinitionFacts | None) -> Any:
    """rules.md, "OS type of a deployment": the definition's osType, else the
    deployment's osDisk.osType (a plan's azurerm_linux_*/azurerm_windows_* sets it)."""
    if df is not None and isinstance(df.definition.os_type, str):
        return df.definition.os_type
    if isinstance(dep.os_type, str):
        return dep.os_type
    return UNKNOWN


def des_ids(encryption: Any) -> Iterable[tuple[str, Any, str]]:
    """(which disk, LUN or None, disk encryption set ID) of an `encryption` object."""
    if not isinstance(encryption, dict):
        return
    os_disk = ci(encryption, "osDiskImage")
    des = ci(os_disk, "diskEncryptionSetId")
    if isinstance(des, str) and des.strip():
        yield "os", None, des
    secure = ci_path(os_disk, "securityProfile", "secureVMDiskEncryptionSetId")
    if isinstance(secure, str) and secure.strip():
        yield "os-secure", None, secure
    data = ci(encryption, "dataDiskImages")
    if isinstance(data, list):
        for d in data:
            des = ci(d, "diskEncryptionSetId")
            if isinstance(des, str) and des.strip():
                yield "data", ci(d, "lun"), des


def is_encrypted(version: Any) -> bool:
    """rules.md, "encrypted version"."""
    regions = version.target_regions
    encryptions = [tr.encryption for tr in regions] if isinstance(regions, tuple) else []
    encryptions += list(version.extended_encryptions)
    return any(True for e in encryptions for _ in des_ids(e))


def uri_secret(value: Any) -> str | None:
    """What a URI carries that is secret ("a SAS signature", "a password"), never the value."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parts = urlsplit(value.strip())
        password = parts.password
    except ValueError:
        return None
    if password:
        return "credentials (a password in the URI's user information)"
    names = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if "sig" in names and ({"sv", "se"} & names):
        return "a SAS token (query parameters sig and sv/se)"
    return None


def production_users(facts: Facts) -> set[int]:
    """id() of the versions that a production deployment uses."""
    return {id(d.version) for d in facts.deployments if d.production and d.version is not None}

