# A Packer build publishing into contoso_prod/ubuntu-2204 (catalog v3 sample). It is
# wrong on purpose, several ways: see ../EXPECTED.md.
variable "version" {
  type    = string
  default = "1.2.0" # ACG107 (c): contoso_prod/ubuntu-2204 already has 1.2.0
}

source "azure-arm" "ubuntu" {
  subscription_id = "11111111-1111-4111-8111-111111111111"
  location        = "westeurope"
  os_type         = "Windows" # ACG109 (c): the definition is Linux
  image_publisher = "Canonical"
  image_offer     = "0001-com-ubuntu-server-jammy"
  image_sku       = "22_04-lts-gen2"
  vm_size         = "Standard_D2s_v5"
  security_type   = "TrustedLaunch"

  # ACG706: a managed image cannot be captured from a Trusted Launch build VM
  managed_image_name                = "ubuntu-2204-build"
  managed_image_resource_group_name = "rg-images"

  shared_image_gallery_destination {
    subscription         = "11111111-1111-4111-8111-111111111111"
    resource_group       = "rg-images"
    gallery_name         = "contoso_prod"
    image_name           = "ubuntu-2204"
    image_version        = var.version
    storage_account_type = "Standard_ZRS"
    target_region {
      name     = "westeurope"
      replicas = -1 # ACG610 (e): Packer silently publishes 1
    }
  }
  shared_gallery_image_version_end_of_life_date = "2027-12-31T00:00:00Z"

  azure_tags = {
    owner = "Platform Team" # ACG106 (b): metadata.tag_formats wants lower-case words
  }
}

build {
  sources = ["source.azure-arm.ubuntu"]
}
