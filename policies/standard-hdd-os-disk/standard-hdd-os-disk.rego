# METADATA
# title: standard-hdd-os-disk
# description: |
#   A deployment's OS disk is Standard HDD, which Azure retires as an OS disk.
#
#   ## What it does
#   Fires on a VM or scale set whose OS disk `managedDisk.storageAccountType`
#   is `Standard_LRS` (Standard HDD) and that is not an ephemeral OS disk
#   (`osDisk.diffDiskSettings` absent). `warning` while now is before
#   `storage.hdd_os_retirement` (default `2028-09-08T00:00:00Z`), `error` from
#   then on. Inputs: live, templates, plans (`os_disk.storage_account_type`).
#
#   ## Why it matters
#   "On September 8, 2028, the ability to use Standard HDDs as OS disks will be
#   retired. After that date, all Standard HDDs being used as OS disks will be
#   automatically converted to Standard SSDs" (azure-compute-docs,
#   disks-hdd-os-retirement.md); ephemeral OS disks are not affected.
#
#   ## Example
#   `"osDisk": {"managedDisk": {"storageAccountType": "Standard_LRS"}}`.
#
#   ## Fix
#   Use `StandardSSD_LRS` or `Premium_LRS` for the OS disk.
#
#   ## Config
#   `storage.hdd_os_retirement`.
#
#   ## Related
#   ACG401.
# custom:
#   id: ACG405
#   level: warning
#   tags: [storage, lifecycle]
#   summary: A deployment's OS disk is Standard HDD, which Azure retires as an OS disk.
#   config: [storage.hdd_os_retirement]
#   collection: gallery_deployments
#   fields: [os_disk_type, ephemeral_os_disk, hdd_os_retired]
package gallerylint.rules.standard_hdd_os_disk

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := array.concat(before(items), after(items))

message := "OS disk is Standard HDD (Standard_LRS): from September 8, 2028 Azure retires Standard HDD OS disks and converts them to Standard SSD"

# Before storage.hdd_os_retirement: a warning.
before(items) := [v |
	some item in items
	item.os_disk_type == "standard_lrs"
	item.ephemeral_os_disk == false
	item.hdd_os_retired == false
	v := lib.violation_at(item, message, "osDiskType")
]

# From the retirement date on: an error.
after(items) := [v |
	some item in items
	item.os_disk_type == "standard_lrs"
	item.ephemeral_os_disk == false
	item.hdd_os_retired == true
	v := lib.violation_level(item, message, "error", "osDiskType")
]
