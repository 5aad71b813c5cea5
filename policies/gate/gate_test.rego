package gallerylint.gate_test

import rego.v1

import data.gallerylint.gate

def_id := "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/galleries/g/images/i"

ver_id := concat("", [def_id, "/versions/1.0.0"])

facts := facts_with(false)

facts_with(eol_passed) := facts_of(eol_passed, ["standard_lrs"], "", null, false)

# The facts with the definition's OS state ("" when unknown) and purchase plan, and
# whether Standard HDD OS disks are retired; built whole (object.union is not deep in
# every engine).
facts_of(eol_passed, disallowed, os_state, plan, retired) := {
	"settings": {"vms_per_replica": 20, "instances_per_replica": 600, "production_tag_values": ["prod", "production"], "shallow_max_instances": 20, "hdd_os_retired": retired},
	"definitions": {def_id: {
		"versions": {"1.0.0": ver_id},
		"latest_by_region": {"westeurope": ver_id},
		"disallowed_disk_types": disallowed,
		"allowed_security_types": ["standard", "trustedlaunch"],
		"production": false,
		"os_state": os_state,
		"purchase_plan": plan,
	}},
	"versions": {ver_id: {
		"name": "1.0.0",
		"end_of_life_passed": eol_passed,
		"shallow": false,
		"regions": {"westeurope": {"replicas": 1, "vms": 5, "scale_sets": 0, "instances": 0}},
	}},
}

vm(id, location, disk, security) := {
	"type": "Microsoft.Compute/virtualMachines",
	"location": location,
	"properties": {
		"storageProfile": {"imageReference": {"id": id}, "osDisk": {"managedDisk": {"storageAccountType": disk}}},
		"securityProfile": {"securityType": security},
	},
}

test_allowed if {
	d := gate.decide(vm(ver_id, "West Europe", "Premium_LRS", "TrustedLaunch"), facts)
	d.allow == true
	count(d.reasons) == 0
}

test_latest_reference_allowed if {
	gate.decide(vm(def_id, "westeurope", "Premium_LRS", "TrustedLaunch"), facts).allow == true
}

test_unresolved if {
	d := gate.decide(vm("/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/galleries/x/images/y", "westeurope", "Premium_LRS", "TrustedLaunch"), facts)
	d.allow == false
	count(d.reasons) == 1
	startswith(d.reasons[0], "ACG801")
}

test_region_not_replicated if {
	d := gate.decide(vm(ver_id, "eastus", "Premium_LRS", "TrustedLaunch"), facts)
	d.allow == false
	count(d.reasons) == 1
	"ACG603: version 1.0.0 is not replicated to eastus" in d.reasons
}

test_disk_and_security if {
	d := gate.decide(vm(ver_id, "westeurope", "Standard_LRS", "ConfidentialVM"), facts)
	count(d.reasons) == 3 # ACG401, ACG702, and ACG405 for the Standard HDD OS disk
	d.allow == false
}

test_standard_hdd_is_a_warning_until_retirement if {
	d := gate.decide(vm(ver_id, "westeurope", "Standard_LRS", "TrustedLaunch"), facts_of(false, [], "", null, false))
	startswith(d.reasons[0], "ACG405: ")
	d.allow == true
	e := gate.decide(vm(ver_id, "westeurope", "Standard_LRS", "TrustedLaunch"), facts_of(false, [], "", null, true))
	startswith(e.reasons[0], "ACG405 (error): ")
	e.allow == false
}

state_facts(state, plan) := facts_of(false, ["standard_lrs"], state, plan, false)

# A VM built whole: with or without an osProfile, with gallerylint's marks and a plan.
vm_of(id, profile, marks, plan) := {
	"type": "Microsoft.Compute/virtualMachines",
	"location": "westeurope",
	"plan": plan,
	"x-gallerylint": marks,
	"properties": {
		"storageProfile": {"imageReference": {"id": id}, "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}}},
		"securityProfile": {"securityType": "TrustedLaunch"},
		"osProfile": {},
	},
} if profile

vm_of(id, profile, marks, plan) := {
	"type": "Microsoft.Compute/virtualMachines",
	"location": "westeurope",
	"plan": plan,
	"x-gallerylint": marks,
	"properties": {
		"storageProfile": {"imageReference": {"id": id}, "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}}},
		"securityProfile": {"securityType": "TrustedLaunch"},
	},
} if not profile

vm_with_profile(id) := vm_of(id, true, {}, null)

test_os_profile_against_the_os_state if {
	with_profile := vm_with_profile(ver_id)
	without := vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch")
	d := gate.decide(with_profile, state_facts("Specialized", null))
	startswith(d.reasons[0], "ACG802: sets an osProfile")
	e := gate.decide(without, state_facts("Generalized", null))
	startswith(e.reasons[0], "ACG802: sets no osProfile")
	gate.decide(with_profile, state_facts("Generalized", null)).allow == true
	unknown := vm_of(ver_id, false, {"unknown": ["osProfile"]}, null)
	gate.decide(unknown, state_facts("Generalized", null)).allow == true
	live := vm_of(ver_id, false, {"live": true}, null)
	gate.decide(live, state_facts("Generalized", null)).allow == true
}

test_purchase_plan_must_match if {
	plan := {"name": "byol", "publisher": "contoso-isv", "product": "appliance"}
	with_profile := vm_with_profile(ver_id)
	d := gate.decide(with_profile, state_facts("Generalized", plan))
	d.reasons == ["ACG803: plan none differs from the image definition's purchasePlan contoso-isv/appliance/byol: Azure rejects the deployment"]
	same := vm_of(ver_id, true, {}, {"name": "BYOL", "publisher": "contoso-isv", "product": "appliance"})
	gate.decide(same, state_facts("Generalized", plan)).allow == true
}

test_end_of_life if {
	d := gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), facts_with(true))
	count(d.reasons) == 1
	"ACG301: version 1.0.0 is past its end of life" in d.reasons
}

