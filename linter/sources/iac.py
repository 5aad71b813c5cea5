"""ARM templates and Terraform plans (input forms 3 and 4): dispatch to their readers."""

from __future__ import annotations

from ..model import Inventory
from .parsed import ParsedFile
from .plan import load_plan
from .template import DEFAULT_SCOPE, load_template


def load_iac(parsed: ParsedFile, form: str, inventory: Inventory,
             deployment_scope: str = DEFAULT_SCOPE) -> None:
    if form == "template":
        load_template(parsed, inventory, deployment_scope)
    else:
        load_plan(parsed, inventory, deployment_scope)
