package gallerylint.gate_test

import rego.v1

import data.gallerylint.gate

def_id := "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/galleries/g/images/i"

ver_id := concat("", [def_id, "/versions/1.0.0"])

facts := facts_with(false)

facts_with(eol_passed) := {
	"settings": {"vms_per_replica": 20, "instances_per_replica": 600, "production_tag_values": ["prod", "production"], "shallow_max_instances": 20},
	"definitions": {def_id: {
		"versions": {"1.0.0": ver_id},
		"latest_by_region": {"westeurope": ver_id},
		"disallowed_disk_types": ["standard_lrs"],
		"allowed_security_types": ["standard", "trustedlaunch"],
		"production": false,
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
	count(d.reasons) == 2
}

test_end_of_life if {
	d := gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), facts_with(true))
	count(d.reasons) == 1
	"ACG301: version 1.0.0 is past its end of life" in d.reasons
}

test_no_gallery_image_is_refused if {
	marketplace := {
		"type": "Microsoft.Compute/virtualMachines",
		"location": "westeurope",
		"properties": {"storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "ubuntu"}}},
	}
	d := gate.decide(marketplace, facts)
	d.allow == false
	d.reasons == ["ACG801: the deployment does not reference a gallery image"]
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

test_shallow_version_at_scale_is_refused_outside_production_too if {
	d := gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), shallow_facts(20))
	d.allow == false
	d.reasons == ["ACG403: version 1.0.0 is shallow-replicated and would serve 21 instances"]
	gate.decide(vm(ver_id, "westeurope", "Premium_LRS", "TrustedLaunch"), shallow_facts(19)).allow == true
}
