# One rule a real OPA evaluates over the benchmark's VM file (benchmarks/run.py): the
# VMs whose OS disk is Standard_LRS, read from `az graph query` rows as they are.
package bench

import rego.v1

violations contains row.id if {
	some row in input.data
	lower(row.type) == "microsoft.compute/virtualmachines"
	row.properties.storageProfile.osDisk.managedDisk.storageAccountType == "Standard_LRS"
}
