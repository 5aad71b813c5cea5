package gallerylint.rules.trusted_launch_not_supported_test

import rego.v1

import data.gallerylint.rules.trusted_launch_not_supported as rule

test_v1_fires if {
	[v] := rule.check([{"k": 0, "hyper_v_generation": "v1", "security_feature": "trustedlaunchsupported"}])
	v.at == "hyperVGeneration"
}

test_missing_feature_fires if {
	count(rule.check([{"k": 0, "hyper_v_generation": "v2", "security_feature": null}])) == 1
}

test_standard_feature_fires if {
	count(rule.check([{"k": 0, "hyper_v_generation": "v2", "security_feature": "standard"}])) == 1
}

test_supported_is_quiet if {
	count(rule.check([{"k": 0, "hyper_v_generation": "v2", "security_feature": "trustedlaunchsupported"}])) == 0
	count(rule.check([{"k": 0, "hyper_v_generation": "v2", "security_feature": "confidentialvm"}])) == 0
	count(rule.check([{"k": 0, "security_feature": "trustedlaunchandconfidentialvmsupported"}])) == 0
}

test_unknown_feature_list_is_quiet if {
	count(rule.check([{"k": 0, "hyper_v_generation": "v2"}])) == 0
}
