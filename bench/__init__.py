"""`make bench`: timed cases of the retail-assets pipeline beside plain-DuckDB baselines (see bench/run.py)."""
