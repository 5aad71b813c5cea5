# METADATA
# title: replication-failed
# description: |
#   A version's replication failed, as a whole or in a region.
#
#   ## What it does
#   Fires when `replicationStatus.aggregatedState` is `Failed` (one finding on
#   the version), and once per region whose `replicationStatus.summary[].state`
#   is `Failed` (region set).
#
#   ## Why it matters
#   A region whose replica failed cannot serve the version: VMs created there
#   from it fail, and `latest` there may resolve to an older version.
#   `replicationStatus` is only returned with `$expand=ReplicationStatus`
#   (azure-rest-api-specs, GalleryImageVersion_Get_WithReplicationStatus.json);
#   `gallerylint export` fetches it for versions that need it.
#
#   ## Example
#   ```json
#   {"properties": {"replicationStatus": {"aggregatedState": "Failed",
#     "summary": [{"region": "West US", "state": "Failed", "details": "…"}]}}}
#   ```
#
#   ## Fix
#   Read `details`, fix the cause (quota, encryption set, source), then
#   re-replicate: `az sig image-version update … --target-regions …`.
#
#   ## Config
#   `rules.ACG308.enabled`, `rules.ACG308.level`.
#
#   ## Related
#   Azure Resource Health for the gallery.
# custom:
#   id: ACG308
#   level: error
#   tags: [lifecycle, reliability]
#   summary: Replication of a version failed, as a whole or in a region.
#   collection: versions
#   fields: [replication_state, failed_regions]
package gallerylint.rules.replication_failed

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := array.concat(
	[v |
		some item in items
		item.replication_state == "failed"
		v := lib.violation_at(item, "replication of this version failed (aggregatedState Failed)", "replicationStatus")
	],
	[v |
		some item in items
		some region in item.failed_regions
		v := lib.violation_region(item, concat("", ["replication to ", region, " failed"]), region, "replicationStatus")
	],
)
