"""Silver inside the warehouse: Ibis transforms and contracts of the silver tables."""
