# METADATA
# title: specialized-image-shared
# description: |
#   A specialized image lives in a gallery shared beyond RBAC.
#
#   ## What it does
#   Fires when an image definition has `osState: Specialized` and its gallery's
#   `sharingProfile.permissions` is `Groups` or `Community`.
#
#   ## Why it matters
#   A specialized image keeps the source machine's user accounts, computer name
#   and machine-specific data (azure-compute-docs, azure-compute-gallery.md,
#   "Generalized and specialized images"). Sharing it outside the organisation
#   shares those accounts and secrets.
#
#   ## Example
#   Definition `{"properties": {"osState": "Specialized"}}` in a gallery with
#   `"sharingProfile": {"permissions": "Community"}`.
#
#   ## Fix
#   Generalize the source (sysprep / waagent -deprovision) and publish to a new
#   definition with `--os-state Generalized`, or move the definition to a
#   private gallery.
#
#   ## Config
#   `rules.ACG503.enabled`, `rules.ACG503.level`.
#
#   ## Related
#   CIS guidance on removing credentials from shared images.
# custom:
#   id: ACG503
#   level: error
#   tags: [sharing, security]
#   security_severity: 7.0
#   summary: A specialized image is in a gallery shared by Groups or Community.
#   collection: definitions
#   fields: [os_state, gallery_permissions]
package gallerylint.rules.specialized_image_shared

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

shared := {"groups", "community"}

check(items) := [v |
	some item in items
	item.os_state == "specialized"
	item.gallery_permissions in shared
	v := lib.violation_at(item, sprintf("specialized image (it keeps the source machine's accounts) in a gallery shared by %s", [item.gallery_permissions]), "osState")
]
