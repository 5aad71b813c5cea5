"""`gallerylint export`: live Azure state to a snapshot (Resource Graph or ARM)."""
