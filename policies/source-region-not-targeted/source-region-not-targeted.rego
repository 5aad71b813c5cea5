# METADATA
# title: source-region-not-targeted
# description: |
#   A version's source region is not among its target regions.
#
#   ## What it does
#   Fires when a version's own `location` (its source region) is not in its
#   `publishingProfile.targetRegions` (region names compared normalised:
#   "West US" is "westus"). A version without `targetRegions` targets its own
#   location and never fires.
#
#   ## Why it matters
#   Azure requires the source region in the target list when creating a
#   version; a version whose list drifted without it has no replica where it
#   was built, and updates to the list fail until it is added back.
#
#   ## Example
#   ```json
#   {"location": "westeurope", "properties": {"publishingProfile": {"targetRegions": [{"name": "North Europe"}]}}}
#   ```
#
#   ## Fix
#   `az sig image-version update … --add publishingProfile.targetRegions name=<source region>`.
#
#   ## Config
#   `rules.ACG604.enabled`, `rules.ACG604.level`.
#
#   ## Related
#   azure-compute-docs image-version.md (target regions).
# custom:
#   id: ACG604
#   level: warning
#   tags: [replication, reliability]
#   summary: A version's source region is not among its target regions.
#   collection: versions
#   fields: [location, target_regions, explicit_target_regions]
package gallerylint.rules.source_region_not_targeted

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := [v |
	some item in items
	item.explicit_target_regions == true
	is_string(item.location)
	is_array(item.target_regions)
	not item.location in item.target_regions
	v := lib.violation_region(item, concat("", ["source region ", item.location, " is not among the target regions (", lib.list_text(item.target_regions), ")"]), item.location, "targetRegions")
]
