"""Read live gallery state from Azure into a snapshot (schemas/inventory.schema.json).

Two sources:
- `resource-graph` (default): one query per resource type, across
  subscriptions in batches (or management groups), paged by `$skipToken`
  (1,000 rows a page), pacing itself by `x-ms-user-quota-remaining` /
  `x-ms-user-quota-resets-after` and retrying 429 and 5xx with backoff itself
  (azure-core does not retry a POST on 429 without Retry-After). What Resource
  Graph does not carry is then fetched through azure-mgmt-compute for just the
  resources that need it: sharing groups of galleries shared by Groups, the
  replication status of versions whose provisioning is not Succeeded.
- `arm`: azure-mgmt-compute list calls per subscription, for tenants without
  Resource Graph access.

A scope that fails after retries is recorded in the snapshot's metadata with
the reason; nothing secret is ever written (the token stays in the credential).
"""

from __future__ import annotations

import math
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Sequence

from .. import __version__
from ..errors import GalleryLintError, InputError
from .queries import QUERIES, RESOURCE_GRAPH_API_VERSION

CLOUDS = {
    "AzureCloud": "https://management.azure.com",
    "AzureChinaCloud": "https://management.chinacloudapi.cn",
    "AzureUSGovernment": "https://management.usgovcloudapi.net",
}
SUBSCRIPTION_BATCH = 200  # Resource Graph guidance: fewer than 300 per query
PAGE_SIZE = 1000
MAX_ATTEMPTS = 6
CONCURRENCY = 8
SNAPSHOT_ARRAYS = ("galleries", "imageDefinitions", "imageVersions", "virtualMachines",
                   "virtualMachineScaleSets", "applications", "applicationVersions",
                   "softDeletedVersions", "resourceSkus", "imageTemplates", "managedImages",
                   "hostPools", "sessionHosts")
SKUS_API_VERSION = "2021-07-01"  # Resource SKUs - List
SOFT_DELETE_API_VERSION = "2024-03-03"  # the first GalleryRP version with the recycle bin
VALIDATION_API_VERSION = "2025-03-03"  # $expand=ValidationProfile
AIB_API_VERSION = "2024-02-01"  # Image Builder templates (GA)
AVD_API_VERSION = "2025-10-10"  # host pools and their session hosts (GA)
IMAGES_API_VERSION = "2024-07-01"  # managed images (Microsoft.Compute/images)
_TRUSTED_LAUNCH_SUPPORTED = ("trustedlaunchsupported", "trustedlaunchandconfidentialvmsupported")


class ExportError(GalleryLintError):
    exit_code = 3


def _origin(url: str) -> tuple[str, str, int]:
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https"
                                                                  else 80)


class ForeignRequestError(ExportError):
    """A request (an SDK pager's nextLink, a redirect target) for another origin than
    the ARM endpoint: refused before it is sent, never retried."""


def endpoint_guard(endpoint: str) -> Any:
    """An azure-core policy, first in every client's pipeline (before retry and the
    bearer token policy): requests go only to the ARM endpoint's scheme, host and port.
    The SDK's pagers follow a page's `nextLink` wherever it points, with the token."""
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    allowed = _origin(endpoint)

    class EndpointGuard(SansIOHTTPPolicy):  # type: ignore[misc]
        def on_request(self, request: Any) -> None:
            target = _origin(request.http_request.url)
            if target != allowed:
                raise ForeignRequestError(
                    "request", f"refused a request to {target[0]}://{target[1]}:{target[2]} "
                    f"(a nextLink of a page?): only {endpoint} receives the token")

    return EndpointGuard()


