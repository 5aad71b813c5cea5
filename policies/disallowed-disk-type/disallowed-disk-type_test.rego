package gallerylint.rules.disallowed_disk_type_test

import rego.v1

import data.gallerylint.rules.disallowed_disk_type as rule

test_os_disk_fires if {
	[v] := rule.check([{"k": 0, "os_disk_type": "standard_lrs", "data_disk_types": [], "disallowed_disk_types": ["standard_lrs"]}])
	v.at == "osDiskType"
}

test_data_disk_fires if {
	[v] := rule.check([{"k": 0, "os_disk_type": "premium_lrs", "data_disk_types": ["premium_lrs", "standard_lrs"], "disallowed_disk_types": ["standard_lrs"]}])
	v.at == "dataDiskTypes"
}

test_allowed_is_quiet if {
	count(rule.check([{"k": 0, "os_disk_type": "premium_lrs", "data_disk_types": ["premiumv2_lrs"], "disallowed_disk_types": ["standard_lrs"]}])) == 0
}

test_nothing_disallowed_is_quiet if {
	count(rule.check([{"k": 0, "os_disk_type": "standard_lrs", "data_disk_types": [], "disallowed_disk_types": []}])) == 0
}

test_unknown_disk_type_is_quiet if {
	count(rule.check([{"k": 0, "data_disk_types": [], "disallowed_disk_types": ["standard_lrs"]}])) == 0
}
