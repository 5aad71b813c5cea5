package gallerylint.rules.replication_failed_test

import rego.v1

import data.gallerylint.rules.replication_failed

test_aggregated_failure_fires if {
	[v] := replication_failed.check([{"k": 0, "replication_state": "failed", "failed_regions": []}])
	not v.region
}

test_region_failure_fires_per_region if {
	vs := replication_failed.check([{"k": 0, "replication_state": "inprogress", "failed_regions": ["eastus", "westus"]}])
	count(vs) == 2
	{v.region | some v in vs} == {"eastus", "westus"}
}

test_completed_is_quiet if {
	count(replication_failed.check([{"k": 0, "replication_state": "completed", "failed_regions": []}])) == 0
}

test_unknown_status_is_quiet if {
	count(replication_failed.check([{"k": 0, "failed_regions": []}])) == 0
}
