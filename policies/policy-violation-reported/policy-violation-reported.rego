# METADATA
# title: policy-violation-reported
# description: |
#   Azure reported the version for a policy violation.
#
#   ## What it does
#   Fires when `safetyProfile.reportedForPolicyViolation` is true or
#   `safetyProfile.policyViolations` is non-empty.
#
#   ## Why it matters
#   Azure flags images it found unsafe or infringing (categories
#   `ImageFlaggedUnsafe`, `CopyrightValidation`, `IpTheft`, `Other`;
#   azure-rest-api-specs GalleryRP 2025-03-03 `PolicyViolation`). A flagged
#   image may be blocked from sharing and should not reach production.
#
#   ## Example
#   ```json
#   {"properties": {"safetyProfile": {"reportedForPolicyViolation": true,
#     "policyViolations": [{"category": "ImageFlaggedUnsafe", "details": "…"}]}}}
#   ```
#
#   ## Fix
#   Stop deploying the version (`az sig image-version update … --set
#   publishingProfile.excludeFromLatest=true`), investigate the report, publish
#   a clean version and delete the flagged one.
#
#   ## Config
#   `rules.ACG309.enabled`, `rules.ACG309.level`.
#
#   ## Related
#   Microsoft Defender for Cloud image findings.
# custom:
#   id: ACG309
#   level: error
#   tags: [lifecycle, security]
#   security_severity: 8.0
#   summary: Azure reported the version for a policy violation.
#   collection: versions
#   fields: [reported_for_policy_violation, policy_violation_count]
package gallerylint.rules.policy_violation_reported

import rego.v1

import data.gallerylint.lib

violations := check(input.items)

check(items) := [v |
	some item in items
	reported(item)
	v := lib.violation_at(item, sprintf("Azure reported this version for a policy violation (%d violation(s) listed)", [item.policy_violation_count]), "safetyProfile")
]

reported(item) if item.reported_for_policy_violation == true

reported(item) if item.policy_violation_count > 0
