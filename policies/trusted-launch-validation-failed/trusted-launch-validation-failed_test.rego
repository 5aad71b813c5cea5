package gallerylint.rules.trusted_launch_validation_failed_test

import rego.v1

import data.gallerylint.rules.trusted_launch_validation_failed as rule

test_failed_validation_of_a_supported_image_fires if {
	[v] := rule.check([{"k": 0, "trusted_launch_validation_failed": true, "security_feature_applied": "trustedlaunchsupported"}])
	contains(v.message, "trustedlaunchsupported")
}

test_other_security_types_and_success_are_quiet if {
	count(rule.check([{"k": 0, "trusted_launch_validation_failed": true, "security_feature_applied": "trustedlaunch"}])) == 0
	count(rule.check([{"k": 1, "trusted_launch_validation_failed": false, "security_feature_applied": "trustedlaunchsupported"}])) == 0
	count(rule.check([{"k": 2, "trusted_launch_validation_failed": true}])) == 0
}
