package gallerylint.lib_test

import rego.v1

import data.gallerylint.lib

test_violation_shape if {
	lib.violation({"k": 3}, "m") == {"k": 3, "message": "m"}
}

test_violation_region_shape if {
	lib.violation_region({"k": 1}, "m", "westus", "name") == {"k": 1, "message": "m", "region": "westus", "at": "name"}
}

test_list_text if {
	lib.list_text(["a", "b"]) == "a, b"
}
