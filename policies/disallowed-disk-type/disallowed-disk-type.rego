# METADATA
# title: disallowed-disk-type
# description: |
#   A deployment uses a disk type its image definition disallows.
#
#   ## What it does
#   Fires when a VM's or scale set's OS disk `managedDisk.storageAccountType`,
#   or one of its data disks', is listed in the image definition's
#   `disallowed.diskTypes` (compared case-insensitively). One finding per
#   deployment, listing the offending disks.
#
#   ## Why it matters
#   The image publisher declared the image unfit for those disks ("if the image
#   isn't suited for standard HDD disks, you add them to the disallow list",
#   azure-docs shared-image-galleries.md). Azure rejects such a deployment.
#
#   ## Example
#   Definition `{"properties": {"disallowed": {"diskTypes": ["Standard_LRS"]}}}`
#   and a VM with `"osDisk": {"managedDisk": {"storageAccountType": "Standard_LRS"}}`.
#
#   ## Fix
#   Deploy with an allowed disk type, e.g. `az vm create … --storage-sku
#   Premium_LRS`.
#
#   ## Config
#   `rules.ACG401.enabled`, `rules.ACG401.level`.
#
#   ## Related
#   azurerm `shared_image.disk_types_not_allowed`.
# custom:
#   id: ACG401
#   level: error
#   tags: [storage, correctness]
#   summary: A deployment uses a disk type its image definition disallows.
#   collection: deployments
#   fields: [os_disk_type, data_disk_types, disallowed_disk_types]
package gallerylint.rules.disallowed_disk_type

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := [v |
	some item in items
	bad := offending(item)
	count(bad) > 0
	v := lib.violation_at(item, concat("", ["disk type(s) ", lib.list_text(bad), " disallowed by the image definition (disallowed: ", lib.list_text(item.disallowed_disk_types), ")"]), at(item))
]

offending(item) := array.concat(
	[t | item.os_disk_type in item.disallowed_disk_types; t := concat("", ["OS disk ", item.os_disk_type])],
	[t | some d in item.data_disk_types; d in item.disallowed_disk_types; t := concat("", ["data disk ", d])],
)

at(item) := "osDiskType" if {
	item.os_disk_type in item.disallowed_disk_types
} else := "dataDiskTypes"
