"""The content-addressed evidence file store on a real folder."""

from __future__ import annotations

import hashlib
import os
import stat
import tracemalloc
from pathlib import Path

import pytest

from storage import EvidenceFiles

MIB = 1 << 20


@pytest.fixture
def files(tmp_path: Path) -> EvidenceFiles:
    return EvidenceFiles(tmp_path / "evidence")


def stored_files(root: Path) -> list[Path]:
    """Every regular file under the store, temp files included."""
    return sorted(p for p in root.rglob("*") if p.is_file())


async def test_put_file_names_the_copy_by_its_sha256(files: EvidenceFiles, tmp_path: Path) -> None:
    src = tmp_path / "截图 screenshot.jpg"
    src.write_bytes(b"\xff\xd8 a screenshot of the spam")
    digest = hashlib.sha256(src.read_bytes()).hexdigest()

    stored = await files.put_file(src)

    assert (stored.sha256, stored.size) == (digest, src.stat().st_size)
    assert stored.rel_path == f"{digest[:2]}/{digest[2:4]}/{digest}"
    path = files.open_path(stored.rel_path)
    assert path == files.root / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == src.read_bytes()
    assert stored_files(files.root) == [path]


async def test_stored_files_are_readable_by_the_owner_only(files: EvidenceFiles) -> None:
    stored = await files.put_bytes(b"private")
    mode = stat.S_IMODE(files.open_path(stored.rel_path).stat().st_mode)
    assert mode & 0o077 == 0


async def test_the_same_content_is_stored_once(files: EvidenceFiles, tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    src.write_bytes(b"same bytes")

    from_file = await files.put_file(src)
    again = await files.put_file(src)
    from_bytes = await files.put_bytes(b"same bytes")

    assert from_file == again == from_bytes
    assert stored_files(files.root) == [files.open_path(from_file.rel_path)]


async def test_different_content_gets_different_paths(files: EvidenceFiles) -> None:
    a = await files.put_bytes(b"a")
    b = await files.put_bytes(b"b")
    assert a.rel_path != b.rel_path
    assert len(stored_files(files.root)) == 2


async def test_an_empty_file_is_stored_too(files: EvidenceFiles) -> None:
    stored = await files.put_bytes(b"")
    assert stored.sha256 == hashlib.sha256(b"").hexdigest()
    assert files.open_path(stored.rel_path).read_bytes() == b""


@pytest.mark.parametrize("size", [0, 1, 6, 7, 8, 14, 50])
async def test_hashes_are_right_at_every_chunk_boundary(tmp_path: Path, size: int) -> None:
    files = EvidenceFiles(tmp_path / "evidence", chunk_size=7)
    data = os.urandom(size)
    src = tmp_path / "src"
    src.write_bytes(data)

    stored = await files.put_file(src)

    assert (stored.sha256, stored.size) == (hashlib.sha256(data).hexdigest(), size)
    assert files.open_path(stored.rel_path).read_bytes() == data


async def test_a_20_mb_file_is_hashed_without_reading_it_whole(
    files: EvidenceFiles, tmp_path: Path
) -> None:
    src = tmp_path / "video.mp4"
    expected = hashlib.sha256()
    with src.open("wb") as out:
        for _ in range(21):
            block = os.urandom(MIB)
            expected.update(block)
            out.write(block)

    tracemalloc.start()
    try:
        stored = await files.put_file(src)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert stored.sha256 == expected.hexdigest()
    assert stored.size == 21 * MIB
    assert peak < 4 * MIB


@pytest.mark.parametrize(
    "rel_path",
    [
        "../outside",
        "../../etc/passwd",
        "/etc/passwd",
        "ab/cd/../../../x",
        "tmp/anything.part",
        "ab/cd/" + "ab" + "cd" + "0" * 59 + "/..",
        "AB/CD/" + "ABCD" + "0" * 60,
        "ab/cd/" + "ffff" + "0" * 60,
        "ab\\cd\\" + "abcd" + "0" * 60,
        "ab/cd/" + "abcd" + "0" * 60 + "\n",
        "",
    ],
)
def test_paths_that_are_not_store_paths_are_refused(files: EvidenceFiles, rel_path: str) -> None:
    with pytest.raises(ValueError):
        files.open_path(rel_path)


async def test_remove_deletes_and_ignores_a_missing_file(files: EvidenceFiles) -> None:
    stored = await files.put_bytes(b"to delete")

    await files.remove(stored.rel_path)
    await files.remove(stored.rel_path)

    assert not files.open_path(stored.rel_path).exists()


async def test_remove_refuses_traversal(files: EvidenceFiles, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    with pytest.raises(ValueError):
        await files.remove("../victim.txt")
    assert victim.exists()


async def test_a_downloaded_temp_file_is_adopted_into_place(files: EvidenceFiles) -> None:
    tmp = files.new_temp_path()
    assert tmp.exists() and tmp.parent != files.root
    tmp.write_bytes(b"downloaded voice message")

    sha = hashlib.sha256(b"downloaded voice message").hexdigest()
    stored = await files.adopt_temp(tmp, sha, len(b"downloaded voice message"))

    assert stored.sha256 == sha
    assert not tmp.exists()
    assert files.open_path(stored.rel_path).read_bytes() == b"downloaded voice message"


async def test_adopting_content_already_stored_drops_the_temp_copy(files: EvidenceFiles) -> None:
    existing = await files.put_bytes(b"dup")
    tmp = files.new_temp_path()
    tmp.write_bytes(b"dup")

    assert await files.adopt_temp(tmp, existing.sha256, existing.size) == existing
    assert stored_files(files.root) == [files.open_path(existing.rel_path)]


async def test_a_temp_file_that_changed_size_since_it_was_hashed_is_refused(files: EvidenceFiles) -> None:
    tmp = files.new_temp_path()
    tmp.write_bytes(b"downloaded, then appended to")
    with pytest.raises(ValueError):
        await files.adopt_temp(tmp, hashlib.sha256(b"downloaded").hexdigest(), len(b"downloaded"))
    assert stored_files(files.root) == [tmp], "nothing filed under a hash its bytes do not have"


async def test_temp_paths_are_unique(files: EvidenceFiles) -> None:
    assert len({files.new_temp_path() for _ in range(20)}) == 20


async def test_only_the_stores_own_temp_files_can_be_adopted_or_discarded(
    files: EvidenceFiles, tmp_path: Path
) -> None:
    outsider = tmp_path / "outside.part"
    outsider.write_bytes(b"not ours")
    sneaky = files.new_temp_path().parent / ".." / ".." / "outside.part"

    for path in (outsider, sneaky, files.root / "x.part"):
        with pytest.raises(ValueError):
            await files.adopt_temp(path, "0" * 64, 8)
        with pytest.raises(ValueError):
            await files.discard_temp(path)
    assert outsider.read_bytes() == b"not ours"


async def test_discard_temp_removes_a_failed_download(files: EvidenceFiles) -> None:
    tmp = files.new_temp_path()
    await files.discard_temp(tmp)
    await files.discard_temp(tmp)
    assert not tmp.exists()


async def test_a_missing_source_leaves_nothing_behind(files: EvidenceFiles, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await files.put_file(tmp_path / "nope.jpg")
    assert not files.root.exists() or stored_files(files.root) == []
