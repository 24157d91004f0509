"""Bronze: landing files loaded as they arrived (readers, loads, the assets)."""
