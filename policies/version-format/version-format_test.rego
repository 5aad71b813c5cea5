package gallerylint.rules.version_format_test

import rego.v1

import data.gallerylint.rules.version_format

fires(name) if count(version_format.check([{"k": 0, "name": name}])) == 1

quiet(name) if count(version_format.check([{"k": 0, "name": name}])) == 0

test_valid_names if {
	quiet("1.0.0")
	quiet("0.0.0")
	quiet("01.2.3")
	quiet("2147483647.2147483647.2147483647")
	quiet("0002147483647.0.0")
	quiet("123456789.0.0") # 11 characters: decided by the short check
	quiet("1234567890.0.0") # 14: by the full one
	quiet("000000001.1.1")
}

test_invalid_names if {
	fires("v1.2.3")
	fires("1.2")
	fires("1.2.3.4")
	fires("1.2.3-rc1")
	fires("1.2.x")
	fires("2147483648.0.0")
	fires("1.2147483648.0")
	fires("99999999999.0.0")
	fires("1..2")
	fires("")
	fires("1.2.3 ")
	fires("1.2.")
	fires(".1.2")
	fires("1.2.3.")
	fires("1.2..3")
	fires("9.9.9.9.9.9")
}

test_violation_names_the_version if {
	[v] := version_format.check([{"k": 7, "name": "v1"}])
	v.k == 7
	v.at == "name"
	contains(v.message, "'v1'")
}
