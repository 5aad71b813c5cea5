# METADATA
# title: gallerylint deployment gate
# description: |
#   The gate decision for one deployment, for OPA fleets that load the bundle
#   written by `gallerylint bundle`: `data.gallerylint.gate.decision` with a VM
#   or scale set (its ARM JSON) as input answers {"allow": bool, "reasons": [...]}.
#   The same checks as `gallerylint gate`, over the facts in the bundle's data.json
#   (data.gallerylint.facts: versions, definitions and usage, computed by gallerylint).
package gallerylint.gate

import rego.v1

decision := decide(input, data.gallerylint.facts)

allow := decision.allow

reasons := decision.reasons

# decide(deployment, facts): tests call it directly (see policies/lib/gallerylint.rego
# for why policies are tested through functions rather than `with input as`).
decide(deployment, facts) := {"allow": count(blocking) == 0, "reasons": [r | some r in found]} if {
	found := {r | some r in all_reasons(deployment, facts)}
	blocking := {r | some r in found; blocks(r)}
}

# `allow` follows the gate's default level (error): a reason of a rule whose level is a
# warning (rules.md) does not block unless it says "(error)", and a reason that says
# "(warning)" or "(note)" never blocks. `gallerylint gate --engine opa`
# applies the configured levels itself, from the reasons.
warning_rules := {"ACG403", "ACG405", "ACG601", "ACG602"}

blocks(reason) if {
	not substring(reason, 0, 6) in warning_rules
	not below_error(reason)
}

blocks(reason) if contains(reason, " (error): ")

below_error(reason) if contains(reason, " (warning): ")

below_error(reason) if contains(reason, " (note): ")

all_reasons(deployment, facts) := array.concat(
	array.concat(
		array.concat(reference_reasons(deployment, facts), proposal_reasons(deployment, facts)),
		array.concat(version_reasons(deployment, facts), definition_reasons(deployment, facts)),
	),
	image_source_reasons(deployment, facts),
)

is_scale_set(d) if endswith(lower(d.type), "virtualmachinescalesets")

storage(d) := d.properties.virtualMachineProfile.storageProfile if is_scale_set(d)

storage(d) := d.properties.storageProfile if not is_scale_set(d)

security_profile(d) := object.get(d.properties.virtualMachineProfile, "securityProfile", {}) if is_scale_set(d)

security_profile(d) := object.get(d.properties, "securityProfile", {}) if not is_scale_set(d)

image_id(d) := lower(storage(d).imageReference.id)

region(d) := replace(lower(d.location), " ", "")

# "/.../images/x/versions/1.0.0" -> pinned; "/.../images/x" or ".../versions/latest" -> not.
pinned(d) if {
	parts := split(image_id(d), "/versions/")
	count(parts) == 2
	parts[1] != "latest"
}

definition_id(d) := split(image_id(d), "/versions/")[0]

definition(d, facts) := facts.definitions[definition_id(d)]

version_id(d, _) := image_id(d) if pinned(d)

version_id(d, facts) := definition(d, facts).versions[lower(storage(d).imageReference.exactVersion)] if {
	not pinned(d)
	storage(d).imageReference.exactVersion
}

version_id(d, facts) := definition(d, facts).latest_by_region[region(d)] if {
	not pinned(d)
	not storage(d).imageReference.exactVersion
}

version(d, facts) := facts.versions[version_id(d, facts)]

reference_reasons(d, facts) := array.concat(
	[r |
		gallery_image(d)
		not definition(d, facts)
		r := concat("", ["ACG801: image reference ", image_id(d), " does not resolve in the inventory"])
	],
	[r |
		not image_reference(d).id
		r := no_id_reason(image_reference(d))
	],
)

# Shared and community gallery references are not resolved from the bundle's facts: the
# gate fails closed on them. A deployment without a gallery image (Marketplace, managed
# image) is no unresolved reference: the rules that judge gallery images do not apply.
no_id_reason(ref) := "ACG801: shared and community gallery references are not resolved by the bundle; use gallerylint gate" if {
	some key in ["sharedGalleryImageId", "communityGalleryImageId"]
	ref[key]
}

# An imageReference.id into a gallery (a managed image's ID is not one).
gallery_image(d) if contains(image_id(d), "/providers/microsoft.compute/galleries/")

image_reference(d) := storage(d).imageReference

image_reference(d) := {} if not storage(d).imageReference

version_reasons(d, facts) := array.concat(
	array.concat(missing_version(d, facts), region_reasons(d, facts)),
	array.concat(lifecycle_reasons(d, facts), replica_reasons(d, facts)),
)

