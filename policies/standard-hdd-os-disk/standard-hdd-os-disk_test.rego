package gallerylint.rules.standard_hdd_os_disk_test

import rego.v1

import data.gallerylint.rules.standard_hdd_os_disk as rule

test_hdd_os_disk_is_a_warning_before_retirement if {
	[v] := rule.check([{"k": 0, "os_disk_type": "standard_lrs", "ephemeral_os_disk": false, "hdd_os_retired": false}])
	v.at == "osDiskType"
	not v.level
}

test_hdd_os_disk_is_an_error_from_retirement if {
	[v] := rule.check([{"k": 0, "os_disk_type": "standard_lrs", "ephemeral_os_disk": false, "hdd_os_retired": true}])
	v.level == "error"
}

test_ephemeral_ssd_and_unknown_are_quiet if {
	count(rule.check([{"k": 0, "os_disk_type": "standard_lrs", "ephemeral_os_disk": true, "hdd_os_retired": false}])) == 0
	count(rule.check([{"k": 1, "os_disk_type": "standardssd_lrs", "ephemeral_os_disk": false, "hdd_os_retired": false}])) == 0
	count(rule.check([{"k": 2, "ephemeral_os_disk": false, "hdd_os_retired": false}])) == 0
	count(rule.check([{"k": 3, "os_disk_type": "standard_lrs", "hdd_os_retired": false}])) == 0
}
