# METADATA
# title: version-format
# description: |
#   An image version name is not `Major.Minor.Patch`.
#
#   ## What it does
#   Fires when an image version's name is not exactly three dot-separated parts,
#   each only decimal digits and each from 0 to 2147483647 (a 32-bit signed
#   integer). `v1.2.3`, `1.2`, `1.2.3.4`, `1.2.3-rc1`, `1.2.x` and
#   `2147483648.0.0` all fire; `01.2.3` is valid (it is 1.2.3).
#
#   ## Why it matters
#   Azure only accepts this format: "Allowed characters are numbers and periods.
#   Numbers must be within the range of a 32-bit integer. Format:
#   MajorVersion.MinorVersion.Patch" (azure-compute-docs, image-version.md).
#   A template with another name fails at deployment, and a version with an
#   invalid name takes no part in `latest` resolution.
#
#   ## Example
#   ```json
#   {"id": "/subscriptions/…/galleries/acg/images/ubuntu/versions/v1.2.3", "name": "v1.2.3"}
#   ```
#
#   ## Fix
#   Publish the image under a valid name, e.g.
#   `az sig image-version create --gallery-image-version 1.2.3 …`.
#   Terraform's provider accepts parts above 2147483647; Azure does not.
#
#   ## Config
#   `rules.ACG101.enabled`, `rules.ACG101.level`.
#
#   ## Related
#   azurerm `shared_image_version` name validation.
# custom:
#   id: ACG101
#   level: error
#   tags: [versions, correctness]
#   summary: An image version name is not Major.Minor.Patch with 32-bit parts.
#   collection: versions
#   fields: [name]
package gallerylint.rules.version_format

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := [v |
	some item in items
	not short_and_plain(item.name)
	not valid(item.name)
	v := lib.violation_at(item, sprintf("version name '%s' is not Major.Minor.Patch (three parts of decimal digits, each at most 2147483647)", [item.name]), "name")
]

# At most 11 characters of digits and two dots between non-empty parts: no part can
# have more than 9 digits, so the name is valid. Most names are decided here, with a
# few built-ins (an estate has thousands of distinct names).
short_and_plain(name) if {
	count(name) <= 11
	trim_left(name, "0123456789.") == ""
	parts := split(name, ".")
	count(parts) == 3
	not "" in parts
}

valid(name) if {
	parts := split(name, ".")
	count(parts) == 3
	every part in parts {
		number(part)
	}
}

# Decimal digits only, at most 2147483647 once leading zeros are dropped.
# Compared as text of equal length, never as a float.
number(part) if {
	digits_only(part)
	significant := trim_left(part, "0")
	count(significant) < 10
}

number(part) if {
	digits_only(part)
	significant := trim_left(part, "0")
	count(significant) == 10
	significant <= "2147483647"
}

digits_only(part) if {
	part != ""
	trim_left(part, "0123456789") == ""
}
