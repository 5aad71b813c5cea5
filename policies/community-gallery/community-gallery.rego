# METADATA
# title: community-gallery
# description: |
#   A gallery is shared with the whole Azure community without approval.
#
#   ## What it does
#   Fires when a gallery's `sharingProfile.permissions` is `Community` and the
#   gallery is not in `sharing.allowed_community_galleries` (names, ARM IDs,
#   public names or globs): `error` while
#   `sharingProfile.communityGalleryInfo.communityGalleryEnabled` is `true` or
#   absent; `warning` (catalog v2) while it is `false`, i.e. the gallery is set
#   up for community sharing but the `EnableCommunity` share action has not
#   run yet, and the message says so.
#
#   ## Why it matters
#   A community gallery is visible to every Azure user, and images in it are
#   public (azure-compute-docs, share-gallery-community.md). An image with
#   internal software, keys or configuration in a community gallery is a leak.
#
#   ## Example
#   ```json
#   {"type": "Microsoft.Compute/galleries", "properties": {"sharingProfile": {"permissions": "Community"}}}
#   ```
#
#   ## Fix
#   Stop sharing: `az sig share reset --gallery-name G --resource-group RG`,
#   or add the gallery to `sharing.allowed_community_galleries` when publishing
#   it is intended.
#
#   ## Config
#   `sharing.allowed_community_galleries` (default: none).
#
#   ## Related
#   The Azure Policy sample that denies
#   `Microsoft.Compute/galleries/sharingProfile.permissions == Community`.
# custom:
#   id: ACG501
#   level: error
#   tags: [sharing, security]
#   security_severity: 8.5
#   summary: A gallery is shared with every Azure user (Community) without approval.
#   config: [sharing.allowed_community_galleries]
#   related: ["Azure Policy: deny community gallery sharing"]
#   collection: galleries
#   fields: [permissions, community_allowed, community_enabled]
package gallerylint.rules.community_gallery

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := array.concat(public(items), not_yet_public(items))

# communityGalleryEnabled true or absent: public.
public(items) := [v |
	some item in items
	item.permissions == "community"
	item.community_allowed == false
	not item.community_enabled == false
	v := lib.violation_at(item, "gallery is shared with every Azure user (sharingProfile.permissions is Community) and is not in sharing.allowed_community_galleries", "permissions")
]

# v2: set up for community sharing, not yet public (EnableCommunity has not run).
not_yet_public(items) := [v |
	some item in items
	item.permissions == "community"
	item.community_allowed == false
	item.community_enabled == false
	v := lib.violation_level(item, "gallery is set up for community sharing (sharingProfile.permissions is Community) but not yet public (communityGalleryEnabled is false): once the EnableCommunity share action runs it is visible to every Azure user; it is not in sharing.allowed_community_galleries", "warning", "permissions")
]