@dataclass
class Progress:
    """Pages fetched and resources so far on stderr: one line rewritten on a terminal;
    off a terminal (a CI log), a plain line every `log_every` seconds."""

    enabled: bool
    pages: int = 0
    resources: int = 0
    log_every: float | None = None
    _last: float = float("-inf")  # the first page is logged, then every log_every s

    def page(self, rows: int) -> None:
        self.pages += 1
        self.resources += rows
        text = f"gallerylint export: {self.pages} page(s), {self.resources} resource(s)"
        if self.enabled:
            sys.stderr.write(f"\r{text}")
            sys.stderr.flush()
        elif self.log_every is not None and time.monotonic() - self._last >= self.log_every:
            self._last = time.monotonic()
            sys.stderr.write(f"{text} so far\n")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


@dataclass
class ExportResult:
    arrays: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {k: [] for k in SNAPSHOT_ARRAYS})
    failed_scopes: list[dict[str, str]] = field(default_factory=list)
    resource_graph_calls: dict[str, int] = field(default_factory=dict)
    api_versions: dict[str, str] = field(default_factory=dict)


class StaticTokenCredential:
    """AZURE_ACCESS_TOKEN as a credential (as `az account get-access-token` hands it out)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken
        return AccessToken(self._token, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessTokenInfo
        return AccessTokenInfo(self._token, int(time.time()) + 3600)


def make_credential(environ: dict[str, str]) -> Any:
    token = environ.get("AZURE_ACCESS_TOKEN")
    if token:
        return StaticTokenCredential(token)
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        raise InputError(None, "the exporter needs the Azure SDK",
                         hint="pip install 'gallerylint[azure]'") from None
    if not environ.get("GALLERYLINT_DEBUG"):
        # Each credential of the chain logs why it was unavailable (about 15 lines); the
        # one line that matters is the export's own error. GALLERYLINT_DEBUG shows them.
        import logging
        logging.getLogger("azure").setLevel(logging.CRITICAL)
    return DefaultAzureCredential()


def _status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None) or getattr(exc, "status_code", None)


MAX_WAIT_SECONDS = 300.0  # no single wait longer, whatever a server asks for


def _seconds(text: Any, scale: float = 1.0) -> float | None:
    """A non-negative, finite number of seconds from a header, else None."""
    try:
        value = float(str(text).strip()) * scale
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return min(value, MAX_WAIT_SECONDS)


def _retry_delay(exc: BaseException, attempt: int) -> float:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for key in ("retry-after-ms", "x-ms-retry-after-ms"):
        if headers.get(key):
            delay = _seconds(headers[key], 1 / 1000)
            if delay is not None:
                return delay
    if headers.get("Retry-After"):
        delay = _seconds(headers["Retry-After"])
        if delay is not None:
            return delay
    resets = _parse_resets_after(headers.get("x-ms-user-quota-resets-after"))
    if resets is not None:
        return resets
    base = _seconds(os.environ.get("GALLERYLINT_EXPORT_BACKOFF_SECONDS") or 0.5) or 0.0
    return min(30.0, base * (2 ** attempt)) * (0.5 + random.random() / 2)


def _parse_resets_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        h, m, s = value.split(":")
        return _seconds(int(h) * 3600 + int(m) * 60 + float(s))
    except (ValueError, OverflowError):
        return None


READ_TIMEOUT_SECONDS = 60  # one socket read; the whole export is bounded by --timeout
CONNECT_TIMEOUT_SECONDS = 20


def run_jobs(jobs: Sequence[Callable[[], None]], workers: int = CONCURRENCY) -> None:
    """Run jobs on daemon threads, CONCURRENCY at a time. Daemon threads, not a
    ThreadPoolExecutor: on Ctrl-C, SIGTERM or the deadline the process exits at once
    instead of joining workers still waiting on the network. Each job records its own
    failure (a failed scope); anything else it raises is raised here."""
    import queue
    import threading
    pending: queue.Queue[Callable[[], None]] = queue.Queue()
    for job in jobs:
        pending.put(job)
    errors: list[BaseException] = []

    def worker() -> None:
        while not errors:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return
            try:
                job()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                errors.append(exc)

    threads = [threading.Thread(target=worker, daemon=True)
               for _ in range(min(workers, len(jobs)))]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.2)  # short joins: the main thread still receives signals
    if errors:
        raise errors[0]


def with_retries(call: Callable[[], Any], what: str, sleep: Callable[[float], None]) -> Any:
    """Retry 429, 408 and 5xx (any method, POST included) with backoff."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return call()
        except Exception as exc:
            status = _status_of(exc)
            retryable = status in (408, 429) or (status is not None and status >= 500) or (
                status is None and type(exc).__name__ in ("ServiceRequestError",
                                                          "ServiceResponseError"))
            if not retryable or attempt == MAX_ATTEMPTS - 1:
                raise
            sleep(_retry_delay(exc, attempt))
    raise AssertionError("unreachable")


