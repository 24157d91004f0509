"""Unit tests of retail_assets.landing.file_store: the local landing zone on a tmp folder."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from retail_assets.landing import file_store
from retail_assets.landing.file_store import SAFE_NAME_CHARS, FileTooBig, LandingFile, LocalFileStore, safe_name


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    (tmp_path / "landing").mkdir()
    return LocalFileStore(
        landing_dir=str(tmp_path / "landing"),
        archive_dir=str(tmp_path / "archive"),
        rejected_dir=str(tmp_path / "rejected"),
    )


def landing(store: LocalFileStore) -> Path:
    return Path(store.landing_dir)


def drop(store: LocalFileStore, name: str, content: bytes = b"a,b\n1,2\n") -> Path:
    path = landing(store) / name
    path.write_bytes(content)
    return path


# --- list_files --------------------------------------------------------------------------


def test_list_files_skips_hidden_partial_and_folders(store):
    for name in ["pos_sales_2026-11-01.csv", "2010-12-01.csv", ".DS_Store", ".pos_sales_2026-11-02.csv",
                 "stores_2026-11-01.csv.part", "customers_2026-11-01.xlsx.tmp"]:
        drop(store, name)
    (landing(store) / "subdir").mkdir()
    (landing(store) / "subdir" / "inner.csv").write_bytes(b"x")
    names = [f.name for f in store.list_files()]
    assert names == ["2010-12-01.csv", "pos_sales_2026-11-01.csv"]  # sorted by name


def test_list_files_reports_size_and_version(store):
    path = drop(store, "stores_2026-11-01.csv", b"12345")
    (f,) = store.list_files()
    assert f == LandingFile("stores_2026-11-01.csv", 5, str(path.stat().st_mtime_ns))
    assert f.identity == f"stores_2026-11-01.csv@{path.stat().st_mtime_ns}:5"


def test_list_files_on_missing_landing_dir_is_empty(tmp_path):
    store = LocalFileStore(landing_dir=str(tmp_path / "nope"), archive_dir=str(tmp_path / "a"),
                           rejected_dir=str(tmp_path / "r"))
    assert store.list_files() == []


def test_version_and_identity_change_when_a_file_is_rewritten(store):
    path = drop(store, "stores_2026-11-01.csv", b"v1,aaaa\n")
    (before,) = store.list_files()
    time.sleep(0.02)  # beyond any coarse mtime granularity
    path.write_bytes(b"v2,bbbb\n")  # same size: only the version can tell
    (same_size,) = store.list_files()
    assert same_size.size == before.size
    assert same_size.version != before.version
    assert same_size.identity != before.identity
    path.write_bytes(b"v3,longer content\n")
    os.utime(path, ns=(int(before.version), int(before.version)))  # even with the old mtime...
    (longer,) = store.list_files()
    assert longer.identity != before.identity  # ...the size still changes the identity


def test_identity_is_stable_when_nothing_changes(store):
    drop(store, "stores_2026-11-01.csv")
    assert store.list_files() == store.list_files()


# --- read_bytes / sha256 ------------------------------------------------------------------


def test_read_bytes_and_sha256(store):
    content = b"store_id,store_name\nS1,Leeds\n"
    drop(store, "stores_2026-11-01.csv", content)
    assert store.read_bytes("stores_2026-11-01.csv") == content
    assert store.sha256("stores_2026-11-01.csv") == hashlib.sha256(content).hexdigest()


def test_open_stream_reads_the_file_in_pieces_and_closes_it(store):
    content = b"store_id,store_name\n" + b"S1,Leeds\n" * 1000
    drop(store, "stores_2026-11-01.csv", content)
    with store.open_stream("stores_2026-11-01.csv") as stream:
        pieces = list(iter(lambda: stream.read(4096), b""))
    assert len(pieces) == 3 and b"".join(pieces) == content
    assert stream.closed


@pytest.mark.parametrize("name", ["../secret.csv", "../../etc/passwd", "sub/x.csv", "", ".", ".."])
def test_names_cannot_escape_the_landing_dir(store, tmp_path, name):
    (tmp_path / "secret.csv").write_bytes(b"top secret")
    (landing(store) / "sub").mkdir()
    (landing(store) / "sub" / "x.csv").write_bytes(b"x")
    with pytest.raises(ValueError, match="not a file directly in the landing zone"):
        store.read_bytes(name)
    with pytest.raises(ValueError):
        store.sha256(name)
    with pytest.raises(ValueError):
        store.open_stream(name)
    with pytest.raises(ValueError):
        store.archive(name, "2026-11-01", "0" * 64)
    with pytest.raises(ValueError):
        store.reject(name, "bad")
    assert (tmp_path / "secret.csv").read_bytes() == b"top secret"  # never moved


def test_symlink_out_of_the_landing_dir_is_refused(store, tmp_path):
    (tmp_path / "secret.csv").write_bytes(b"top secret")
    os.symlink(tmp_path / "secret.csv", landing(store) / "link.csv")
    with pytest.raises(ValueError):
        store.read_bytes("link.csv")
    with pytest.raises(ValueError):
        store.open_stream("link.csv")


# --- archive -------------------------------------------------------------------------------


def test_archive_moves_into_partition_folder_with_sha_prefix(store, tmp_path):
    content = b"store_id\nS1\n"
    drop(store, "stores_2026-11-01.csv", content)
    sha = hashlib.sha256(content).hexdigest()
    moved = store.archive("stores_2026-11-01.csv", "2026-11-01", sha)
    expected = tmp_path / "archive" / "2026-11-01" / f"{sha[:12]}_stores_2026-11-01.csv"
    assert Path(moved) == expected
    assert expected.read_bytes() == content
    assert not (landing(store) / "stores_2026-11-01.csv").exists()
    assert store.list_files() == []
    assert store.is_archived("stores_2026-11-01.csv", "2026-11-01", sha)
    assert not store.is_archived("stores_2026-11-01.csv", "2026-11-02", sha)


def test_archive_never_overwrites_an_earlier_archived_copy(store):
    sha = "ab" * 32
    drop(store, "stores_2026-11-01.csv", b"first\n")
    first = store.archive("stores_2026-11-01.csv", "2026-11-01", sha)
    drop(store, "stores_2026-11-01.csv", b"second\n")
    second = store.archive("stores_2026-11-01.csv", "2026-11-01", sha)
    assert first != second
    assert Path(first).read_bytes() == b"first\n"
    assert Path(second).read_bytes() == b"second\n"


def test_archive_sanitises_the_archived_name(store, tmp_path):
    drop(store, "my stores (1).csv")
    moved = Path(store.archive("my stores (1).csv", "2026-11-01", "c" * 64))
    assert moved.parent == tmp_path / "archive" / "2026-11-01"
    assert moved.name == "cccccccccccc_my_stores_1_.csv"


# --- reject ---------------------------------------------------------------------------------


def test_reject_moves_file_and_writes_reason_beside_it(store, tmp_path):
    drop(store, "pos_sales_2026-11-01.csv", b"garbage")
    moved = Path(store.reject("pos_sales_2026-11-01.csv", "file is empty\n\n"))
    assert moved.parent == tmp_path / "rejected"
    assert moved.name.endswith("_pos_sales_2026-11-01.csv")
    assert moved.read_bytes() == b"garbage"
    reason = Path(f"{moved}.reason.txt")
    assert reason.read_text(encoding="utf-8") == "file is empty\n"
    assert store.list_files() == []


def test_reject_twice_keeps_both_files_and_reasons(store):
    drop(store, "x.csv", b"one")
    first = Path(store.reject("x.csv", "reason one"))
    drop(store, "x.csv", b"two")
    second = Path(store.reject("x.csv", "reason two"))
    assert first != second
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert Path(f"{first}.reason.txt").read_text() == "reason one\n"
    assert Path(f"{second}.reason.txt").read_text() == "reason two\n"


# --- safe_name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile, safe",
    [
        ("pos_sales_2026-11-01.csv", "pos_sales_2026-11-01.csv"),
        ("../../etc/passwd", "passwd"),
        ("/abs/path/file.csv", "file.csv"),
        ("..", "unnamed"),
        ("", "unnamed"),
        (".hidden.csv", "hidden.csv"),
        ("a b;rm -rf $(x).csv", "a_b_rm_-rf_x_.csv"),
        ("..\\..\\win.csv", "_.._win.csv"),
        ("résumé\n.csv", "r_sum_.csv"),
    ],
)
def test_safe_name(hostile, safe):
    assert safe_name(hostile) == safe


@pytest.mark.parametrize("hostile", ["../x", "a/../../b", "\x00evil", "-rf", "$(reboot)", "`id`", "a\nb", "~root"])
def test_safe_name_output_is_a_plain_file_name(hostile):
    out = safe_name(hostile)
    assert out and "/" not in out and "\\" not in out and not out.startswith(".")
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in out)


# --- hostile entries ------------------------------------------------------------------------


def test_links_and_fifos_are_listed_with_their_problem_and_never_opened(store, tmp_path):
    (tmp_path / "secret.csv").write_bytes(b"top secret")
    os.symlink(tmp_path / "secret.csv", landing(store) / "2010-12-01.csv")
    os.mkfifo(landing(store) / "2010-12-02.csv")
    problems = {f.name: f.problem for f in store.list_files()}
    assert "symbolic link" in problems["2010-12-01.csv"] and "not a regular file" in problems["2010-12-02.csv"]
    for name in problems:  # a FIFO would block a plain open() for ever
        with pytest.raises(OSError, match="not a file directly in the landing zone"):
            store.read_bytes(name)


def test_read_bytes_stops_at_the_limit(store):
    drop(store, "2010-12-01.csv", b"x" * 1000)
    assert store.read_bytes("2010-12-01.csv", max_bytes=1000) == b"x" * 1000
    with pytest.raises(FileTooBig) as raised:
        store.read_bytes("2010-12-01.csv", max_bytes=10)
    assert raised.value.size == 11, "read no further than one byte past the limit"


def test_a_240_character_name_is_rejected_with_its_reason_beside_it(store):
    name = "x" * 236 + ".csv"
    drop(store, name)
    moved = Path(store.reject(name, "too long"))
    assert len(moved.name) <= 16 + SAFE_NAME_CHARS and moved.name.endswith("xxx.csv")
    assert Path(f"{moved}.reason.txt").read_text() == "too long\n"


def test_the_reason_is_written_before_the_move_and_a_failed_move_leaves_no_stray_reason(store, tmp_path, monkeypatch):
    real_move = file_store.shutil.move

    def move_after_reason(source, target):
        assert Path(f"{target}.reason.txt").read_text() == "bad\n", "a rejected file never sits unexplained"
        return real_move(source, target)

    drop(store, "x.csv")
    monkeypatch.setattr(file_store.shutil, "move", move_after_reason)
    store.reject("x.csv", "bad")

    def failing_move(source, target):
        raise OSError(28, "No space left on device")

    drop(store, "y.csv")
    monkeypatch.setattr(file_store.shutil, "move", failing_move)
    with pytest.raises(OSError):
        store.reject("y.csv", "bad")
    assert (landing(store) / "y.csv").exists()
    assert not [p for p in (tmp_path / "rejected").iterdir() if "y.csv" in p.name]
