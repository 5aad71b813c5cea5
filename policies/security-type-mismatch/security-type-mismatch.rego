# METADATA
# title: security-type-mismatch
# description: |
#   A deployment's security type is not one its image definition allows.
#
#   ## What it does
#   Fires when a VM's or scale set's `securityProfile.securityType` (`Standard`
#   when absent) is not among the types its definition allows: by the
#   definition's `SecurityType` feature, absent or `Standard` allows Standard
#   only; `TrustedLaunchSupported` allows Standard and TrustedLaunch;
#   `TrustedLaunch` allows TrustedLaunch; `ConfidentialVmSupported` allows
#   Standard and ConfidentialVM; `ConfidentialVM` allows ConfidentialVM;
#   `TrustedLaunchAndConfidentialVmSupported` allows all three. A `V1`
#   definition allows Standard only. An unrecognised feature value is unknown:
#   quiet.
#
#   ## Why it matters
#   Azure refuses to create such a VM (e.g. a `ConfidentialVM` from an image
#   without Confidential VM support, or `TrustedLaunch` from a V1 image), or,
#   for a `TrustedLaunch`-only image deployed as Standard, silently drops the
#   protections the image was built for.
#
#   ## Example
#   A VM with `"securityProfile": {"securityType": "ConfidentialVM"}` from a
#   definition with `SecurityType=TrustedLaunchSupported`.
#
#   ## Fix
#   Deploy with an allowed type (`az vm create … --security-type TrustedLaunch`)
#   or publish a definition with the right feature.
#
#   ## Config
#   `rules.ACG702.enabled`, `rules.ACG702.level`.
#
#   ## Related
#   ACG701.
# custom:
#   id: ACG702
#   level: error
#   tags: [deployments, correctness]
#   summary: A deployment's security type is not one its image definition allows.
#   collection: deployments
#   fields: [security_type, allowed_security_types]
package gallerylint.rules.security_type_mismatch

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := [v |
	some item in items
	is_array(item.allowed_security_types)
	is_string(item.security_type)
	not item.security_type in item.allowed_security_types
	v := lib.violation_at(item, concat("", ["security type ", item.security_type, " is not allowed by the image definition (allowed: ", lib.list_text(item.allowed_security_types), ")"]), "securityType")
]
