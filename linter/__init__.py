"""gallerylint: a policy and compliance linter for Azure Compute Gallery inventories."""

__version__ = "0.1.0"
