"""Receiving one uploaded file: check it, land it through the landing store, note it in the ledger.

A second upload of the same export and day lands under the same name; what happens depends on the
first one (README, "Upload portal"):
- the first is still waiting in the landing zone: refused at once. Replacing a file the pipeline may
  be reading could archive the new content under the old one's audit row and lose it; sent again
  once the first is processed (seconds to a minute), it lands and supersedes it.
- the first was processed: the new file lands, and silver replaces the earlier rows with its own
  (the earlier upload then shows "replaced by a later upload").
- it is the very same content: refused at once, nothing new to load (unless the pipeline refused
  the earlier one: a file dated too far ahead may be sent again once its day has come).
"""

from __future__ import annotations

import hashlib
import logging
import threading

from retail_assets.landing.file_store import LandingFileStore
from retail_assets.landing.profiles import SourceProfile
from retail_assets.portal.audit_reader import UploadOutcomes
from retail_assets.portal.ledger import Upload, UploadLedger, new_upload_id, utc_now
from retail_assets.portal.naming import kept_original
from retail_assets.portal.validation import Accepted, Refused, check_upload
from retail_assets.warehouse.base import WarehouseBusy

log = logging.getLogger("retail_assets.portal")


def shown_time(received_at: str) -> str:
    """'2026-12-03 10:46 UTC' from the ledger's ISO time."""
    return received_at[:16].replace("T", " ") + " UTC"


class Intake:
    def __init__(self, store: LandingFileStore, ledger: UploadLedger, outcomes: UploadOutcomes,
                 profiles: tuple[SourceProfile, ...], first_day: str, max_bytes: int):
        self.store, self.ledger, self.outcomes, self.profiles = store, ledger, outcomes, profiles
        self.first_day, self.max_bytes = first_day, max_bytes
        # One writer of landed names at a time in this process: the check "is a file of this name
        # waiting?" and the write must not interleave with another request's.
        self._landing = threading.Lock()

    def receive(self, sent_name: str, content: bytes, channel: str) -> Upload:
        """The ledger row of one uploaded file: landed, or refused with the reason."""
        verdict = check_upload(sent_name, content, self.profiles, self.first_day, self.max_bytes)
        base = dict(id=new_upload_id(), original_name=kept_original(sent_name), size=len(content),
                    received_at=utc_now(), channel=channel)
        if isinstance(verdict, Refused):
            return self._refused(base, hashlib.sha256(content).hexdigest(), verdict.reason)
        with self._landing:
            if reason := self._repeat_reason(verdict):
                return self._refused(base, verdict.sha256, reason)
            try:
                self.store.write(verdict.landed_name, content)
            except OSError as exc:
                log.error("upload=%s file=%r status=store_failed error=%s", base["id"], verdict.landed_name, exc)
                return self._refused(base, verdict.sha256, "the portal could not store the file just now; "
                                                           "please send it again in a few minutes")
            upload = self.ledger.add(Upload(**base, landed_name=verdict.landed_name, profile=verdict.profile.name,
                                            partition=verdict.partition_key, sha256=verdict.sha256))
        log.info("upload=%s channel=%s status=landed file=%r profile=%s partition=%s bytes=%d", upload.id, channel,
                 upload.landed_name, upload.profile, upload.partition, upload.size)
        return upload

    def _refused(self, base: dict, sha256: str, reason: str) -> Upload:
        upload = self.ledger.add(Upload(**base, landed_name=None, profile=None, partition=None, sha256=sha256,
                                        refused_reason=reason))
        log.info("upload=%s channel=%s status=refused reason=%r", upload.id, upload.channel, reason)
        return upload

    def _repeat_reason(self, verdict: Accepted) -> str | None:
        """Why this file must not land now, if it repeats or would replace an earlier one still waiting."""
        earlier = self.ledger.landed_with(verdict.landed_name, verdict.sha256)
        if earlier is not None and not self._refused_by_pipeline(earlier):
            return (f"this is the same file as the one received {shown_time(earlier.received_at)}: it is already "
                    "here, there is nothing new to load")
        if verdict.landed_name in {f.name for f in self.store.list_files()}:
            waiting = self.ledger.latest_landed_as(verdict.landed_name)
            since = f" (received {shown_time(waiting.received_at)})" if waiting else ""
            return (f"an earlier file for {verdict.partition_key}{since} is still waiting to be processed: send "
                    "this one again once that one is processed, usually within a minute or two")
        return None

    def _refused_by_pipeline(self, upload: Upload) -> bool:
        try:
            return self.outcomes.status(upload).status == "rejected"
        except WarehouseBusy:
            return False  # a double click is far likelier than a re-send of a refused file
