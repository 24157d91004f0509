
import warnings

# Known notices about Dagster APIs used on purpose (backfill policies, the pandera type): filtered
# wherever the package is loaded (code location, make ingest/dev/demo), so the output shows what matters.
# By message, so importing the package does not import Dagster.
warnings.filterwarnings("ignore", message=r".* is currently in (beta|preview)")