missing_version(d, facts) := [r |
	definition(d, facts)
	pinned(d)
	not version(d, facts)
	r := concat("", ["ACG801: version ", image_id(d), " does not exist"])
]

region_reasons(d, facts) := array.concat(
	[r |
		pinned(d)
		v := version(d, facts)
		not v.regions[region(d)]
		r := concat("", ["ACG603: version ", v.name, " is not replicated to ", region(d)])
	],
	[r |
		not pinned(d)
		not storage(d).imageReference.exactVersion
		definition(d, facts)
		not version(d, facts)
		r := concat("", ["ACG307: no latest version in ", region(d)])
	],
)

lifecycle_reasons(d, facts) := array.concat(end_of_life_reasons(d, facts), shallow_reasons(d, facts))

end_of_life_reasons(d, facts) := [r |
	v := version(d, facts)
	v.end_of_life_passed == true
	r := concat("", ["ACG301: version ", v.name, " is past its end of life"])
]

shallow_reasons(d, facts) := array.concat(
	[r |
		v := version(d, facts)
		v.shallow == true
		production(d, facts)
		r := concat("", ["ACG403: version ", v.name, " is shallow-replicated and the deployment is production"])
	],
	[r |
		v := version(d, facts)
		v.shallow == true
		not production(d, facts)
		total := shallow_total(v, d)
		total > facts.settings.shallow_max_instances
		r := concat("", ["ACG403: version ", v.name, " is shallow-replicated and would serve ", sprintf("%d", [total]), " instances"])
	],
)

# Every instance the version serves, in every region, with the ones this deployment adds.
shallow_total(v, d) := object.get(v, "total_instances", 0) + instances(d)

production(d, facts) if definition(d, facts).production == true

production(d, facts) if lower(d.tags.environment) in {lower(t) | some t in facts.settings.production_tag_values}

instances(d) := d.sku.capacity if is_scale_set(d)

instances(d) := 1 if not is_scale_set(d)

replica_reasons(d, facts) := array.concat(
	[r |
		not is_scale_set(d)
		v := version(d, facts)
		where := region(d)
		usage := v.regions[where]
		total := usage.vms + 1
		total > facts.settings.vms_per_replica * usage.replicas
		r := concat("", ["ACG601: ", sprintf("%d", [total]), " VMs would use ", sprintf("%d", [usage.replicas]), " replica(s) in ", where])
	],
	[r |
		is_scale_set(d)
		v := version(d, facts)
		where := region(d)
		usage := v.regions[where]
		n := instances(d)
		too_many_for(usage, n, facts.settings)
		r := concat("", ["ACG602: not enough replicas in ", where, " for another scale set of ", sprintf("%d", [n])])
	],
)

too_many_for(usage, _, _) if usage.scale_sets + 1 > usage.replicas

too_many_for(usage, n, settings) if usage.instances + n > settings.instances_per_replica * usage.replicas

definition_reasons(d, facts) := array.concat(
	[r |
		def := definition(d, facts)
		disk := lower(storage(d).osDisk.managedDisk.storageAccountType)
		disk in def.disallowed_disk_types
		r := concat("", ["ACG401: OS disk type ", disk, " is disallowed by the image definition"])
	],
	[r |
		allowed := allowed_security_types(d, facts)
		is_array(allowed)
		st := security_type(d)
		not st in allowed
		r := concat("", ["ACG702: security type ", st, " is not allowed by the image definition"])
	],
)

# The security types allowed for the version the deployment uses (a feature entry with
# startsAtVersion applies from that version on), else the definition's.
allowed_security_types(d, facts) := version(d, facts).allowed_security_types if version_has_allowed(d, facts)

allowed_security_types(d, facts) := definition(d, facts).allowed_security_types if not version_has_allowed(d, facts)

version_has_allowed(d, facts) if "allowed_security_types" in object.keys(version(d, facts))

security_type(d) := lower(security_profile(d).securityType) if security_profile(d).securityType

security_type(d) := "standard" if not security_profile(d).securityType

# A deployment is judged as the proposal it is, unless gallerylint marked it as read from
# live inventory ("x-gallerylint": {"live": true}), which Azure already accepted; a fact
# gallerylint could not read is listed in "x-gallerylint".unknown and never judged.
marks(d) := object.get(d, "x-gallerylint", {})

proposed(d) if not marks(d).live == true

known(d, fact) if not fact in object.get(marks(d), "unknown", [])