def _describe(exc: BaseException) -> str:
    status = _status_of(exc)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"HTTP {status}: {text}" if status else f"{type(exc).__name__}: {text}"


# The collection a Compute path lists or reads, by its last type segment.
_CALL_KINDS = {"galleries": "galleries", "images": "imageDefinitions",
               "versions": "imageVersions", "applications": "applications",
               "virtualmachines": "virtualMachines",
               "virtualmachinescalesets": "virtualMachineScaleSets", "skus": "resourceSkus"}
_OTHER_PROVIDERS = {"/providers/microsoft.virtualmachineimages/": "imageTemplates",
                    "/providers/microsoft.desktopvirtualization/": "hostPools"}


def call_kind(path: str) -> str | None:
    """Which kind of call an ARM path is: `.../galleries/g/images` lists definitions,
    `.../applications/a/versions` application versions, `.../softDeletedArtifactTypes/
    Images/artifacts/i/versions` the soft-deleted listing, `/subscriptions` the
    subscriptions, a Resource Graph path the queries."""
    low = path.lower().rstrip("/")
    if "/microsoft.resourcegraph/" in low:
        return "resourceGraph"
    if "/softdeletedartifacttypes/" in low:
        return "softDeletedVersions"
    for provider, kind in _OTHER_PROVIDERS.items():
        if provider in low:
            return "sessionHosts" if low.endswith("/sessionhosts") else kind
    marker = "/providers/microsoft.compute/"
    if marker not in low:
        return "subscriptions" if low.startswith("/subscriptions") else None
    segments = low.split(marker, 1)[1].split("/")
    types = segments[0::2]  # galleries, images, versions … (names sit between them)
    if not types:
        return None
    last = types[-1]
    if types[0] == "images":  # Microsoft.Compute/images: managed images, not a gallery's
        return "managedImages"
    if last == "versions" and "applications" in types:
        return "applicationVersions"
    return _CALL_KINDS.get(last)


