locals {
  tags = {
    scenario = "Image Gallery with Images Sample"
  }
}
