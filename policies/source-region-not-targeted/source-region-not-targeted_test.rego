package gallerylint.rules.source_region_not_targeted_test

import rego.v1

import data.gallerylint.rules.source_region_not_targeted as rule

test_missing_source_region_fires if {
	[v] := rule.check([{"k": 0, "location": "westeurope", "target_regions": ["northeurope"], "explicit_target_regions": true}])
	v.region == "westeurope"
}

test_targeted_source_region_is_quiet if {
	count(rule.check([{"k": 0, "location": "westeurope", "target_regions": ["northeurope", "westeurope"], "explicit_target_regions": true}])) == 0
}

test_implicit_target_is_quiet if {
	count(rule.check([{"k": 0, "location": "westeurope", "target_regions": ["westeurope"], "explicit_target_regions": false}])) == 0
}

test_unknown_location_is_quiet if {
	count(rule.check([{"k": 0, "target_regions": ["northeurope"], "explicit_target_regions": true}])) == 0
}
