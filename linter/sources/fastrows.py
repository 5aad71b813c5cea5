"""The fast reader of Azure's own resource lists: `az graph query` output, ARM list
responses (`value`), a bare JSON array of resources, and gallerylint snapshots.

These are the large inputs (a medium estate is 400 MB of rows, most of them VMs),
and Python's `json` builds every object of them. This reader decodes with msgspec:

- the document is split into its top-level members and each resource array into its
  rows as `msgspec.Raw` views of the file's bytes: nothing is built, and each row's
  offset follows from the lengths of what precedes it (no second scan for positions);
- each row is decoded into typed records that keep only what the model reads (`_Row`
  and below); the rest of the row is skipped, never built;
- a VM or scale-set row with its ARM `properties` becomes a `Deployment` through
  `azure.assemble`, the assembly the general reader uses; any other row is decoded
  whole and read by `azure.add_resource`, like every other input.

It reads what Azure prints, with Azure's spellings. Whatever it does not expect, it
leaves to the general reader (`files.parse`), which reads that file as it always
did: a document msgspec refuses or that Python reads differently (NaN, a duplicate
top-level key, invalid UTF-8 anywhere), a document of another form, a row of another
shape (a value of another JSON type where a typed record expects an object: that row
is decoded whole and read by `add_resource`).
"""

import codecs
import re
import sys
from itertools import accumulate
from typing import Any

import msgspec
from msgspec import Raw, Struct
from msgspec.structs import replace

from ..model import Inventory, Source
from ..names import subscription_of
from . import azure
from .parsed import LineIndex, row_start

_NULL = Raw(b"null")
_ABSENT = Raw(b"")
_WS = re.compile(rb"[ \t\n\r]*")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_DEPLOYMENTS = (azure.VM, azure.VMSS)


class Unsupported(Exception):
    """The file is not for this reader: the general reader reads it."""


# The typed records: the keys the model reads, with the spellings Azure prints. A key
# that is absent reads as None, as `dict.get` does in the general reader. A part many
# rows spell alike is kept as its raw bytes (`Raw`) and read once per spelling (`_Shared`).

class _Managed(Struct):
    storageAccountType: Any = None


class _OsDisk(Struct):
    managedDisk: _Managed | None = None
    diffDiskSettings: Any = None
    osType: Any = None
    createOption: Any = None
    diskSizeGB: Any = None
    vhd: Any = None
    image: Any = None
    vhdContainers: Any = None


class _DataDisk(Struct):
    managedDisk: _Managed | None = None


class _Storage(Struct):
    imageReference: Raw = _NULL
    osDisk: _OsDisk | None = None
    dataDisks: list[_DataDisk] | None = None
    diskControllerType: Any = None


class _Profile(Struct):
    """A VM's `properties`, or a scale set's `properties.virtualMachineProfile`; what
    the other kinds' `properties` have besides is skipped."""

    storageProfile: _Storage | None = None
    securityProfile: Raw = _NULL
    osProfile: Raw = _NULL
    applicationProfile: Any = None
    hardwareProfile: Raw = _NULL
    virtualMachineScaleSet: Any = None
    virtualMachineProfile: "_Profile | None" = None


class _Row(Struct):
    """A row: what every kind needs to be placed and sorted, and the row-level keys a
    VM or scale set reads (a projected row's columns are read where `properties` does
    not say, as the general reader does)."""

    id: Any = None
    type: Any = None
    properties: "_Profile | None" = None
    name: Any = None
    location: Any = None
    tags: Raw = _NULL
    sku: Any = None
    plan: Any = None
    extendedLocation: Any = None
    capacity: Any = None
    vmssId: Any = None
    imageId: Any = None
    sharedGalleryImageId: Any = None
    communityGalleryImageId: Any = None
    exactVersion: Any = None
    osDiskType: Any = None
    dataDiskTypes: Any = None
    securityType: Any = None
    # a Resource SKUs list item has these and `name` (and no `id`)
    resourceType: Any = msgspec.UNSET
    capabilities: Raw = _ABSENT


_row = msgspec.json.Decoder(_Row).decode
_any = msgspec.json.Decoder().decode
_members = msgspec.json.Decoder(dict[str, Raw]).decode
_items = msgspec.json.Decoder(list[Raw]).decode
_EMPTY_STORAGE = _Storage()
_EMPTY_PROFILE = _Profile()
_EMPTY_DISK = _OsDisk()
_Rows = list[tuple[_Row | None, Raw, int]]


