"""ARM templates and Terraform plans (input forms 3 and 4)."""

from __future__ import annotations

from ..errors import InputError
from ..model import Inventory
from .files import ParsedFile


def load_iac(parsed: ParsedFile, form: str, inventory: Inventory) -> None:
    what = "ARM templates" if form == "template" else "Terraform plans"
    raise InputError(parsed.path, f"{what} are not supported by this version of gallerylint",
                     line=1, hint="lint a snapshot or raw Azure resources instead")
