"""A small job that moves unusable landing files to rejected/ and records why.

The sensor itself only reads names (sensor ticks may be retried); hashing, moving files
and writing the audit happen in a run, where the reason is in the run log too.
"""


from dagster import Config, OpExecutionContext, job, op

from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.landing.file_store import LandingFile, LandingFileStore
from retail_assets.warehouse.base import Warehouse


class QuarantineConfig(Config):
    # [{"name": ..., "reason": ..., "name_hex": for an undecodable name, "profile": the one that refused it}]
    files: list[dict[str, str]]


def landing_name(item: dict[str, str]) -> str:
    """The file's name in the landing zone (`name` is for people; `name_hex` holds undecodable bytes)."""
    if "name_hex" in item:
        return bytes.fromhex(item["name_hex"]).decode("utf-8", "surrogateescape")
    return item["name"]


def content_sha256(landing: LandingFileStore, listed: LandingFile) -> tuple[str, str]:
    """The file's sha256 (streamed), or "" and why not: links and FIFOs are never opened."""
    if listed.problem:
        return "", ""
    try:
        return landing.sha256(listed.name), ""
    except OSError as exc:
        return "", f" (content unreadable: {exc})"


@op(pool=WAREHOUSE_POOL)
def quarantine_files(context: OpExecutionContext, config: QuarantineConfig, landing: LandingFileStore,
                     warehouse: Warehouse) -> None:
    present = {f.name: f for f in landing.list_files()}
    for item in config.files:
        shown, reason = item["name"], item["reason"]
        listed = present.get(landing_name(item))
        if listed is None:
            context.log.info(f"file={shown!r} already gone from the landing zone; nothing to do")
            continue
        # One file's failure (a name the file system refuses, a disk error) must not leave the rest
        # of the batch in landing: the sensor never requests the same files again.
        try:
            sha, unread = content_sha256(landing, listed)
            # The audit row and the reason come before the move: a file never sits in rejected/ unexplained.
            warehouse.record_rejected_file(file=shown, sha256=sha, status="rejected", reason=reason + unread,
                                           profile=item.get("profile"), partition=None)
            moved = landing.reject(listed.name, f"{shown!r}: {reason}{unread}\nsha256: {sha or 'not read'}\n")
        except Exception as exc:  # noqa: BLE001 - reported, and the other files go on
            context.log.error(f"file={shown!r} status=quarantine_failed error={type(exc).__name__}: {exc}; "
                              "it stays in the landing zone")
            continue
        context.log.error(f"file={shown!r} status=rejected reason={reason}{unread} moved_to={moved!r}")


@job(description="Moves landing files no source profile accepts, or that can never load (links, unreadable, "
     "too big, hostile names), to rejected/, with a reason file and an audit row.")
def quarantine_landing_files():
    quarantine_files()
