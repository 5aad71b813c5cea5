package gallerylint.rules.security_type_mismatch_test

import rego.v1

import data.gallerylint.rules.security_type_mismatch as rule

test_confidential_from_trusted_launch_image_fires if {
	count(rule.check([{"k": 0, "security_type": "confidentialvm", "allowed_security_types": ["standard", "trustedlaunch"]}])) == 1
}

test_standard_from_trusted_launch_only_image_fires if {
	count(rule.check([{"k": 0, "security_type": "standard", "allowed_security_types": ["trustedlaunch"]}])) == 1
}

test_allowed_is_quiet if {
	count(rule.check([{"k": 0, "security_type": "trustedlaunch", "allowed_security_types": ["standard", "trustedlaunch"]}])) == 0
}

test_unknown_allowed_types_is_quiet if {
	count(rule.check([{"k": 0, "security_type": "confidentialvm"}])) == 0
}

test_unknown_security_type_is_quiet if {
	count(rule.check([{"k": 0, "allowed_security_types": ["trustedlaunch"]}])) == 0
}
