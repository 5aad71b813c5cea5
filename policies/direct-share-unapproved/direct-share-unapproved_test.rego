package gallerylint.rules.direct_share_unapproved_test

import rego.v1

import data.gallerylint.rules.direct_share_unapproved as rule

test_unapproved_subscription_fires if {
	[v] := rule.check([{"k": 0, "permissions": "groups", "groups_known": true, "unapproved_subscriptions": ["s1"], "unapproved_tenants": []}])
	not v.level
	contains(v.message, "s1")
}

test_unapproved_tenant_fires if {
	[v] := rule.check([{"k": 0, "permissions": "groups", "groups_known": true, "unapproved_subscriptions": [], "unapproved_tenants": ["t1"]}])
	contains(v.message, "tenant(s) t1")
}

test_all_approved_is_quiet if {
	count(rule.check([{"k": 0, "permissions": "groups", "groups_known": true, "unapproved_subscriptions": [], "unapproved_tenants": []}])) == 0
}

test_unknown_groups_is_a_note if {
	[v] := rule.check([{"k": 0, "permissions": "groups", "groups_known": false}])
	v.level == "note"
}

test_private_is_quiet if {
	count(rule.check([{"k": 0, "permissions": "private", "groups_known": false}])) == 0
}
