package gallerylint.rules.specialized_image_shared_test

import rego.v1

import data.gallerylint.rules.specialized_image_shared as rule

test_specialized_in_community_fires if {
	count(rule.check([{"k": 0, "os_state": "specialized", "gallery_permissions": "community"}])) == 1
}

test_specialized_in_groups_fires if {
	count(rule.check([{"k": 0, "os_state": "specialized", "gallery_permissions": "groups"}])) == 1
}

test_generalized_or_private_is_quiet if {
	count(rule.check([{"k": 0, "os_state": "generalized", "gallery_permissions": "community"}])) == 0
	count(rule.check([{"k": 0, "os_state": "specialized", "gallery_permissions": "private"}])) == 0
	count(rule.check([{"k": 0, "os_state": "specialized"}])) == 0
}
