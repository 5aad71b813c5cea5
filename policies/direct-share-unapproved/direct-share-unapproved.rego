# METADATA
# title: direct-share-unapproved
# description: |
#   A gallery is shared directly with subscriptions or tenants that are not approved.
#
#   ## What it does
#   Fires when `sharingProfile.permissions` is `Groups` and a shared
#   subscription ID is not in `sharing.allowed_subscriptions` or a shared
#   tenant ID is not in `sharing.allowed_tenants`. When the input does not
#   carry `sharingProfile.groups` (Resource Graph never does, and a plain GET
#   does not either), it fires at `note`, saying the groups could not be checked.
#
#   ## Why it matters
#   Direct sharing gives other subscriptions and tenants read access to every
#   image in the gallery (azure-compute-docs, azure-compute-gallery.md; up to
#   30 subscriptions and 5 tenants). The groups only appear with
#   `$expand=SharingProfile/Groups` (azure-rest-api-specs,
#   Gallery_Get_WithExpandSharingProfileGroups.json).
#
#   ## Example
#   ```json
#   {"properties": {"sharingProfile": {"permissions": "Groups",
#     "groups": [{"type": "Subscriptions", "ids": ["34a4ab42-0d72-47d9-bd1a-aed207386dac"]}]}}}
#   ```
#
#   ## Fix
#   Remove the share: `az sig share remove --gallery-name G --resource-group RG
#   --subscription-ids ID`, or approve it in config.
#
#   ## Config
#   `sharing.allowed_subscriptions`, `sharing.allowed_tenants` (GUIDs or
#   `/subscriptions/<guid>`).
#
#   ## Related
#   Azure Policy on `Microsoft.Compute/galleries/sharingProfile.permissions`.
# custom:
#   id: ACG502
#   level: error
#   tags: [sharing, security]
#   security_severity: 7.5
#   summary: A gallery is shared with subscriptions or tenants that are not approved.
#   config: [sharing.allowed_subscriptions, sharing.allowed_tenants]
#   collection: galleries
#   fields: [permissions, groups_known, unapproved_subscriptions, unapproved_tenants]
package gallerylint.rules.direct_share_unapproved

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := array.concat(
	[v |
		some item in items
		item.permissions == "groups"
		item.groups_known == true
		parts := unapproved(item)
		count(parts) > 0
		v := lib.violation_at(item, concat("", ["gallery is shared with unapproved ", concat("; ", parts)]), "permissions")
	],
	[v |
		some item in items
		item.permissions == "groups"
		item.groups_known == false
		v := lib.violation_level(item, "gallery is shared directly (Groups), but the input does not list its sharing groups, so they could not be checked (export with the ARM source or $expand=SharingProfile/Groups)", "note", "permissions")
	],
)

unapproved(item) := array.concat(
	[t | count(item.unapproved_subscriptions) > 0; t := concat("", ["subscription(s) ", lib.list_text(item.unapproved_subscriptions)])],
	[t | count(item.unapproved_tenants) > 0; t := concat("", ["tenant(s) ", lib.list_text(item.unapproved_tenants)])],
)
