"""Hostile landing files stay data: each bad file is its own quarantine, the others load.

Real files in a temp data root, the real sensor (build_sensor_context) and real runs. Links, FIFOs,
unreadable files, hostile names and oversized files are quarantined with a reason and an audit row;
the sensor plans from names and sizes alone, so a drop of 10,000 files is one quick tick.
"""

from __future__ import annotations

import builtins
import io
import os
import stat
import time
import zipfile
from datetime import date, timedelta

import pytest
import yaml
from dagster import AssetKey, DagsterInstance, materialize

from retail_assets.bronze.loads import load_files_to_bronze
from retail_assets.definitions import build_definitions
from retail_assets.landing import file_store
from retail_assets.landing.profiles import PROFILES_DIR, load_profiles, parse_profile
from retail_assets.landing.sensor import plan_landing_runs
from retail_assets_tests.landing.test_landing_file_sensor import _tick

K = AssetKey.from_user_string


def _quarantine(data_root, request, instance):
    defs = build_definitions(data_root.resources())
    result = defs.resolve_job_def(request.job_name).execute_in_process(
        run_config=request.run_config, instance=instance, tags=dict(request.tags))
    assert result.success
    return [e.user_message for e in instance.all_logs(result.run_id) if e.user_message]


def _emulate_permissions_for_root(monkeypatch):
    """Root reads a chmod-000 file all the same: emulate the kernel's refusal in the store's open, so
    the test means the same as root and as a user (as a user the real refusal happens)."""
    if os.geteuid() != 0:
        return
    real_open = file_store.LocalFileStore._open

    def refusing_open(self, name):
        if stat.S_IMODE(os.lstat(self._entry(name)).st_mode) & 0o444 == 0:
            raise PermissionError(13, "Permission denied", name)
        return real_open(self, name)

    monkeypatch.setattr(file_store.LocalFileStore, "_open", refusing_open)


def test_a_link_a_fifo_and_an_unreadable_file_are_quarantined_and_the_rest_loads(
        data_root, online_retail, tmp_path, monkeypatch):
    _emulate_permissions_for_root(monkeypatch)
    data_root.drop(online_retail / "2010-12-01.csv")
    data_root.drop(online_retail / "2010-12-02.csv")
    secret = tmp_path / "secret.csv"
    secret.write_text("top secret\n")
    os.symlink(secret, data_root.landing / "2010-12-03.csv")  # named like an export, points outside
    os.mkfifo(data_root.landing / "2010-12-05.csv")            # a reader would block on it for ever
    unreadable = data_root.drop(online_retail / "2010-12-06.csv")
    unreadable.chmod(0)

    runs, _, _ = _tick(data_root)
    by_job = {r.job_name: r for r in runs}
    instance = DagsterInstance.ephemeral()
    delivery = by_job["landing_ingest"]
    defs = build_definitions(data_root.resources())
    result = materialize(list(defs.assets), selection=[K("bronze/sales_lines"), K("silver/sales_lines")],
                         tags=dict(delivery.tags), partition_key=delivery.partition_key,
                         resources=data_root.resources(), instance=instance)
    assert result.success, "one bad file never fails the window"
    _quarantine(data_root, by_job["quarantine_landing_files"], instance)

    audit = data_root.query("select file, status, reason, sha256 from audit.file_loads order by file")
    assert audit.file.tolist() == ["2010-12-01.csv", "2010-12-02.csv", "2010-12-03.csv", "2010-12-05.csv",
                                   "2010-12-06.csv"]
    assert audit.status.tolist() == ["loaded", "loaded", "rejected", "rejected", "rejected"]
    assert "symbolic link" in audit.reason[2] and audit.sha256[2] == "", "a link is never followed"
    assert "not a regular file" in audit.reason[3]
    assert "permission denied" in audit.reason[4].lower()
    assert sorted(data_root.query("select distinct _source_file f from bronze.sales_lines").f) == [
        "2010-12-01.csv", "2010-12-02.csv"]
    assert list(data_root.landing.iterdir()) == []
    for name in ["2010-12-03.csv", "2010-12-05.csv", "2010-12-06.csv"]:
        [moved] = [p for p in data_root.rejected.iterdir() if p.name.endswith("_" + name)]
        assert (data_root.rejected / f"{moved.name}.reason.txt").exists()
    [link] = [p for p in data_root.rejected.iterdir() if p.name.endswith("_2010-12-03.csv")]
    assert link.is_symlink() and secret.read_text() == "top secret\n", "the link moved, not its target"


