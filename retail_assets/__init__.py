import os
import warnings

# Known notices about Dagster APIs used on purpose (backfill policies, the pandera type): filtered
# wherever the package is loaded (code location, make ingest/dev/demo), so the output shows what matters.
# By message, so importing the package does not import Dagster.
warnings.filterwarnings("ignore", message=r".* is currently in (beta|preview)")

# A delivery or backfill is one run over a range of days. Dagster OSS then writes one
# "materialization planned" event per asset *and day* (and does so for the unpartitioned
# assets of the run as well): 15,892 events and ~60% of a year-long drop's wall time here.
# Dagster's own opt-in (dagster-io/dagster#29288, #32242) writes one event per asset with the
# range. What it gives up: when a ranged run fails, its days show "missing" rather than
# "failed" in the partition bar (the run, its failed step and ops/run_failures.jsonl still show
# it). Set the variable to 0 to keep per-day planned events. `make dev` exports it for the
# daemon and webserver, which create runs without importing this package.
os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")
