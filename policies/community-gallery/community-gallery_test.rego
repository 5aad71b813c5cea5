package gallerylint.rules.community_gallery_test

import rego.v1

import data.gallerylint.rules.community_gallery as rule

test_community_fires if {
	[v] := rule.check([{"k": 0, "permissions": "community", "community_allowed": false}])
	v.at == "permissions"
}

test_allowed_community_is_quiet if {
	count(rule.check([{"k": 0, "permissions": "community", "community_allowed": true}])) == 0
}

test_private_and_groups_are_quiet if {
	count(rule.check([{"k": 0, "permissions": "private", "community_allowed": false}])) == 0
	count(rule.check([{"k": 1, "permissions": "groups", "community_allowed": false}])) == 0
	count(rule.check([{"k": 2, "community_allowed": false}])) == 0
}

test_not_yet_public_is_a_warning if {
	[v] := rule.check([{"k": 0, "permissions": "community", "community_allowed": false, "community_enabled": false}])
	v.level == "warning"
}

test_enabled_community_is_an_error if {
	[v] := rule.check([{"k": 0, "permissions": "community", "community_allowed": false, "community_enabled": true}])
	not v.level
}