test_no_gallery_image_is_not_an_unresolved_reference if {
	marketplace := {
		"type": "Microsoft.Compute/virtualMachines",
		"location": "westeurope",
		"properties": {"storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "ubuntu"}}},
	}
	d := gate.decide(marketplace, facts)
	d.allow == true
	d.reasons == []
}

test_shared_gallery_reference_fails_closed if {
	shared := {
		"type": "Microsoft.Compute/virtualMachines",
		"location": "westeurope",
		"properties": {"storageProfile": {"imageReference": {"sharedGalleryImageId": "/SharedGalleries/x/Images/i/Versions/1.0.0"}}},
	}
	d := gate.decide(shared, facts)
	d.allow == false
	startswith(d.reasons[0], "ACG801: shared and community")
}

shallow_facts(total) := {
	"settings": facts.settings,
	"definitions": facts.definitions,
	"versions": {ver_id: {
		"name": "1.0.0",
		"end_of_life_passed": false,
		"shallow": true,
		"total_instances": total,
		"regions": {"westeurope": {"replicas": 3, "vms": 0, "scale_sets": 0, "instances": 0}},
	}},
}

# ACG403 is a warning: reported, and not blocking at the gate's default level (error).
test_shallow_version_at_scale_is_reported_outside_production_too if {
	d := gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), shallow_facts(20))
	d.allow == true
	d.reasons == ["ACG403: version 1.0.0 is shallow-replicated and would serve 21 instances"]
	gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), shallow_facts(19)).reasons == []
}

# A facts object whose one version is soft-deleted (ACG311) and replicated to one edge zone
# (ACG609), built whole.
soft_facts(ended, zones) := {
	"settings": facts.settings,
	"definitions": facts.definitions,
	"versions": {ver_id: {
		"name": "1.0.0",
		"end_of_life_passed": false,
		"shallow": false,
		"regions": {"westeurope": {"replicas": 3, "vms": 0, "scale_sets": 0, "instances": 0}},
		"soft_deleted": true,
		"consumption_end": "2026-11-01T00:00:00Z",
		"consumption_ended": ended,
		"edge_zones": zones,
	}},
}

edge_vm(id, zone) := {
	"type": "Microsoft.Compute/virtualMachines",
	"location": "westeurope",
	"extendedLocation": {"type": "EdgeZone", "name": zone},
	"properties": {
		"storageProfile": {"imageReference": {"id": id}, "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}}},
		"securityProfile": {"securityType": "TrustedLaunch"},
	},
}

test_soft_deleted_version_in_use if {
	d := gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), soft_facts(true, []))
	d.reasons == ["ACG311: pinned to soft-deleted version 1.0.0, whose consumption ended 2026-11-01T00:00:00Z: Azure no longer creates VMs or scales out from it"]
	d.allow == false
	e := gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), soft_facts(false, []))
	e.reasons == ["ACG311 (warning): pinned to soft-deleted version 1.0.0, consumable only until 2026-11-01T00:00:00Z"]
	e.allow == true
}

test_edge_zone_not_replicated if {
	d := gate.decide(edge_vm(ver_id, "LosAngeles"), soft_facts(false, ["dallas"]))
	"ACG609: in edge zone losangeles, pinned to version 1.0.0, which is not replicated there (edge zones: dallas)" in d.reasons
	e := gate.decide(edge_vm(ver_id, "Dallas"), soft_facts(false, ["dallas"]))
	not "ACG609" in {substring(r, 0, 6) | some r in e.reasons}
}

# ACG804 (catalog v3): the image sources a deployment may not use.
market_vm(tags) := {
	"type": "Microsoft.Compute/virtualMachines",
	"id": "/subscriptions/s/resourceGroups/app/providers/Microsoft.Compute/virtualMachines/web",
	"location": "westeurope",
	"tags": tags,
	"properties": {"storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server"}}},
}

facts_with_sources(allowed, scopes) := {
	"settings": {
		"vms_per_replica": 20, "instances_per_replica": 600,
		"production_tag_values": ["prod", "production"], "shallow_max_instances": 20,
		"hdd_os_retired": false,
		"sources": {"allowed_marketplace": allowed, "allow_managed_images": false, "allow_attached_os_disk": false},
		"production_scopes": scopes,
	},
	"definitions": {}, "versions": {},
}

test_marketplace_in_production_blocks if {
	d := gate.decide(market_vm({"environment": "prod"}), facts_with_sources([], []))
	d.allow == false
	d.reasons == ["ACG804 (error): (a) takes its OS from the Marketplace image canonical:ubuntu-24_04-lts:server, not from a gallery image"]
}

test_marketplace_elsewhere_is_a_note if {
	d := gate.decide(market_vm({}), facts_with_sources([], []))
	d.allow == true
	startswith(d.reasons[0], "ACG804 (note): (a)")
}

test_marketplace_allowed_or_scoped if {
	count(gate.decide(market_vm({"environment": "prod"}), facts_with_sources(["Canonical:ubuntu-24_04-lts:*"], [])).reasons) == 0
	gate.decide(market_vm({}), facts_with_sources([], ["/subscriptions/s"])).allow == false
	gate.decide(market_vm({}), facts_with_sources([], ["/subscriptions/*/resourcegroups/app/*"])).allow == false
	gate.decide(market_vm({}), facts_with_sources([], ["/subscriptions/s/resourcegroups/ap"])).allow == true
}