def test_hostile_names_are_quarantined_with_reasons_and_logged_quoted(data_root, capsys):
    long_name = "x" * 236 + ".csv"  # 240 characters: with a stamp and ".reason.txt" over 255 bytes
    escape_name = "report\n\x1b[31mEVIL.csv"
    (data_root.landing / long_name).write_text("a\n")
    (data_root.landing / escape_name).write_text("a\n")
    with open(os.path.join(os.fsencode(data_root.landing), b"2010-12-07\xff.csv"), "wb") as fh:
        fh.write(b"a\n")
    files = data_root.resources()["landing"].list_files()
    plan = plan_landing_runs(files, {})
    assert not any("\n" in line or "\x1b" in line for line in plan.log), "the sensor logs names quoted"

    [run] = plan.runs
    instance = DagsterInstance.ephemeral()
    messages = _quarantine(data_root, run, instance)
    assert list(data_root.landing.iterdir()) == [], "every file of the batch handled"
    audit = data_root.query("select file, reason from audit.file_loads order by file")
    reasons = dict(zip(audit.file, audit.reason, strict=True))
    assert reasons["2010-12-07\\xff.csv"] == "file name '2010-12-07\\\\xff.csv' is not valid UTF-8"
    assert reasons[long_name] == "file name is 240 characters, over the limit of 200"
    assert "no source profile matches" in reasons[escape_name]
    moved = sorted(p.name for p in data_root.rejected.iterdir())
    assert len(moved) == 6 and sum(n.endswith(".reason.txt") for n in moved) == 3
    assert all(len(n.encode()) <= 255 and "\x1b" not in n for n in moved)
    rejected_lines = [m for m in messages if "status=rejected" in m]
    assert len(rejected_lines) == 3 and not any("\n" in m or "\x1b" in m for m in rejected_lines)
    assert any(repr(escape_name) in m for m in rejected_lines)

    from retail_assets.ingest import print_accounting
    print_accounting(str(data_root.db))
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "EVIL.csv" in printed, "the printed table shows names, not escape codes"