def split(data: bytes, snapshot_kind: str,
          snapshot_arrays: tuple[str, ...]) -> tuple[str, dict[str, Any], _Rows] | None:
    """Split a resource list or a snapshot into its rows. Returns its form ("azure" or
    "snapshot"), its top-level members (decoded; a snapshot's resource arrays as empty
    lists: what its schema checks) and its rows, for `add_rows`; None when the general
    reader must read the file."""
    try:
        return _split(data, snapshot_kind, snapshot_arrays)
    except (Unsupported, msgspec.DecodeError, msgspec.ValidationError, RecursionError,
            UnicodeDecodeError):
        return None


def _bom(data: bytes) -> int:
    return 3 if data.startswith(b"\xef\xbb\xbf") else 0  # dropped, as decode_utf8 does


class _Listing(Struct):
    """The top level of a list response (`data`: `az graph query`; `value`: ARM), or of
    another document this reader leaves to the general one."""

    data: list[Raw] | None = None
    value: list[Raw] | None = None
    kind: Any = None
    schema: Any = msgspec.field(default=None, name="$schema")
    format_version: Any = None


_listing = msgspec.json.Decoder(_Listing).decode


def _split(data: bytes, snapshot_kind: str,
           snapshot_arrays: tuple[str, ...]) -> tuple[str, dict[str, Any], _Rows]:
    start = _bom(data)
    view = memoryview(data)[start:]
    if not data.isascii():
        _check_utf8(data, start)
    _check_digits(data)
    pos = _WS.match(data, start).end()
    head = data[pos:pos + 1]
    rest: dict[str, Any] = {}
    if head == b"[":
        form = "azure"
        arrays = [(pos, _items(view))]
    elif head != b"{":
        raise Unsupported
    else:
        top = _listing(view)
        if top.kind == snapshot_kind:
            form = "snapshot"
            members = _top_members(data, pos, view)
            keys = [k for k in snapshot_arrays if k in members]
            if not all(_is_array(members[k]) for k in keys):
                raise Unsupported
            rest = {k: [] if k in keys else _any(raw) for k, (_, raw) in members.items()}
            arrays = [(members[k][0], _items(members[k][1])) for k in keys]
        else:
            form = "azure"
            if top.schema is not None or top.format_version is not None:
                raise Unsupported  # a template, parameters file or plan: not ours
            key, items = ("data", top.data) if top.data is not None else ("value", top.value)
            if items is None:
                raise Unsupported
            arrays = [(_member_offset(data, pos, view, key), items)]
    rows = [(_typed(raw), raw, at) for pos, items in arrays
            for raw, at in zip(items, _positions(data, pos, items))]
    ids = [(r.id if r is not None else _any(raw).get("id")) for r, raw, _ in rows]
    if form == "azure":
        if not rows or not all(isinstance(i, str) and i.startswith("/") for i in ids):
            raise Unsupported  # empty, or not a list of resources
        if all(r is not None and r.resourceType is not msgspec.UNSET and r.name is not None
               and r.capabilities is not _ABSENT for r, _, _ in rows):
            raise Unsupported  # a Resource SKUs list
    elif not all(isinstance(i, str) for i in ids):
        raise Unsupported  # the general reader names the entry
    return form, rest, rows


_SCALAR = re.compile(rb'"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null')


def _member_offset(data: bytes, pos: int, view: memoryview, key: str) -> int:
    """Where the value of the top-level member `key` starts: found by stepping over
    the members before it when they are scalars (`count` in `az graph query` output),
    else from every member's length."""
    ws = _WS.match
    top = pos
    pos = ws(data, pos + 1).end()
    while True:
        m = _STRING.match(data, pos)
        if m is None:
            break
        name = _any(m.group(0))
        pos = ws(data, ws(data, m.end()).end() + 1).end()  # past ':'
        if name == key:
            return pos
        value = _SCALAR.match(data, pos)
        if value is None:
            break  # an object or array before it: placed by lengths
        pos = ws(data, value.end()).end()
        if data[pos:pos + 1] != b",":
            break
        pos = ws(data, pos + 1).end()
    return _top_members(data, top, view)[key][0]


def _typed(raw: Raw) -> _Row | None:
    """The row's typed record; None when a part the records type has another shape
    (such as `properties` that is not an object): the row is then read whole."""
    try:
        return _row(raw)
    except msgspec.ValidationError:
        if bytes(memoryview(raw)[:1]) != b"{":
            raise Unsupported from None  # not an object: the general reader says so
        return None


def _is_array(member: tuple[int, Raw] | None) -> bool:
    return member is not None and bytes(memoryview(member[1])[:1]) == b"["


