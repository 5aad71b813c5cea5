# METADATA
# title: trusted-launch-validation-failed
# description: |
#   Azure's Trusted Launch validation failed for a version of a Trusted Launch image.
#
#   ## What it does
#   Fires on a version whose `validationsProfile.executedValidations[]` has an
#   entry with `type` `TrustedLaunch` and `status` `Failed`, when the
#   `SecurityType` feature that applies to the version is
#   `TrustedLaunchSupported` or `TrustedLaunchAndConfidentialVmSupported`.
#   Inputs: live only (`GET …?$expand=ValidationProfile`; the feature is in
#   preview).
#
#   ## Why it matters
#   Only successfully validated versions make deployments default to Trusted
#   Launch (azure-compute-gallery.md, "Trusted Launch validation"): VMs built
#   from this one silently run without Secure Boot and vTPM.
#
#   ## Example
#   `"validationsProfile": {"executedValidations": [{"type": "TrustedLaunch", "status": "Failed"}]}`.
#
#   ## Fix
#   Rebuild the image so that it boots with Secure Boot (signed boot chain,
#   generation 2), and publish a new version.
#
#   ## Config
#   `rules.ACG705.enabled`, `rules.ACG705.level`.
#
#   ## Related
#   ACG701, ACG702.
# custom:
#   id: ACG705
#   level: warning
#   tags: [security, deployments]
#   security_severity: 5.0
#   summary: Azure's Trusted Launch validation failed for a version of a Trusted Launch image.
#   collection: versions
#   fields: [trusted_launch_validation_failed, security_feature_applied]
package gallerylint.rules.trusted_launch_validation_failed

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

supported := {"trustedlaunchsupported", "trustedlaunchandconfidentialvmsupported"}

check(items) := [v |
	some item in items
	item.trusted_launch_validation_failed == true
	item.security_feature_applied in supported
	v := lib.violation(item, concat("", ["Trusted Launch validation failed for this version of a ", item.security_feature_applied, " image: deployments from it do not get Trusted Launch by default"]))
]