class Exporter:
    def __init__(self, credential: Any, endpoint: str, *, progress: Progress | None = None,
                 sleep: Callable[[float], None] = time.sleep, transport: Any = None) -> None:
        self.credential = credential
        self.endpoint = endpoint.rstrip("/")
        self.scope = f"{self.endpoint}/.default"
        self.progress = progress or Progress(False)
        self.sleep = sleep
        self.api_versions: dict[str, str] = {}
        self.client_kwargs: dict[str, Any] = {"credential_scopes": [self.scope],
                                              "retry_total": 0,
                                              "raw_request_hook": self._record_api_version,
                                              "per_call_policies": [endpoint_guard(
                                                  self.endpoint)],
                                              # again after the redirect policy: a 3xx to
                                              # another origin is refused, not followed
                                              "per_retry_policies": [endpoint_guard(
                                                  self.endpoint)],
                                              "connection_timeout": CONNECT_TIMEOUT_SECONDS,
                                              "read_timeout": READ_TIMEOUT_SECONDS}
        if transport is not None:
            self.client_kwargs["transport"] = transport

    def _record_api_version(self, request: Any) -> None:
        """The api-version each kind of call really used, for the snapshot's metadata."""
        from urllib.parse import parse_qs, urlsplit
        url = urlsplit(request.http_request.url)
        version = parse_qs(url.query).get("api-version")
        if not version:
            return
        kind = call_kind(url.path)
        if kind:
            self.api_versions.setdefault(kind, version[0])

    # -- clients --------------------------------------------------------------------

    def compute(self, subscription: str) -> Any:
        from azure.mgmt.compute import ComputeManagementClient
        return ComputeManagementClient(self.credential, subscription, base_url=self.endpoint,
                                       **self.client_kwargs)

    def graph(self) -> Any:
        from azure.mgmt.resourcegraph import ResourceGraphClient
        return ResourceGraphClient(self.credential, base_url=self.endpoint,
                                   **self.client_kwargs)

    # -- scopes ---------------------------------------------------------------------

    def list_subscriptions(self) -> list[str]:
        """Every subscription the credential can see (ARM, paged by nextLink, which is
        followed only to the ARM endpoint itself: see get_json)."""
        items = self.get_json("00000000-0000-0000-0000-000000000000",
                              f"{self.endpoint}/subscriptions?api-version=2022-12-01",
                              "list subscriptions")
        return [s["subscriptionId"] for s in items if s.get("subscriptionId")]

    # -- Resource Graph -----------------------------------------------------------------

    def resource_graph(self, subscriptions: Sequence[str], management_groups: Sequence[str],
                       result: ExportResult) -> None:
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
        client = self.graph()
        result.api_versions["resourceGraph"] = RESOURCE_GRAPH_API_VERSION
        if management_groups:
            scopes = [("managementGroups", list(management_groups))]
        else:
            scopes = [("subscriptions", list(subscriptions[i:i + SUBSCRIPTION_BATCH]))
                      for i in range(0, len(subscriptions), SUBSCRIPTION_BATCH)]
        quota: dict[str, Any] = {}
        for kind, ids in scopes:
            scope_name = f"{kind}:{','.join(ids)}"
            rows_of_scope: dict[str, list[dict[str, Any]]] = {k: [] for k in QUERIES}
            try:
                for array, query in QUERIES.items():
                    token = None
                    seen_tokens: set[str] = set()
                    while True:
                        self._pace(quota)
                        options = QueryRequestOptions(top=PAGE_SIZE, skip_token=token,
                                                      result_format="objectArray")
                        request = QueryRequest(query=query, options=options,
                                               **{"subscriptions" if kind == "subscriptions"
                                                  else "management_groups": ids})

                        def call(request: Any = request, array: str = array) -> Any:
                            result.resource_graph_calls[array] = \
                                result.resource_graph_calls.get(array, 0) + 1
                            return client.resources(
                                request, raw_response_hook=lambda r: quota.update(
                                    {k.lower(): v for k, v in r.http_response.headers.items()}))

                        response = with_retries(call, "Resource Graph query", self.sleep)
                        rows = response.data if isinstance(response.data, list) else None
                        if rows is None:
                            raise ExportError(scope_name, "Resource Graph returned a page "
                                              "without a data array")
                        for number, row in enumerate(rows, 1):
                            problem = _row_problem(row)
                            if problem:
                                raise ExportError(scope_name, f"Resource Graph row {number} of "
                                                  f"{array}: {problem}")
                            rows_of_scope[array].append(row)
                        self.progress.page(len(rows))
                        token = response.skip_token
                        if not token:
                            break
                        if token in seen_tokens:
                            raise ExportError(scope_name, "Resource Graph repeated a "
                                              "$skipToken: paging would never end")
                        seen_tokens.add(token)
            except Exception as exc:  # the scope lands whole or not at all
                result.failed_scopes.append({"scope": scope_name, "error": _describe(exc)})
                continue
            for array, rows in rows_of_scope.items():
                result.arrays[array].extend(rows)
        self._complete_from_arm(result)
        self.catalog_v2_extras(result)

    def _pace(self, quota: dict[str, Any]) -> None:
        """Wait out the user quota when the last response said it is spent."""
        remaining = quota.get("x-ms-user-quota-remaining")
        if remaining is not None:
            try:
                if int(remaining) <= 0:
                    delay = _parse_resets_after(quota.get("x-ms-user-quota-resets-after"))
                    self.sleep(delay if delay is not None else 5.0)
            except ValueError:
                pass

    def _complete_from_arm(self, result: ExportResult) -> None:
        """Sharing groups and replication status: not in Resource Graph, fetched per resource."""
        jobs: list[Callable[[], None]] = []
        for row in result.arrays["galleries"]:
            props = row.get("properties") if isinstance(row.get("properties"), dict) else {}
            sharing = props.get("sharingProfile") or {}
            if str(sharing.get("permissions", "")).lower() == "groups":
                jobs.append(lambda row=row: self._expand_gallery(row, result))
        for row in result.arrays["imageVersions"]:
            props = row.get("properties") if isinstance(row.get("properties"), dict) else {}
            if str(props.get("provisioningState", "Succeeded")).lower() != "succeeded":
                jobs.append(lambda row=row: self._expand_version(row, result))
        if not jobs:
            return
        run_jobs(jobs)

    def _expand_gallery(self, row: dict[str, Any], result: ExportResult) -> None:
        sub, rg, name = _parts(row["id"], ("subscriptions", "resourcegroups", "galleries"))
        try:
            full = with_retries(lambda: self.compute(sub).galleries.get(
                rg, name, expand="SharingProfile/Groups"), "get gallery", self.sleep).as_dict()
            sharing = (full.get("properties") or {}).get("sharingProfile")
            if sharing is not None:
                row.setdefault("properties", {})["sharingProfile"] = sharing
        except Exception as exc:
            result.failed_scopes.append({"scope": row["id"], "error": _describe(exc)})

    def _expand_version(self, row: dict[str, Any], result: ExportResult) -> None:
        sub, rg, gallery, image, version = _parts(
            row["id"], ("subscriptions", "resourcegroups", "galleries", "images", "versions"))
        try:
            full = with_retries(lambda: self.compute(sub).gallery_image_versions.get(
                rg, gallery, image, version, expand="ReplicationStatus"),
                "get version", self.sleep).as_dict()
            status = (full.get("properties") or {}).get("replicationStatus")
            if status is not None:
                row.setdefault("properties", {})["replicationStatus"] = status
        except Exception as exc:
            result.failed_scopes.append({"scope": row["id"], "error": _describe(exc)})

    # -- what catalog v2 reads and Resource Graph does not carry ------------------------

    def get_json(self, subscription: str, url: str, what: str) -> list[dict[str, Any]]:
        """Every item of an ARM list URL (nextLink paging, each page retried). A nextLink
        is followed only to the ARM endpoint's own scheme, host and port: anywhere else
        would receive the bearer token."""
        from urllib.parse import urljoin, urlsplit

        from azure.core.rest import HttpRequest
        client = self.compute(subscription)
        base = urlsplit(self.endpoint)
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        next_url: str | None = url
        while next_url:
            absolute = urljoin(self.endpoint + "/", next_url)
            target = urlsplit(absolute)
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                raise ExportError(what, f"a nextLink points to {target.scheme}://"
                                  f"{target.netloc}, not {self.endpoint}: refused")
            if absolute in seen:
                raise ExportError(what, "a nextLink repeats an earlier page: refused")
            seen.add(absolute)
            request = HttpRequest("GET", absolute)
            response = with_retries(lambda: _checked(client._client.send_request(request)),
                                    what, self.sleep)
            body = response.json()
            page = body.get("value") if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise ExportError(what, "the response has no value array")
            items += [i for i in page if isinstance(i, dict)]
            self.progress.page(len(page))
            next_url = body.get("nextLink") if isinstance(body.get("nextLink"), str) else None
        return items

    def catalog_v2_extras(self, result: ExportResult) -> None:
        """The soft-deleted listing of galleries with soft delete on, the Resource SKUs of
        the sizes and regions in use (one call per subscription), and the Trusted Launch
        validation of versions whose definition supports Trusted Launch."""
        jobs: list[Callable[[], None]] = []
        for row in result.arrays["galleries"]:
            props = row.get("properties") if isinstance(row.get("properties"), dict) else {}
            policy = props.get("softDeletePolicy") or {}
            if isinstance(policy, dict) and policy.get("isSoftDeleteEnabled") is True:
                gallery_id = row["id"].lower()
                for image in result.arrays["imageDefinitions"]:
                    if image["id"].lower().startswith(gallery_id + "/images/"):
                        jobs.append(lambda row=row, image=image: self._soft_deleted(
                            row, image, result))
        supported = set()
        for image in result.arrays["imageDefinitions"]:
            props = image.get("properties") if isinstance(image.get("properties"), dict) else {}
            for f in props.get("features") or []:
                if isinstance(f, dict) and str(f.get("name", "")).lower() == "securitytype" and \
                        str(f.get("value", "")).lower() in _TRUSTED_LAUNCH_SUPPORTED:
                    supported.add(image["id"].lower())
        for version in result.arrays["imageVersions"]:
            if version["id"].lower().rsplit("/versions/", 1)[0] in supported:
                jobs.append(lambda version=version: self._validation(version, result))
        for pool in result.arrays["hostPools"]:
            jobs.append(lambda pool=pool: self._session_hosts(pool, result))
        sizes: dict[str, set[tuple[str, str]]] = {}
        for array in ("virtualMachines", "virtualMachineScaleSets"):
            for row in result.arrays[array]:
                size = row.get("vmSize") or row.get("skuName") or \
                    ((row.get("properties") or {}).get("hardwareProfile") or {}).get("vmSize") \
                    or (row.get("sku") or {}).get("name")
                if isinstance(size, str) and size:
                    sub = row["id"].split("/")[2]
                    sizes.setdefault(sub, set()).add(
                        (size.lower(), str(row.get("location", "")).replace(" ", "").lower()))
        for sub, wanted in sizes.items():
            jobs.append(lambda sub=sub, wanted=wanted: self._skus(sub, wanted, result))
        if not jobs:
            return
        run_jobs(jobs)

    def _soft_deleted(self, gallery: dict[str, Any], image: dict[str, Any],
                      result: ExportResult) -> None:
        sub = gallery["id"].split("/")[2]
        url = (f"{self.endpoint}{gallery['id']}/softDeletedArtifactTypes/Images/artifacts/"
               f"{image['name']}/versions?api-version={SOFT_DELETE_API_VERSION}")
        try:
            result.arrays["softDeletedVersions"].extend(
                self.get_json(sub, url, "soft-deleted listing"))
        except Exception as exc:
            result.failed_scopes.append({"scope": image["id"], "error": _describe(exc)})

    def _session_hosts(self, pool: dict[str, Any], result: ExportResult) -> None:
        """A host pool's session hosts (ACG407, ACG806 read which VMs they are)."""
        sub = pool["id"].split("/")[2]
        url = f"{self.endpoint}{pool['id']}/sessionHosts?api-version={AVD_API_VERSION}"
        try:
            result.arrays["sessionHosts"].extend(self.get_json(sub, url, "session hosts"))
        except Exception as exc:
            result.failed_scopes.append({"scope": pool["id"], "error": _describe(exc)})

    def _validation(self, version: dict[str, Any], result: ExportResult) -> None:
        from azure.core.rest import HttpRequest
        sub = version["id"].split("/")[2]
        url = (f"{self.endpoint}{version['id']}?api-version={VALIDATION_API_VERSION}"
               "&$expand=ValidationProfile")
        try:
            client = self.compute(sub)
            response = with_retries(
                lambda: _checked(client._client.send_request(HttpRequest("GET", url))),
                "get version", self.sleep)
            profile = ((response.json() or {}).get("properties") or {}).get("validationsProfile")
            if profile is not None:
                version.setdefault("properties", {})["validationsProfile"] = profile
        except Exception as exc:
            result.failed_scopes.append({"scope": version["id"], "error": _describe(exc)})

    def _skus(self, sub: str, wanted: set[tuple[str, str]], result: ExportResult) -> None:
        regions = {r for _, r in wanted if r}
        url = (f"{self.endpoint}/subscriptions/{sub}/providers/Microsoft.Compute/skus"
               f"?api-version={SKUS_API_VERSION}")
        names = {n for n, _ in wanted}

        def fetch(target: str) -> list[dict[str, Any]]:
            return [{k: item.get(k) for k in ("resourceType", "name", "locations",
                                              "capabilities")}
                    for item in self.get_json(sub, target, "resource SKUs")
                    if str(item.get("resourceType", "")).lower() == "virtualmachines"
                    and str(item.get("name", "")).lower() in names]
        try:
            found = fetch(f"{url}&$filter=location eq '{next(iter(regions))}'"
                          if len(regions) == 1 else url)
            if len(regions) == 1 and {str(i.get("name", "")).lower() for i in found} != names:
                # A size Azure does not list in that region: the rules fall back to any
                # item of its name, which only the unfiltered list has.
                found = fetch(url)
            result.arrays["resourceSkus"].extend(found)
        except Exception as exc:
            result.failed_scopes.append({"scope": f"skus:{sub}", "error": _describe(exc)})

    # -- ARM ------------------------------------------------------------------------

    def arm(self, subscriptions: Sequence[str], result: ExportResult) -> None:
        for sub in subscriptions:
            try:
                self._arm_subscription(sub, result)
            except Exception as exc:
                result.failed_scopes.append({"scope": f"subscriptions:{sub}",
                                             "error": _describe(exc)})
        self.catalog_v2_extras(result)

    def _arm_subscription(self, sub: str, result: ExportResult) -> None:
        client = self.compute(sub)
        arrays: dict[str, list[dict[str, Any]]] = {k: [] for k in SNAPSHOT_ARRAYS}
        for gallery in self._paged(client.galleries.list()):
            rg = _parts(gallery["id"], ("resourcegroups",))[0]
            name = gallery["name"]
            sharing = (gallery.get("properties") or {}).get("sharingProfile") or {}
            if str(sharing.get("permissions", "")).lower() == "groups":
                gallery = with_retries(lambda: client.galleries.get(
                    rg, name, expand="SharingProfile/Groups").as_dict(), "get gallery",
                    self.sleep)
            arrays["galleries"].append(gallery)
            for image in self._paged(client.gallery_images.list_by_gallery(rg, name)):
                arrays["imageDefinitions"].append(image)
                for version in self._paged(client.gallery_image_versions.list_by_gallery_image(
                        rg, name, image["name"])):
                    state = str((version.get("properties") or {}).get(
                        "provisioningState", "Succeeded")).lower()
                    if state != "succeeded":
                        version = with_retries(
                            lambda: client.gallery_image_versions.get(
                                rg, name, image["name"], version["name"],
                                expand="ReplicationStatus").as_dict(), "get version", self.sleep)
                    arrays["imageVersions"].append(version)
            for app in self._paged(client.gallery_applications.list_by_gallery(rg, name)):
                arrays["applications"].append(app)
                arrays["applicationVersions"] += list(self._paged(
                    client.gallery_application_versions.list_by_gallery_application(
                        rg, name, app["name"])))
        arrays["virtualMachines"] = list(self._paged(client.virtual_machines.list_all()))
        arrays["virtualMachineScaleSets"] = list(
            self._paged(client.virtual_machine_scale_sets.list_all()))
        for key, provider, version in (
                ("imageTemplates", "Microsoft.VirtualMachineImages/imageTemplates",
                 AIB_API_VERSION),
                ("managedImages", "Microsoft.Compute/images", IMAGES_API_VERSION),
                ("hostPools", "Microsoft.DesktopVirtualization/hostPools", AVD_API_VERSION)):
            url = f"{self.endpoint}/subscriptions/{sub}/providers/{provider}?api-version={version}"
            try:
                arrays[key] = self.get_json(sub, url, key)
            except Exception as exc:
                # A provider the subscription never registered has none of them.
                if _status_of(exc) not in (404, 409):
                    raise
        for key, rows in arrays.items():  # a subscription lands whole or not at all
            result.arrays[key].extend(rows)

    def _paged(self, pager: Iterable[Any]) -> Iterator[dict[str, Any]]:
        """Items of an ItemPaged, page by page, each page retried on 429 and 5xx."""
        pages = pager.by_page()  # type: ignore[attr-defined]
        while True:
            try:
                page = with_retries(lambda: list(next(pages)), "list", self.sleep)
            except StopIteration:
                return
            self.progress.page(len(page))
            for item in page:
                yield item.as_dict() if hasattr(item, "as_dict") else dict(item)