def _check_utf8(data: bytes, start: int) -> None:
    """Refuse (to the general reader, which names the byte) a file that is not UTF-8:
    msgspec does not look inside the strings it skips. Only the parts that are not
    ASCII are decoded (an ASCII part with no sequence open before it is valid)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    for at in range(start, len(data), step):
        chunk = data[at:at + step]
        if chunk.isascii() and not decoder.getstate()[0]:
            continue
        decoder.decode(chunk)
    decoder.decode(b"", final=True)


_DIGIT = re.compile(rb"[0-9]")
_DIGITS = re.compile(rb"[0-9]*")


def _check_digits(data: bytes) -> None:
    """Refuse (to the general reader, which refuses an integer of more digits than
    Python converts) a file with a longer run of digits anywhere: msgspec does not
    convert the numbers it skips. Such a run covers a multiple of the stride, so only
    the runs through those bytes are measured: a small fraction of the file, whatever
    it holds."""
    limit = sys.get_int_max_str_digits()
    if not limit:
        return
    stride = min(4096, limit)
    for m in _DIGIT.finditer(data[::stride]):
        at = m.start() * stride
        before = data[max(0, at - limit - 1):at]
        run = len(before) - len(before.rstrip(b"0123456789"))
        run += _DIGITS.match(data, at, at + limit + 2).end() - at
        if run > limit:
            raise Unsupported


def _top_members(data: bytes, pos: int, view: memoryview) -> dict[str, tuple[int, Raw]]:
    """The members of the top-level object at `pos`: key -> (offset of its value in
    `data`, its raw bytes). The lengths msgspec found place each value."""
    members = _members(view)
    out: dict[str, tuple[int, Raw]] = {}
    ws = _WS.match
    pos = ws(data, pos + 1).end()
    if data[pos:pos + 1] == b"}":
        return out
    while True:
        m = _STRING.match(data, pos)
        if m is None:
            raise Unsupported
        key = _any(m.group(0))
        if key in out:
            raise Unsupported  # a duplicate key: Python keeps the last, placed as it does
        pos = ws(data, ws(data, m.end()).end() + 1).end()  # past ':'
        raw = members[key]
        out[key] = (pos, raw)
        pos = ws(data, pos + len(raw)).end()
        if data[pos:pos + 1] != b",":
            return out
        pos = ws(data, pos + 1).end()


def _positions(data: bytes, pos: int, items: list[Raw]) -> list[int]:
    """The offset in `data` of each row of the array whose `[` is at `pos`. Each row is
    checked to be there (of a duplicate key Python keeps the last value, which must not
    be placed at the first): rows written without spaces between them (minified, as
    Resource Graph prints them) are compared a run at a time, the others one by one."""
    ws = _WS.match
    if data[pos:pos + 1] != b"[":
        raise Unsupported
    pos = ws(data, pos + 1).end()
    out: list[int] = []
    n = len(items)
    i = 0
    while i < n:
        run = items[i:i + 1024]
        joined = b",".join(run)  # type: ignore[arg-type]
        end = pos + len(joined)
        if data.startswith(joined, pos) and data[end:end + 1] in (b",", b"]"):
            out.extend(accumulate([len(r) + 1 for r in run[:-1]], initial=pos))
            pos = end
        else:  # spaced: row by row
            for j, raw in enumerate(run):
                if j:
                    pos = ws(data, pos).end()
                    if data[pos:pos + 1] != b",":
                        raise Unsupported
                    pos = ws(data, pos + 1).end()
                if not data.startswith(memoryview(raw), pos):
                    raise Unsupported
                out.append(pos)
                pos += len(raw)
        i += len(run)
        pos = ws(data, pos).end()
        if data[pos:pos + 1] != (b"," if i < n else b"]"):
            raise Unsupported
        pos = ws(data, pos + 1).end()
    if not items and data[pos:pos + 1] != b"]":
        raise Unsupported
    return out


_MADE_MAX = 16_384  # distinct deployments kept to copy from
_KEPT_BYTES = 4_096  # a part longer than this is read for its row alone, never kept


class _Shared:
    """A part many rows spell alike (an image reference, a security profile, a size,
    tags) read once per spelling: `read` is the general reader's function for it, and
    the part's bytes are the key (a part kept is at most `_KEPT_BYTES` long, so what is
    kept stays a fraction of the file). What it reads of an object never depends on the row
    (`get` is read only where the part is not an object, and that is never kept)."""

    __slots__ = ("read", "seen")
    _MAX = 16_384  # distinct spellings kept, each at most a row's size

    def __init__(self, read: Any) -> None:
        self.read = read
        self.seen: dict[bytes, Any] = {}

    def __call__(self, key: bytes, get: Any) -> Any:
        found = self.seen.get(key, _ABSENT)
        if found is _ABSENT:
            found = self.read(_any(key), get)
            if key[:1] == b"{" and len(key) <= _KEPT_BYTES and len(self.seen) < self._MAX:
                self.seen[key] = found
        return found


def add_rows(path: str, data: bytes, rows: _Rows, form: str) -> Inventory:
    """The resources of the rows `split` found, in an inventory of their own."""
    out = Inventory()
    lines = LineIndex(data, _bom(data))
    kinds: dict[Any, str | None] = {}
    deployments = out.deployments
    shared = (_Shared(lambda value, get: azure.vm_size(value)),
              _Shared(azure.security_fields), _Shared(azure.image_fields),
              _Shared(lambda value, get: azure.tags_of(value)))
    made: dict[tuple[Any, ...], Any] = {}
    for row, raw, at in rows:
        whole = None
        if row is None:
            whole = _any(raw)
            rid, rtype = whole.get("id"), whole.get("type")
        else:
            rid, rtype = row.id, row.type
        kind = kinds.get(rtype, False) if rtype.__class__ is str else False
        if kind is False:
            kind = azure.resource_kind({"id": rid, "type": rtype})
            if rtype.__class__ is str and "/" in rtype:
                kinds[rtype] = kind
        if kind is None:
            continue
        source = Source(path, *lines.at(row_start(data, at, rid)), form)
        if row is not None and kind in _DEPLOYMENTS and row.properties is not None:
            deployments.append(_deployment(row, row.properties, source, kind, shared, made))
        else:
            azure.add_resource(out, whole if whole is not None else _any(raw), source, kind)
    return out


def _deployment(row: _Row, props: _Profile, source: Source, kind: str,
                shared: tuple[_Shared, _Shared, _Shared, _Shared],
                made: dict[tuple[Any, ...], Any]) -> Any:
    """The Deployment of a VM or scale-set row with `properties`.

    Rows alike (most of an estate: one image, size, disk and security setup for many
    VMs) differ only in their ID, name and place: `made` keeps one Deployment per
    distinct `key` of everything else `assemble` reads, and a row alike gets a copy
    with its own ID, name, subscription and source. Every key part is the value
    assemble reads, or its bytes; a number is keyed with its type too, as `True == 1
    == 1.0` would otherwise share a key where `_int` tells them apart."""
    size, security, reference, tags = shared
    get = row.__getattribute__
    is_vm = kind == azure.VM
    profile = props if is_vm else (props.virtualMachineProfile or _EMPTY_PROFILE)
    storage = profile.storageProfile or _EMPTY_STORAGE
    disk = storage.osDisk
    d = disk or _EMPTY_DISK
    managed = d.managedDisk
    disk_type = None if managed is None else managed.storageAccountType
    os_profile = bytes(profile.osProfile)
    has_os_profile = os_profile[:1] == b"{" and os_profile[1:].strip(b" \t\r\n") != b"}"
    disks = storage.dataDisks
    data_types = azure.data_disk_types(None, get) if disks is None else azure.storage_types(
        None if x.managedDisk is None else x.managedDisk.storageAccountType for x in disks)
    member_of = props.virtualMachineScaleSet if is_vm else None
    hardware = bytes(props.hardwareProfile) if is_vm else b"null"
    row_tags, security_profile = bytes(row.tags), bytes(profile.securityProfile)
    image_reference = bytes(storage.imageReference)
    capacity, size_gb = row.capacity, d.diskSizeGB
    key: tuple[Any, ...] | None = (
        kind, row.location, row_tags, row.sku, row.plan, row.extendedLocation, capacity,
        capacity.__class__, row.vmssId, row.imageId, row.sharedGalleryImageId,
        row.communityGalleryImageId, row.exactVersion, row.osDiskType, row.dataDiskTypes,
        row.securityType, member_of, hardware, security_profile, has_os_profile,
        profile.applicationProfile, image_reference, storage.diskControllerType, data_types,
        disk is not None, disk_type, d.diffDiskSettings, d.osType, d.createOption, size_gb,
        size_gb.__class__, d.vhd, d.image, d.vhdContainers)
    rid = row.id
    try:
        template = made.get(key)
    except TypeError:  # an object or a list among them: this row is assembled alone
        key, template = None, None
    if template is not None:
        return replace(template, id=rid, name=azure.deployment_name(row.name, rid),
                       subscription_id=subscription_of(rid), source=source)
    built = azure.assemble(get, rid, source, kind, azure.DeploymentParts(
        member_of, size(hardware, get) if is_vm else None, security(security_profile, get),
        has_os_profile, profile.applicationProfile, reference(image_reference, get),
        tags(row_tags, get), storage.diskControllerType, data_types, disk is not None,
        disk_type, d.diffDiskSettings, d.osType, d.createOption, size_gb, d.vhd, d.image,
        d.vhdContainers))
    if key is not None and len(made) < _MADE_MAX and len(row_tags) + len(hardware) + len(
            security_profile) + len(image_reference) <= _KEPT_BYTES:
        made[key] = built
    return built
