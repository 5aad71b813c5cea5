# METADATA
# title: trusted-launch-not-supported
# description: |
#   An image definition cannot be deployed with Trusted Launch or Confidential VM.
#
#   ## What it does
#   Fires when a definition has `hyperVGeneration: V1`, or has no `SecurityType`
#   feature that allows Trusted Launch or Confidential VM
#   (`TrustedLaunchSupported`, `TrustedLaunch`,
#   `TrustedLaunchAndConfidentialVmSupported`, `ConfidentialVmSupported`,
#   `ConfidentialVM`; compared case-insensitively).
#
#   ## Why it matters
#   Trusted Launch (secure boot, vTPM, boot integrity monitoring) needs a Gen2
#   image whose definition declares it; VMs from other images run without those
#   protections. From API 2025-03-03 new definitions default to V2 and
#   `TrustedLaunchSupported` (azure-compute-docs, azure-compute-gallery.md).
#
#   ## Example
#   ```json
#   {"properties": {"hyperVGeneration": "V1", "features": []}}
#   ```
#
#   ## Fix
#   Publish a Gen2 definition with the feature:
#   `az sig image-definition create … --hyper-v-generation V2 --features SecurityType=TrustedLaunchSupported`.
#
#   ## Config
#   `rules.ACG701.enabled`, `rules.ACG701.level`.
#
#   ## Related
#   APRL 1c5e1e58.
# custom:
#   id: ACG701
#   level: warning
#   tags: [security]
#   security_severity: 5.0
#   summary: An image definition does not support Trusted Launch or Confidential VM.
#   related: [APRL 1c5e1e58]
#   collection: definitions
#   fields: [hyper_v_generation, security_feature]
package gallerylint.rules.trusted_launch_not_supported

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

secure := {"trustedlaunchsupported", "trustedlaunch", "trustedlaunchandconfidentialvmsupported", "confidentialvmsupported", "confidentialvm"}

check(items) := array.concat(
	[v |
		some item in items
		item.hyper_v_generation == "v1"
		v := lib.violation_at(item, "Generation 1 (V1) image: Trusted Launch and Confidential VM need V2", "hyperVGeneration")
	],
	[v |
		some item in items
		not item.hyper_v_generation == "v1"
		not_secure(item)
		v := lib.violation_at(item, "no SecurityType feature allows Trusted Launch or Confidential VM", "features")
	],
)

not_secure(item) if item.security_feature == null

not_secure(item) if {
	is_string(item.security_feature)
	not item.security_feature in secure
}