def _row_problem(row: Any) -> str | None:
    """Why a Resource Graph row cannot be exported (its scope fails, not the export)."""
    if not isinstance(row, dict):
        return f"not an object but {type(row).__name__}"
    rid = row.get("id")
    if not isinstance(rid, str) or not rid.lower().startswith("/subscriptions/") \
            or len(rid.split("/")) < 3 or not rid.split("/")[2]:
        return "no ARM id (/subscriptions/...)"
    if "properties" in row and row["properties"] is not None and \
            not isinstance(row["properties"], dict):
        return "properties is not an object"
    return None


def _checked(response: Any) -> Any:
    response.raise_for_status()
    return response


def _parts(arm_id: str, names: Sequence[str]) -> tuple[str, ...]:
    segments = arm_id.strip("/").split("/")
    lowered = [s.lower() for s in segments]
    out = []
    for name in names:
        i = lowered.index(name)
        out.append(segments[i + 1])
    return tuple(out)


_SAS = re.compile(r"(?i)([?&](?:sig|se|sv|sp|st|spr|srt|ss|sr|skoid|sktid|skt|ske|sks|skv)=)"
                  r"[^&\s\"']*")
_SECRET_KEYS = ("adminpassword", "customdata", "secret", "password", "connectionstring",
                "accountkey", "sastoken", "protectedsettings")