def _bomb_xlsx() -> bytes:
    """An XLSX whose sheet declares 4 GB unpacked: the sizes are forged in the zip's headers, so
    the test never holds 4 GB; any reader that trusted them and inflated would fail differently."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    data = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    local = data.rfind(b"PK\x03\x04", 0, data.find(name))
    data[local + 22: local + 26] = (4_000_000_000).to_bytes(4, "little")
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[central + 24: central + 28] = (4_000_000_000).to_bytes(4, "little")
    return bytes(data)


def test_a_zip_bomb_xlsx_is_rejected_by_its_declared_size_without_inflating(data_root, monkeypatch):
    (data_root.landing / "customers_2026-11-01.xlsx").write_bytes(_bomb_xlsx())
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or pytest.fail("inflated"))
    resources = data_root.resources()
    [outcome] = load_files_to_bronze(resources["landing"], resources["warehouse"], "customers",
                                     date(2026, 11, 1), date(2026, 11, 2))
    assert outcome.status == "rejected" and opened == []
    assert outcome.reason == "XLSX unpacks to 4 GB, over this profile's limit of 1 GB"
    audit = data_root.query("select status, reason from audit.file_loads")
    assert audit.status.tolist() == ["rejected"] and audit.reason[0] == outcome.reason


def _small_profiles(**limits):
    profiles = [p for p in load_profiles() if p.name != "online_retail"]
    raw = yaml.safe_load((PROFILES_DIR / "online_retail.yaml").read_text()) | {"limits": limits}
    return (*profiles, parse_profile(raw, origin="test"))


def test_files_over_their_profiles_limits_are_quarantined_with_the_numbers(data_root, online_retail):
    profiles = _small_profiles(max_bytes=100_000)
    data_root.drop(online_retail / "2010-12-01.csv")  # 3,108 lines, 275,0xx bytes
    [run] = plan_landing_runs(data_root.resources()["landing"].list_files(), {}, profiles).runs
    [item] = run.run_config["ops"]["quarantine_files"]["config"]["files"]
    assert item["reason"] == "file is 275 kB, over this profile's limit of 100 kB"
    _quarantine(data_root, run, DagsterInstance.ephemeral())
    audit = data_root.query("select profile, reason from audit.file_loads")
    assert audit.profile.tolist() == ["online_retail"], "the audit row names the profile whose limit refused it"
    assert audit.reason[0] == item["reason"]

    data_root.drop(online_retail / "2010-12-01.csv")
    resources = data_root.resources()
    few_rows = _small_profiles(max_rows=1000)
    [outcome] = load_files_to_bronze(resources["landing"], resources["warehouse"], "sales_lines",
                                     date(2010, 12, 1), date(2010, 12, 2), profiles=few_rows)
    assert outcome.reason == "file has 3,108 rows, over this profile's limit of 1,000"
    data_root.drop(online_retail / "2010-12-02.csv")
    short_cells = _small_profiles(max_cell_chars=10)
    [outcome] = load_files_to_bronze(resources["landing"], resources["warehouse"], "sales_lines",
                                     date(2010, 12, 2), date(2010, 12, 3), profiles=short_cells)
    assert outcome.status == "rejected" and "characters long, over this profile's limit of 10" in outcome.reason
    assert data_root.query("select count(*) n from bronze.sales_lines").n[0] == 0


def test_a_drop_of_10000_files_is_planned_in_one_tick_without_reading_any(data_root, monkeypatch):
    first = date(1990, 1, 1)
    for i in range(10_000):
        (data_root.landing / f"pos_sales_{first + timedelta(days=i)}.csv").write_bytes(b"x\n")
    landing = str(data_root.landing)

    def refusing(real):
        def opener(path, *args, **kwargs):
            if isinstance(path, (str, bytes, os.PathLike)):
                assert not os.fsdecode(path).startswith(landing), f"the tick opened {path}"
            return real(path, *args, **kwargs)
        return opener

    # The store opens with os.open; io.open (pathlib, builtins) would be any other way in.
    for module, name in [(os, "open"), (io, "open"), (builtins, "open")]:
        monkeypatch.setattr(module, name, refusing(getattr(module, name)))
    monkeypatch.setattr(file_store.LocalFileStore, "sha256", lambda self, name: pytest.fail("hashed"))
    began = time.perf_counter()
    runs, cursor, _ = _tick(data_root)
    took = time.perf_counter() - began
    [run] = runs
    assert run.tags["retail/files"] == "10000" and cursor.count("delivery") == 10_000
    assert took < 30, f"the tick took {took:.1f} s; Dagster's sensor timeout is 60 s"


def test_one_file_the_quarantine_cannot_move_does_not_stop_the_others(data_root, monkeypatch):
    for name in ["a.txt", "b.txt", "c.txt"]:
        (data_root.landing / name).write_text("not an export\n")
    [run] = plan_landing_runs(data_root.resources()["landing"].list_files(), {}).runs
    real_reject = file_store.LocalFileStore.reject

    def reject(self, name, reason):
        if name == "a.txt":
            raise OSError(28, "No space left on device")
        return real_reject(self, name, reason)

    monkeypatch.setattr(file_store.LocalFileStore, "reject", reject)
    messages = _quarantine(data_root, run, DagsterInstance.ephemeral())
    assert sorted(p.name for p in data_root.landing.iterdir()) == ["a.txt"]
    assert any(m.startswith("file='a.txt' status=quarantine_failed") for m in messages)
    assert sorted(data_root.query("select file from audit.file_loads").file) == ["a.txt", "b.txt", "c.txt"], \
        "the audit row is written before the move"
