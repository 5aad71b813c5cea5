# Copyright IBM Corp. 2013, 2025
# SPDX-License-Identifier: MPL-2.0

acgName                   = "acgDemo"
temp_os_disk_name         = "osDisk001"
destination_image_version = "1.0.0"
Release                   = "AWESOME"