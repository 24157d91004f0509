"""Names never become paths outside the data root: not through the landing store, the sensor and its runs,
the quarantine job's config, the archive and rejected folders, or the upload portal.

Layout: tmp/data is the data root, tmp/outside holds a secret file and a folder the names aim at. Every test
snapshots tmp/outside (names, bytes, times) and every path outside tmp/data, and asserts both unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from retail_assets.landing.file_store import NotALandingFile
from retail_assets.portal.app import build_app
from retail_assets.portal.config import PortalConfig
from retail_assets_tests.portal.live import TOKEN
from retail_assets_tests.security.test_hostile_identifiers import run_tick, sales_csv

SECRET = "top secret, never to be read\n"


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    (folder / "folder").mkdir(parents=True)
    (folder / "secret.csv").write_text(SECRET)
    (folder / "folder" / "2010-12-01.csv").write_text(sales_csv("2010-12-01", 2))
    return folder


def snapshot(tmp_path: Path, data_root: Path) -> dict[str, tuple]:
    """Every path under tmp_path but outside the data root, with its kind, bytes and modification time."""
    seen = {}
    for path in sorted(tmp_path.rglob("*")):
        if path == data_root or data_root in path.parents:
            continue
        st = path.lstat()
        content = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        seen[str(path.relative_to(tmp_path))] = (st.st_mode, st.st_mtime_ns, content)
    return seen


TRAVERSING = ["../outside/secret.csv", "../../outside/secret.csv", "/etc/passwd", "..", ".", "",
              "a/../../outside/secret.csv", "folder/../../secret.csv", "2010-12-01.csv\0../x"]


def test_the_store_refuses_every_name_that_is_a_path(data_root, tmp_path, outside):
    store = data_root.resources()["landing"]
    before = snapshot(tmp_path, data_root.root)
    absolute = str(outside / "secret.csv")
    for name in [*TRAVERSING, absolute]:
        for call in (lambda: store.read_bytes(name), lambda: store.open_stream(name), lambda: store.sha256(name),
                     lambda: store.archive(name, "2010-12-01", "0" * 64), lambda: store.reject(name, "why"),
                     lambda: store.write(name, b"planted\n")):
            with pytest.raises((NotALandingFile, ValueError)):
                call()
    # A key that is a path never becomes the archive folder (it would move the file outside).
    (data_root.landing / "2010-12-01.csv").write_text("x\n")
    for key in ["../../outside", str(outside), "2010-12-01/../../../outside", "."]:
        with pytest.raises(ValueError, match="not a date"):
            store.archive("2010-12-01.csv", key, "0" * 64)
        with pytest.raises(ValueError, match="not a date"):
            store.is_archived("2010-12-01.csv", key, "0" * 64)
    assert snapshot(tmp_path, data_root.root) == before
    assert (outside / "secret.csv").read_text() == SECRET


def test_links_and_path_like_names_in_landing_are_quarantined_and_nothing_outside_moves(data_root, tmp_path,
                                                                                          outside):
    land = data_root.landing
    (land / "2010-12-02.csv").write_text(sales_csv("2010-12-02", 3))  # a good file beside them: it loads
    os.symlink(outside / "secret.csv", land / "2010-12-01.csv")  # named like an export, points outside
    os.symlink(outside / "folder", land / "stores_2010-12-01.csv")  # a link to a folder outside
    os.symlink("../../outside/secret.csv", land / "customers_2010-12-01.csv")  # relative, climbing out
    os.symlink(outside / "nowhere.csv", land / "2010-12-03.csv")  # dangling: following it would create it
    for name in ["..csv", "...", "..\\..\\outside\\secret.csv", "%2e%2e%2foutside%2fsecret.csv", "~root.csv"]:
        (land / name).write_text(sales_csv("2010-12-01", 1))
    before = snapshot(tmp_path, data_root.root)

    run_tick(data_root)

    assert snapshot(tmp_path, data_root.root) == before, "nothing outside the data root read-modified or created"
    assert (outside / "secret.csv").read_text() == SECRET and not (outside / "nowhere.csv").exists()
    # Dot-names are uploads still in flight (list_files skips them): they stay where they are, unread.
    assert sorted(p.name for p in land.iterdir()) == ["...", "..\\..\\outside\\secret.csv", "..csv"]
    audit = data_root.query("select file, status, reason, sha256 from audit.file_loads")
    by_file = {r.file: r for r in audit.itertuples()}
    assert by_file["2010-12-02.csv"].status == "loaded"
    for link in ["2010-12-01.csv", "stores_2010-12-01.csv", "customers_2010-12-01.csv", "2010-12-03.csv"]:
        row = by_file[link]
        assert (row.status, row.sha256) == ("rejected", ""), "a link is never opened, not even to hash it"
        assert "symbolic link" in row.reason
    moved = list(data_root.rejected.iterdir())
    assert sum(p.is_symlink() for p in moved) == 4, "the links moved, not their targets"
    assert all(p.parent == data_root.rejected for p in moved)
    assert SECRET not in "".join(p.read_text() for p in moved if p.name.endswith(".reason.txt"))
    archived = list(data_root.archive.rglob("*"))
    assert archived and all(data_root.archive in p.parents for p in archived)


def test_the_quarantine_job_only_moves_files_listed_in_the_landing_zone(data_root, tmp_path, outside):
    """Its config can be written by hand in the launchpad: names there are looked up among the listed files."""
    from dagster import DagsterInstance

    from retail_assets.definitions import build_definitions

    (data_root.landing / "notes.txt").write_text("not an export\n")
    before = snapshot(tmp_path, data_root.root)
    hostile = [*TRAVERSING, str(outside / "secret.csv")]
    files = [{"name": n, "reason": "by hand"} for n in hostile]
    files += [{"name": "x", "name_hex": n.encode().hex(), "reason": "by hand"} for n in hostile]
    files.append({"name": "notes.txt", "reason": "by hand"})
    defs = build_definitions(data_root.resources())
    result = defs.resolve_job_def("quarantine_landing_files").execute_in_process(
        run_config={"ops": {"quarantine_files": {"config": {"files": files}}}}, instance=DagsterInstance.ephemeral())
    assert result.success
    assert snapshot(tmp_path, data_root.root) == before
    assert data_root.query("select file from audit.file_loads").file.tolist() == ["notes.txt"]
    assert [p.name.endswith("_notes.txt") for p in data_root.rejected.iterdir()].count(True) == 1


def test_upload_names_never_become_paths(data_root, tmp_path, outside, monkeypatch):
    """The real portal app (in process): whatever name the browser or till sends, the file lands under the
    profile's canonical name in the landing zone, or is refused; nothing is written anywhere else."""
    monkeypatch.setenv("RETAIL_DATA_DIR", str(data_root.root))
    resources = data_root.resources()
    config = PortalConfig(token=TOKEN, ledger_path=data_root.root / "portal" / "uploads.sqlite")
    stores = (b"store_id,store_name,country,region,city,store_type,opened_on\n"
              b"S001,High Street,United Kingdom,London,London,flagship,2015-04-01\n")
    names = ["../../outside/stores_2024-03-01.csv", "/tmp/../outside/stores_2024-03-02.csv",
             "..\\..\\outside\\stores_2024-03-03.csv", "stores_2024-03-04.csv/../../../outside/x.csv",
             f"{outside}/stores_2024-03-05.csv", "../../outside/secret.csv", "..", "../", "stores_2024-03-06.csv\0.sh"]
    before = snapshot(tmp_path, data_root.root)
    with TestClient(build_app(config, resources["landing"], resources["warehouse"])) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        answers = []
        for i, name in enumerate(names):
            body = stores.replace(b"S001", f"S{i:03d}".encode())
            response = client.post("/api/uploads", files=[("file", (name, body, "text/csv"))])
            assert response.status_code in (201, 400, 422), (name, response.status_code, response.text)
            answers += response.json().get("uploads", [])
        for path in ["/static/../config.py", "/static/..%2f..%2fconfig.py", "/static/%2e%2e/%2e%2e/config.py",
                     "/api/uploads/..%2f..%2fetc%2fpasswd"]:
            response = client.get(path)
            assert response.status_code in (401, 404), path
            assert b"PortalConfig" not in response.content and b"root:" not in response.content
    assert snapshot(tmp_path, data_root.root) == before
    landed = sorted(p.name for p in data_root.landing.iterdir())
    # The last part of a sent path is the name that is checked (x.csv, secret.csv: refused); what lands is
    # named by the profile, never by the sender.
    assert landed == [f"stores_2024-03-0{d}.csv" for d in (1, 2, 3, 5)], answers
    assert sum(a["status"] == "rejected" for a in answers) == len(names) - 4
    assert all(Path(p).resolve().is_relative_to(data_root.root.resolve()) for p in data_root.root.rglob("*"))