def redact(value: Any) -> Any:
    """Drop what must never reach a snapshot: SAS signatures in URIs, and values of
    password-, secret- or key-like properties (ARM does not return most of them, but a
    snapshot must not depend on that)."""
    if isinstance(value, str):
        return _SAS.sub(lambda m: m.group(1) + "REDACTED", value) if "=" in value else value
    if isinstance(value, dict):
        return {k: ("REDACTED" if isinstance(k, str) and isinstance(v, str) and v and any(
            s in k.lower() for s in _SECRET_KEYS) else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def snapshot_document(result: ExportResult, *, source: str, cloud: str,
                      subscriptions: Sequence[str], management_groups: Sequence[str],
                      now: datetime | None = None) -> dict[str, Any]:
    from azure.mgmt.compute import __version__ as compute_version
    api_versions = {"azure-mgmt-compute": compute_version, **result.api_versions}
    created = (now or datetime.now(timezone.utc)).isoformat().replace("+00:00", "Z")
    return {
        "kind": "gallerylint.snapshot",
        "schemaVersion": 1,
        "metadata": {
            "toolVersion": __version__,
            "createdAt": created,
            "source": source,
            "cloud": cloud,
            "apiVersions": api_versions,
            "subscriptions": list(subscriptions),
            "managementGroups": list(management_groups),
            "failedScopes": result.failed_scopes,
        },
        **{k: [redact(r) for r in result.arrays[k]] for k in SNAPSHOT_ARRAYS
           if result.arrays[k] or k in SNAPSHOT_ARRAYS[:5]},
    }
