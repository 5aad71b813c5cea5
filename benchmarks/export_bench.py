"""Export time against the local HTTPS ARM / Resource Graph test server.

    python benchmarks/export_bench.py --versions 100000

Builds an estate of N image versions (10 per definition) in Azure's JSON
shapes, serves it from tests/azure_server.py, and times `gallerylint export`'s
Resource Graph path in process (the real SDK client, TLS, paging by
$skipToken, 1,000 rows a page). The server is Python too, so the figure is an
upper bound on the client's own cost.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))


def estate(n_versions: int) -> list[dict]:
    sub = "0000000a-0000-4000-8000-00000000000a"
    rows: list[dict] = []
    for d in range(max(1, n_versions // 10)):
        g = d // 50
        gallery = (f"/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Compute/"
                   f"galleries/acg_{g:04d}")
        if d % 50 == 0:
            rows.append({"id": gallery, "name": f"acg_{g:04d}",
                         "type": "microsoft.compute/galleries", "location": "westeurope",
                         "properties": {"sharingProfile": {"permissions": "Private"}}})
        definition = f"{gallery}/images/img-{d:06d}"
        rows.append({"id": definition, "name": f"img-{d:06d}",
                     "type": "microsoft.compute/galleries/images", "location": "westeurope",
                     "properties": {"identifier": {"publisher": "p", "offer": "o",
                                                   "sku": f"s{d}"},
                                    "osState": "Generalized", "hyperVGeneration": "V2"}})
        for v in range(10):
            rows.append({"id": f"{definition}/versions/1.{v}.0", "name": f"1.{v}.0",
                         "type": "microsoft.compute/galleries/images/versions",
                         "location": "westeurope",
                         "properties": {"publishingProfile": {
                             "targetRegions": [{"name": "westeurope",
                                                "regionalReplicaCount": 3}],
                             "publishedDate": "2026-10-01T00:00:00Z"},
                             "provisioningState": "Succeeded"}})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    args = parser.parse_args()
    from azure_server import TOKEN, AzureTestServer
    from linter.export.exporter import Exporter, ExportResult, StaticTokenCredential
    rows = estate(args.versions)
    with AzureTestServer(rows) as server, tempfile.TemporaryDirectory() as tmp:
        os.environ["REQUESTS_CA_BUNDLE"] = server.ca_file(os.path.join(tmp, "ca.pem"))
        exporter = Exporter(StaticTokenCredential(TOKEN), server.endpoint)
        result = ExportResult()
        start = time.perf_counter()
        exporter.resource_graph(server.subscriptions, [], result)
        elapsed = time.perf_counter() - start
    import math

    from run import machine
    calls = sum(result.resource_graph_calls.values())
    resources = sum(len(rows) for rows in result.arrays.values())
    minimum = {kind: math.ceil(len(result.arrays[kind]) / 1000) or 1
               for kind in result.resource_graph_calls}
    print(f"machine: {machine()}")
    print(f"export (resource-graph) of {len(result.arrays['imageVersions'])} versions, "
          f"{len(result.arrays['imageDefinitions'])} definitions, "
          f"{len(result.arrays['galleries'])} galleries from the local test server: "
          f"{elapsed:.1f} s, {resources / elapsed:,.0f} resources/s")
    print(f"Resource Graph calls: {calls}, minimum ceil(rows/1000) per type: "
          f"{sum(minimum.values())}")
    for kind in sorted(result.resource_graph_calls):
        print(f"  {kind:>24}: {result.resource_graph_calls[kind]:>4} calls for "
              f"{len(result.arrays[kind]):>7} rows (minimum {minimum[kind]})")

if __name__ == "__main__":
    main()