def test_a_link_moved_into_rejected_never_redirects_a_later_reason_file(data_root, tmp_path, outside):
    """rejected/ holds what came from the landing zone, links included (moved, never followed). A link a
    sender named `x!.csv.1.reason.txt` lands there as `<stamp>_x_.csv.1.reason.txt`; two files named
    `x#.csv` and `x%.csv` (both `x_.csv` once made safe) rejected in the same second want exactly that name
    for the second one's reason. Writing the reason through the link would create or overwrite a file
    outside the data root. Planted here for the next seconds' stamps, so the test does not race the clock."""
    from datetime import datetime, timedelta, timezone

    store = data_root.resources()["landing"]
    data_root.rejected.mkdir(parents=True)
    now = datetime.now(timezone.utc)
    for second in range(-1, 10):
        stamp = (now + timedelta(seconds=second)).strftime("%Y%m%dT%H%M%S")
        for suffix in ("", ".1"):
            os.symlink(outside / f"planted{second}{suffix}.txt", data_root.rejected / f"{stamp}_x_.csv{suffix}.reason.txt")
            os.symlink(outside / "secret.csv", data_root.rejected / f"{stamp}_y.csv{suffix}.reason.txt")
    for name in ["x#.csv", "x%.csv", "y.csv"]:
        (data_root.landing / name).write_text("refused\n")
    before = snapshot(tmp_path, data_root.root)
    for name in ["x#.csv", "x%.csv", "y.csv"]:
        moved = Path(store.reject(name, "no profile matches"))
        assert moved.parent == data_root.rejected and not moved.is_symlink()
        reason = Path(f"{moved}.reason.txt")
        assert not reason.is_symlink() and reason.read_text() == "no profile matches\n"
    assert snapshot(tmp_path, data_root.root) == before, "nothing created or changed outside the data root"
    assert (outside / "secret.csv").read_text() == SECRET