# Present (even as {}) means set: a body test on an empty object is not portable.
os_profile_set(d) if {
	is_scale_set(d)
	"osProfile" in object.keys(d.properties.virtualMachineProfile)
}

os_profile_set(d) if {
	not is_scale_set(d)
	"osProfile" in object.keys(d.properties)
}

os_state(d, facts) := lower(definition(d, facts).os_state)

# The plan as Azure compares it: name, publisher and product, lowercased; null when absent.
deployment_plan(d) := {k: lower(d.plan[k]) | some k in ["name", "publisher", "product"]} if is_object(d.plan)

deployment_plan(d) := null if not is_object(object.get(d, "plan", null))

plan_text(p) := "none" if p == null

plan_text(p) := concat("/", [p.publisher, p.product, p.name]) if p != null

proposal_reasons(d, facts) := array.concat(
	array.concat(os_state_reasons(d, facts), plan_reasons(d, facts)),
	array.concat(hdd_reasons(d, facts), array.concat(soft_deleted_reasons(d, facts), edge_zone_reasons(d, facts))),
)

# ACG311: the version the deployment names (pinned, or by exactVersion) is soft-deleted.
how(d) := "pinned to" if pinned(d)

how(d) := "built from (exactVersion)" if not pinned(d)

requested(d) if pinned(d)

requested(d) if storage(d).imageReference.exactVersion

soft_deleted_reasons(d, facts) := array.concat(
	[r |
		requested(d)
		v := version(d, facts)
		v.soft_deleted == true
		v.consumption_ended == true
		r := concat("", ["ACG311: ", how(d), " soft-deleted version ", v.name, ", whose consumption ended ", v.consumption_end, ": Azure no longer creates VMs or scales out from it"])
	],
	[r |
		requested(d)
		v := version(d, facts)
		v.soft_deleted == true
		not v.consumption_ended == true
		r := concat("", ["ACG311 (warning): ", how(d), " soft-deleted version ", v.name, ", consumable only ", consumable_until(v)])
	],
)

consumable_until(v) := concat("", ["until ", v.consumption_end]) if is_string(v.consumption_end)

consumable_until(v) := "until an unknown consumption end" if not is_string(v.consumption_end)

# ACG609: an edge-zone deployment pinned to a version not replicated to that zone.
edge_zone_reasons(d, facts) := [r |
	lower(d.extendedLocation.type) == "edgezone"
	zone := lower(d.extendedLocation.name)
	pinned(d)
	v := version(d, facts)
	is_array(v.edge_zones)
	not zone in v.edge_zones
	r := concat("", ["ACG609: in edge zone ", zone, ", pinned to version ", v.name, ", which is not replicated there (edge zones: ", zones_text(v.edge_zones), ")"])
]

zones_text(zones) := "none" if count(zones) == 0

zones_text(zones) := concat(", ", zones) if count(zones) > 0

os_state_reasons(d, facts) := array.concat(
	[r |
		proposed(d)
		known(d, "osProfile")
		os_state(d, facts) == "specialized"
		os_profile_set(d)
		r := "ACG802: sets an osProfile, but its image definition is Specialized: Azure rejects it (\"Parameter 'osProfile' is not allowed\")"
	],
	[r |
		proposed(d)
		known(d, "osProfile")
		os_state(d, facts) == "generalized"
		not os_profile_set(d)
		r := "ACG802: sets no osProfile, but its image definition is Generalized: Azure rejects it (\"Required parameter 'osProfile' is missing\")"
	],
)

plan_reasons(d, facts) := [r |
	proposed(d)
	known(d, "plan")
	def := definition(d, facts)
	"purchase_plan" in object.keys(def)
	deployment_plan(d) != def.purchase_plan
	r := concat("", [
		"ACG803: plan ", plan_text(deployment_plan(d)), " differs from the image definition's purchasePlan ",
		plan_text(def.purchase_plan), ": Azure rejects the deployment",
	])
]

os_disk(d) := object.get(storage(d), "osDisk", {})

ephemeral(d) if os_disk(d).diffDiskSettings.option

hdd_message := "OS disk is Standard HDD (Standard_LRS): from September 8, 2028 Azure retires Standard HDD OS disks and converts them to Standard SSD"

# ACG405 judges gallery-image deployments; after the retirement date it is an error.
hdd_reasons(d, facts) := [r |
	gallery_image(d)
	lower(os_disk(d).managedDisk.storageAccountType) == "standard_lrs"
	known(d, "ephemeralOsDisk")
	not ephemeral(d)
	r := concat("", [hdd_level(facts), hdd_message])
]

hdd_level(facts) := "ACG405 (error): " if facts.settings.hdd_os_retired == true

