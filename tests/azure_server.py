"""A local HTTPS server that speaks the ARM and Resource Graph protocols the SDKs use.

It serves a fixture estate (resources in Azure's own JSON shapes) through:
- ARM list endpoints for subscriptions, galleries, images, versions, VMs and
  scale sets, paged by `nextLink` (absolute and relative links, alternately);
- ARM GETs with `$expand=SharingProfile/Groups` and `$expand=ReplicationStatus`;
- the Resource Graph `POST /providers/Microsoft.ResourceGraph/resources`, paged
  by `$skipToken`, answering each exporter query with the columns it projects
  (Resource Graph carries neither sharing groups nor replication status), with
  `x-ms-user-quota-*` headers.
Faults are planned per request: a status (429 with or without Retry-After,
500...), a malformed page, a slow answer. Requests without the expected bearer
token get 401. The certificate comes from a test CA made by trustme.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

from linter.export.queries import QUERIES, QUERY_TYPES

TOKEN = "test-token-not-a-secret"
ARG_ONLY = ("tenantId", "kind", "resourceGroup", "subscriptionId", "managedBy", "plan",
            "identity", "zones")
TYPE_NAMES = {
    "microsoft.compute/galleries": "Microsoft.Compute/galleries",
    "microsoft.compute/galleries/images": "Microsoft.Compute/galleries/images",
    "microsoft.compute/galleries/images/versions": "Microsoft.Compute/galleries/images/versions",
    "microsoft.compute/virtualmachines": "Microsoft.Compute/virtualMachines",
    "microsoft.compute/virtualmachinescalesets": "Microsoft.Compute/virtualMachineScaleSets",
    "microsoft.compute/galleries/applications": "Microsoft.Compute/galleries/applications",
    "microsoft.compute/galleries/applications/versions":
        "Microsoft.Compute/galleries/applications/versions",
    "microsoft.virtualmachineimages/imagetemplates":
        "Microsoft.VirtualMachineImages/imageTemplates",
    "microsoft.compute/images": "Microsoft.Compute/images",
    "microsoft.desktopvirtualization/hostpools": "Microsoft.DesktopVirtualization/hostPools",
    "microsoft.desktopvirtualization/hostpools/sessionhosts":
        "Microsoft.DesktopVirtualization/hostPools/sessionHosts",
}
SOFT_DELETED = "microsoft.compute/galleries/softdeletedartifacttypes/artifacts/versions"


def arm_body(row: dict[str, Any]) -> dict[str, Any]:
    """A Resource Graph row (full) as the ARM GET body Azure returns."""
    body = {k: v for k, v in row.items() if k not in ARG_ONLY and v is not None}
    if row.get("identity") is not None and \
            str(row.get("type", "")).lower() == "microsoft.virtualmachineimages/imagetemplates":
        body["identity"] = row["identity"]  # an Image Builder template's GET carries it
    body["type"] = TYPE_NAMES.get(str(row.get("type", "")).lower(), row.get("type"))
    return body


def _sub(arm_id: str) -> str:
    return arm_id.split("/")[2].lower()


def _rg(arm_id: str) -> str:
    return arm_id.split("/")[4]


class Fault:
    def __init__(self, method: str, path: str, *, status: int = 0,
                 headers: dict[str, str] | None = None, malformed: bool = False,
                 delay: float = 0.0, times: int = 1, drip: float = 0.0,
                 rows: list[Any] | None = None) -> None:
        self.method, self.path, self.status = method, path, status
        self.headers, self.malformed, self.delay, self.times = headers or {}, malformed, delay, times
        self.drip = drip  # answer a byte every `drip` seconds, for ever
        self.rows = rows  # a Resource Graph page of exactly these rows


class AzureTestServer:
    def __init__(self, resources: list[dict[str, Any]], *, page_size: int = 2,
                 graph_page_size: int = 1000, subscriptions: list[str] | None = None,
                 skus: list[dict[str, Any]] | None = None) -> None:
        self.resources = [r for r in resources if str(r.get("type", "")).lower() in TYPE_NAMES]
        # The recycle bin is served only by its listing; Resource SKUs by their list.
        self.soft_deleted = [r for r in resources
                             if str(r.get("type", "")).lower() == SOFT_DELETED]
        self.skus = skus or []
        self.page_size = page_size
        self.graph_page_size = graph_page_size
        self.subscriptions = subscriptions or sorted({_sub(r["id"]) for r in self.resources})
        self.faults: list[Fault] = []
        self.next_link_base: str | None = None
        self.redirect_base: str | None = None  # a hostile server: 307 to another origin
        self.requests: list[tuple[str, str]] = []
        self.graph_calls: dict[str, int] = defaultdict(int)
        self.quota_remaining = 100
        self.lock = threading.Lock()
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def ca_file(self, path: str) -> str:
        self.ca.cert_pem.write_to_path(path)
        return path

    def __enter__(self) -> "AzureTestServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- data -----------------------------------------------------------------------

    def of_type(self, rtype: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if str(r.get("type", "")).lower() == rtype]

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == method and fault.path in path and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, doc: Any, headers: dict[str, str] | None = None,
                      raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _preflight(self, method: str) -> bool:
                owner.requests.append((method, self.path))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._send(401, {"error": {"code": "AuthenticationFailed",
                                               "message": "no or wrong bearer token"}})
                    return False
                if owner.redirect_base is not None:
                    self.send_response(307)
                    self.send_header("Location", f"{owner.redirect_base}{self.path}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return False
                fault = owner._take_fault(method, self.path)
                if fault is None:
                    return True
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.drip:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    try:
                        while True:
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(fault.drip)
                    except OSError:
                        return False
                if fault.rows is not None:
                    self._send(200, {"totalRecords": len(fault.rows), "count": len(fault.rows),
                                     "data": fault.rows, "facets": [],
                                     "resultTruncated": "false"})
                    return False
                if fault.malformed:
                    self._send(200, None, raw=b'{"value": [ {"id": "/subscriptions/x", ')
                    return False
                if fault.status:
                    self._send(fault.status, {"error": {"code": "Injected",
                                                        "message": f"injected {fault.status}"}},
                               fault.headers)
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802
                if not self._preflight("GET"):
                    return
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                path = url.path.rstrip("/")
                start = int(query.get("$skiptoken", ["0"])[0])
                low = path.lower()
                if low == "/subscriptions":
                    items = [{"id": f"/subscriptions/{s}", "subscriptionId": s,
                              "displayName": s, "state": "Enabled"}
                             for s in owner.subscriptions]
                    return self._page(items, start, path, query)
                m = re.match(r"^/subscriptions/([^/]+)/providers/microsoft\.compute/"
                             r"(galleries|virtualmachines|virtualmachinescalesets)$", low)
                if m:
                    rtype = {"galleries": "microsoft.compute/galleries",
                             "virtualmachines": "microsoft.compute/virtualmachines",
                             "virtualmachinescalesets":
                                 "microsoft.compute/virtualmachinescalesets"}[m.group(2)]
                    items = [arm_body(r) for r in owner.of_type(rtype)
                             if _sub(r["id"]) == m.group(1)]
                    return self._page(items, start, path, query)
                m = re.match(r"^/subscriptions/([^/]+)/providers/microsoft\.compute/skus$", low)
                if m:
                    wanted = query.get("$filter", [""])[0]
                    loc = re.search(r"location eq '([^']+)'", wanted)
                    items = [k for k in owner.skus if loc is None or loc.group(1).lower() in
                             [x.lower() for x in k.get("locations", [])]]
                    return self._page(items, start, path, query)
                if re.search(r"/softdeletedartifacttypes/images/artifacts/[^/]+/versions$", low):
                    gallery = low.split("/softdeletedartifacttypes/")[0]
                    image = low.rsplit("/", 2)[1]
                    items = [r for r in owner.soft_deleted
                             if r["id"].lower().startswith(gallery + "/") and
                             r["id"].lower().split("/artifacts/")[1].split("/")[0] == image]
                    return self._page(items, start, path, query)
                resource = [r for r in owner.resources if r["id"].lower() == low]
                if resource:
                    body = arm_body(resource[0])
                    props = dict(body.get("properties") or {})
                    expand = query.get("$expand", [""])[0]
                    if "Groups" not in expand and "sharingProfile" in props:
                        props["sharingProfile"] = {k: v for k, v in
                                                   props["sharingProfile"].items()
                                                   if k != "groups"}
                    if expand != "ReplicationStatus":
                        props.pop("replicationStatus", None)
                    if expand != "ValidationProfile":
                        props.pop("validationsProfile", None)
                    body["properties"] = props
                    return self._send(200, body)
                if low.endswith("/sessionhosts"):
                    parent = low[: -len("/sessionhosts")]
                    items = [arm_body(r) for r in owner.of_type(
                        "microsoft.desktopvirtualization/hostpools/sessionhosts")
                        if r["id"].lower().rsplit("/", 2)[0] == parent]
                    return self._page(items, start, path, query)
                m = re.match(r"^/subscriptions/([^/]+)/providers/(microsoft\.virtualmachineimages/"
                             r"imagetemplates|microsoft\.compute/images|"
                             r"microsoft\.desktopvirtualization/hostpools)$", low)
                if m:
                    items = [arm_body(r) for r in owner.of_type(m.group(2))
                             if _sub(r["id"]) == m.group(1)]
                    return self._page(items, start, path, query)
                for child, rtype in (
                        ("/images", "microsoft.compute/galleries/images"),
                        ("/versions", "microsoft.compute/galleries/images/versions"),
                        ("/applications", "microsoft.compute/galleries/applications"),
                        ("/versions", "microsoft.compute/galleries/applications/versions")):
                    if low.endswith(child):
                        parent = low[: -len(child)]
                        if child == "/versions" and ("/applications/" in parent) != (
                                "applications" in rtype):
                            continue
                        items = []
                        for r in owner.of_type(rtype):
                            if r["id"].lower().rsplit("/", 2)[0] == parent:
                                body = arm_body(r)
                                props = dict(body.get("properties") or {})
                                props.pop("replicationStatus", None)  # lists never expand
                                props.pop("validationsProfile", None)
                                body["properties"] = props
                                items.append(body)
                        return self._page(items, start, path, query)
                self._send(404, {"error": {"code": "ResourceNotFound", "message": path}})

            def _page(self, items: list[Any], start: int, path: str,
                      query: dict[str, list[str]]) -> None:
                end = start + owner.page_size
                body: dict[str, Any] = {"value": items[start:end]}
                if end < len(items):
                    version = query.get("api-version", ["2026-03-03"])[0]
                    relative = f"{path}?api-version={version}&$skiptoken={end}"
                    # Alternate absolute and relative nextLinks: the SDK must follow both.
                    body["nextLink"] = (relative if (end // owner.page_size) % 2 == 0
                                        else f"{owner.endpoint}{relative}")
                    if owner.next_link_base is not None:  # a hostile page: links elsewhere
                        body["nextLink"] = f"{owner.next_link_base}{relative}"
                self._send(200, body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self._preflight("POST"):
                    return
                if "/providers/Microsoft.ResourceGraph/resources" not in self.path:
                    return self._send(404, {"error": {"code": "NotFound", "message": self.path}})
                request = json.loads(raw)
                query = request.get("query", "")
                name = next((k for k, q in QUERIES.items() if q == query), None)
                if name is None:
                    return self._send(400, {"error": {"code": "BadRequest",
                                                      "message": "unknown query"}})
                with owner.lock:
                    owner.graph_calls[name] += 1
                    owner.quota_remaining = max(0, owner.quota_remaining - 1)
                    remaining = owner.quota_remaining
                subs = {s.lower() for s in request.get("subscriptions") or owner.subscriptions}
                rows = [project(name, r) for r in owner.of_type(QUERY_TYPES[name])
                        if _sub(r["id"]) in subs]
                rows.sort(key=lambda r: r["id"])
                options = request.get("options") or {}
                top = min(int(options.get("$top") or 100), owner.graph_page_size)
                start = int(options.get("$skipToken") or 0)
                page = rows[start:start + top]
                body: dict[str, Any] = {"totalRecords": len(rows), "count": len(page),
                                        "resultTruncated": "false", "data": page, "facets": []}
                if start + top < len(rows):
                    body["$skipToken"] = str(start + top)
                self._send(200, body, {"x-ms-user-quota-remaining": str(remaining),
                                       "x-ms-user-quota-resets-after": "00:00:01"})

        return Handler


def project(query: str, row: dict[str, Any]) -> dict[str, Any]:
    """What Resource Graph answers for one of the exporter's queries (queries.py)."""
    base = {"id": row["id"], "name": row["name"], "location": row.get("location"),
            "subscriptionId": _sub(row["id"]), "resourceGroup": _rg(row["id"]).lower(),
            "tags": row.get("tags") or {}}
    props = row.get("properties") or {}
    if query in ("imageTemplates", "managedImages", "hostPools"):
        out = {**base, "type": str(row["type"]).lower(), "properties": props}
        if query == "imageTemplates":
            out["identity"] = row.get("identity")
        return out
    if query in ("galleries", "imageDefinitions", "imageVersions", "applications",
                 "applicationVersions"):
        props = dict(props)
        props.pop("replicationStatus", None)
        props.pop("validationsProfile", None)
        if "sharingProfile" in props:
            props["sharingProfile"] = {k: v for k, v in props["sharingProfile"].items()
                                       if k != "groups"}
        return {**base, "type": str(row["type"]).lower(), "properties": props}
    if query == "virtualMachines":
        sp = props.get("storageProfile") or {}
        ref = sp.get("imageReference") or {}
        return {**base, "imageId": ref.get("id") or "",
                "sharedGalleryImageId": ref.get("sharedGalleryImageId") or "",
                "communityGalleryImageId": ref.get("communityGalleryImageId") or "",
                "exactVersion": ref.get("exactVersion") or "",
                "osDiskType": ((sp.get("osDisk") or {}).get("managedDisk") or {}).get(
                    "storageAccountType") or "",
                "dataDiskTypes": sp.get("dataDisks"),
                "securityType": (props.get("securityProfile") or {}).get("securityType") or "",
                "vmssId": (props.get("virtualMachineScaleSet") or {}).get("id") or "",
                "vmSize": (props.get("hardwareProfile") or {}).get("vmSize") or "",
                "diskControllerType": sp.get("diskControllerType") or "",
                "osType": (sp.get("osDisk") or {}).get("osType") or "",
                "diffDiskSettings": (sp.get("osDisk") or {}).get("diffDiskSettings"),
                "galleryApplications": (props.get("applicationProfile") or {}).get(
                    "galleryApplications"),
                "extendedLocation": row.get("extendedLocation"),
                **_v3_columns(ref, sp.get("osDisk") or {}, props.get("securityProfile") or {}),
                "osDiskVhdUri": ((sp.get("osDisk") or {}).get("vhd") or {}).get("uri") or "",
                "osDiskCreateOption": (sp.get("osDisk") or {}).get("createOption") or ""}
    vp = props.get("virtualMachineProfile") or {}
    sp = vp.get("storageProfile") or {}
    ref = sp.get("imageReference") or {}
    sku = row.get("sku") or {}
    return {**base, "capacity": sku.get("capacity"), "skuName": sku.get("name") or "",
            "orchestrationMode": props.get("orchestrationMode") or "",
            "imageId": ref.get("id") or "",
            "sharedGalleryImageId": ref.get("sharedGalleryImageId") or "",
            "communityGalleryImageId": ref.get("communityGalleryImageId") or "",
            "osDiskType": ((sp.get("osDisk") or {}).get("managedDisk") or {}).get(
                "storageAccountType") or "",
            "dataDiskTypes": sp.get("dataDisks"),
            "securityType": (vp.get("securityProfile") or {}).get("securityType") or "",
            "diskControllerType": sp.get("diskControllerType") or "",
            "osType": (sp.get("osDisk") or {}).get("osType") or "",
            "diffDiskSettings": (sp.get("osDisk") or {}).get("diffDiskSettings"),
            "galleryApplications": (vp.get("applicationProfile") or {}).get(
                "galleryApplications"),
            "extendedLocation": row.get("extendedLocation"),
            **_v3_columns(ref, sp.get("osDisk") or {}, vp.get("securityProfile") or {}),
            "vhdContainers": (sp.get("osDisk") or {}).get("vhdContainers")}


def _v3_columns(ref: dict[str, Any], os_disk: dict[str, Any],
                security: dict[str, Any]) -> dict[str, Any]:
    """The catalog v3 columns both compute queries project (tostring gives "" for absent
    values, toint and plain paths null)."""
    uefi = security.get("uefiSettings") or {}
    return {"imagePublisher": ref.get("publisher") or "", "imageOffer": ref.get("offer") or "",
            "imageSku": ref.get("sku") or "",
            "osDiskImageUri": (os_disk.get("image") or {}).get("uri") or "",
            "osDiskSizeGB": os_disk.get("diskSizeGB"),
            "secureBootEnabled": uefi.get("secureBootEnabled"),
            "vTpmEnabled": uefi.get("vTpmEnabled")}
