"""The Resource Graph queries: one per resource type, only the columns rules need.

Galleries, definitions and versions keep their whole `properties` (small, and a
new rule then needs no new export); VMs and scale sets, the bulk of an estate,
are projected to the columns `linter/sources/azure.py` reads. Every query
projects `id` as a string (Resource Graph returns no `$skipToken` when all
columns are dynamic) and orders by it for stable paging.
"""

from __future__ import annotations

RESOURCE_GRAPH_API_VERSION = "2021-03-01"

QUERIES: dict[str, str] = {
    "galleries": """resources
| where type =~ 'microsoft.compute/galleries'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags, properties
| order by id asc""",
    "imageDefinitions": """resources
| where type =~ 'microsoft.compute/galleries/images'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags, properties
| order by id asc""",
    "imageVersions": """resources
| where type =~ 'microsoft.compute/galleries/images/versions'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags, properties
| order by id asc""",
    "applications": """resources
| where type =~ 'microsoft.compute/galleries/applications'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags, properties
| order by id asc""",
    "applicationVersions": """resources
| where type =~ 'microsoft.compute/galleries/applications/versions'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags, properties
| order by id asc""",
    "virtualMachines": """resources
| where type =~ 'microsoft.compute/virtualmachines'
| extend ir = properties.storageProfile.imageReference
| project id = tostring(id), name, location, subscriptionId, resourceGroup, tags,
          imageId = tostring(ir.id), sharedGalleryImageId = tostring(ir.sharedGalleryImageId),
          communityGalleryImageId = tostring(ir.communityGalleryImageId),
          exactVersion = tostring(ir.exactVersion),
          osDiskType = tostring(properties.storageProfile.osDisk.managedDisk.storageAccountType),
          dataDiskTypes = properties.storageProfile.dataDisks,
          securityType = tostring(properties.securityProfile.securityType),
          vmssId = tostring(properties.virtualMachineScaleSet.id),
          vmSize = tostring(properties.hardwareProfile.vmSize),
          diskControllerType = tostring(properties.storageProfile.diskControllerType),
          osType = tostring(properties.storageProfile.osDisk.osType),
          diffDiskSettings = properties.storageProfile.osDisk.diffDiskSettings,
          galleryApplications = properties.applicationProfile.galleryApplications,
          extendedLocation,
          imagePublisher = tostring(ir.publisher), imageOffer = tostring(ir.offer),
          imageSku = tostring(ir.sku),
          osDiskVhdUri = tostring(properties.storageProfile.osDisk.vhd.uri),
          osDiskImageUri = tostring(properties.storageProfile.osDisk.image.uri),
          osDiskCreateOption = tostring(properties.storageProfile.osDisk.createOption),
          osDiskSizeGB = toint(properties.storageProfile.osDisk.diskSizeGB),
          secureBootEnabled = properties.securityProfile.uefiSettings.secureBootEnabled,
          vTpmEnabled = properties.securityProfile.uefiSettings.vTpmEnabled
| order by id asc""",
    "virtualMachineScaleSets": """resources
| where type =~ 'microsoft.compute/virtualmachinescalesets'
| extend sp = properties.virtualMachineProfile.storageProfile
| project id = tostring(id), name, location, subscriptionId, resourceGroup, tags,
          capacity = toint(sku.capacity), skuName = tostring(sku.name),
          orchestrationMode = tostring(properties.orchestrationMode),
          imageId = tostring(sp.imageReference.id),
          sharedGalleryImageId = tostring(sp.imageReference.sharedGalleryImageId),
          communityGalleryImageId = tostring(sp.imageReference.communityGalleryImageId),
          osDiskType = tostring(sp.osDisk.managedDisk.storageAccountType),
          dataDiskTypes = sp.dataDisks,
          securityType = tostring(properties.virtualMachineProfile.securityProfile.securityType),
          diskControllerType = tostring(sp.diskControllerType),
          osType = tostring(sp.osDisk.osType),
          diffDiskSettings = sp.osDisk.diffDiskSettings,
          galleryApplications =
              properties.virtualMachineProfile.applicationProfile.galleryApplications,
          extendedLocation,
          imagePublisher = tostring(sp.imageReference.publisher),
          imageOffer = tostring(sp.imageReference.offer),
          imageSku = tostring(sp.imageReference.sku),
          osDiskImageUri = tostring(sp.osDisk.image.uri), vhdContainers = sp.osDisk.vhdContainers,
          osDiskSizeGB = toint(sp.osDisk.diskSizeGB),
          secureBootEnabled =
              properties.virtualMachineProfile.securityProfile.uefiSettings.secureBootEnabled,
          vTpmEnabled = properties.virtualMachineProfile.securityProfile.uefiSettings.vTpmEnabled
| order by id asc""",
    # catalog v3: pipelines, AVD host pools and managed images, whole (small and few)
    "imageTemplates": """resources
| where type =~ 'microsoft.virtualmachineimages/imagetemplates'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags,
          identity, properties
| order by id asc""",
    "managedImages": """resources
| where type =~ 'microsoft.compute/images'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags, properties
| order by id asc""",
    "hostPools": """resources
| where type =~ 'microsoft.desktopvirtualization/hostpools'
| project id = tostring(id), name, type, location, subscriptionId, resourceGroup, tags, properties
| order by id asc""",
}

# The type each query returns, as the test server and the snapshot's arrays name it.
QUERY_TYPES = {
    "galleries": "microsoft.compute/galleries",
    "imageDefinitions": "microsoft.compute/galleries/images",
    "imageVersions": "microsoft.compute/galleries/images/versions",
    "applications": "microsoft.compute/galleries/applications",
    "applicationVersions": "microsoft.compute/galleries/applications/versions",
    "virtualMachines": "microsoft.compute/virtualmachines",
    "virtualMachineScaleSets": "microsoft.compute/virtualmachinescalesets",
    "imageTemplates": "microsoft.virtualmachineimages/imagetemplates",
    "managedImages": "microsoft.compute/images",
    "hostPools": "microsoft.desktopvirtualization/hostpools",
}