hdd_level(facts) := "ACG405: " if not facts.settings.hdd_os_retired == true

# ACG804 (catalog v3): a VM or scale set whose OS is not a gallery image: a Marketplace
# image outside sources.allowed_marketplace, a managed image, an unmanaged disk or an
# attached OS disk; an error for a production deployment, else a note.
image_source_reasons(d, facts) := [r |
	known(d, "imageSource")
	source := image_source(d)
	not source_allowed(source, facts)
	r := concat("", [source_level(d, facts), "(", source.part, ") takes its OS from ", source.text, ", not from a gallery image"])
]

reference(d) := object.get(storage(d), "imageReference", {})

reference_text(d, key) := lower(object.get(reference(d), key, "")) if is_string(object.get(reference(d), key, ""))

reference_text(d, key) := "" if not is_string(object.get(reference(d), key, ""))

gallery_reference(d) if contains(reference_text(d, "id"), "/providers/microsoft.compute/galleries/")

gallery_reference(d) if reference_text(d, "sharedGalleryImageId") != ""

gallery_reference(d) if reference_text(d, "communityGalleryImageId") != ""

managed_image(d) if regex.match(`^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.compute/images/[^/]+$`, reference_text(d, "id"))

marketplace_text(d) := concat(":", [reference_text(d, "publisher"), reference_text(d, "offer"), reference_text(d, "sku")])

marketplace(d) if {
	reference_text(d, "id") == ""
	reference_text(d, "publisher") != ""
	reference_text(d, "offer") != ""
	reference_text(d, "sku") != ""
}

unmanaged(d) if object.get(object.get(os_disk(d), "vhd", {}), "uri", "") != ""

unmanaged(d) if object.get(object.get(os_disk(d), "image", {}), "uri", "") != ""

unmanaged(d) if count(object.get(os_disk(d), "vhdContainers", [])) > 0

attached(d) if {
	not is_scale_set(d)
	lower(object.get(os_disk(d), "createOption", "")) == "attach"
}

image_source(d) := {"part": "b", "kind": "managed", "text": "a managed image"} if {
	not gallery_reference(d)
	managed_image(d)
} else := {"part": "a", "kind": "marketplace", "text": concat("", ["the Marketplace image ", marketplace_text(d)])} if {
	not gallery_reference(d)
	marketplace(d)
} else := {"part": "c", "kind": "unmanaged", "text": "an unmanaged disk (a VHD URI)"} if {
	not gallery_reference(d)
	reference_text(d, "id") == ""
	unmanaged(d)
} else := {"part": "d", "kind": "attached", "text": "an attached OS disk"} if {
	not gallery_reference(d)
	reference_text(d, "id") == ""
	attached(d)
}

# `*` matches any text, `/` and `.` included, as gallerylint's globs do: an empty list
# would mean OPA's default delimiter `.`, so the one delimiter is a character no ID has.
no_delimiters := ["\n"]

source_settings(facts) := object.get(facts.settings, "sources", {})

source_allowed(source, facts) if {
	source.kind == "marketplace"
	some pattern in object.get(source_settings(facts), "allowed_marketplace", [])
	glob.match(lower(pattern), no_delimiters, substring(source.text, count("the Marketplace image "), -1))
}

source_allowed(source, facts) if {
	source.kind == "managed"
	object.get(source_settings(facts), "allow_managed_images", false) == true
}

source_allowed(source, facts) if {
	source.kind == "attached"
	object.get(source_settings(facts), "allow_attached_os_disk", false) == true
}

source_level(d, facts) := "ACG804 (error): " if compute_production(d, facts)

source_level(d, facts) := "ACG804 (note): " if not compute_production(d, facts)

compute_production(d, facts) if lower(d.tags.environment) in {lower(t) | some t in facts.settings.production_tag_values}

compute_production(d, facts) if in_production_scope(lower(d.id), object.get(facts.settings, "production_scopes", []))

# environments.production_scopes, normalised by gallerylint (lowercased; a bare
# subscription GUID written as /subscriptions/<guid>): equal, below, or a glob match.
in_production_scope(id, scopes) if {
	some scope in scopes
	not regex.match(`[*?\[]`, scope)
	id == scope
}

in_production_scope(id, scopes) if {
	some scope in scopes
	not regex.match(`[*?\[]`, scope)
	startswith(id, concat("", [scope, "/"]))
}

in_production_scope(id, scopes) if {
	some scope in scopes
	regex.match(`[*?\[]`, scope)
	glob.match(scope, no_delimiters, id)
}
