package gallerylint.rules.policy_violation_reported_test

import rego.v1

import data.gallerylint.rules.policy_violation_reported as rule

test_flag_fires if {
	count(rule.check([{"k": 0, "reported_for_policy_violation": true, "policy_violation_count": 0}])) == 1
}

test_violation_list_fires if {
	count(rule.check([{"k": 0, "reported_for_policy_violation": false, "policy_violation_count": 2}])) == 1
}

test_both_fire_once if {
	count(rule.check([{"k": 0, "reported_for_policy_violation": true, "policy_violation_count": 1}])) == 1
}

test_clean_is_quiet if {
	count(rule.check([{"k": 0, "reported_for_policy_violation": false, "policy_violation_count": 0}])) == 0
	count(rule.check([{"k": 0, "policy_violation_count": 0}])) == 0
}
