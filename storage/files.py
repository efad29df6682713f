"""Content-addressed evidence file store: bytes live at `<root>/ab/cd/<sha256>`.

Files are named by their hash only, never by anything a user chose, so a hostile filename
cannot reach the disk and the same screenshot sent twice is kept once. Writes go to a temp
file under `<root>/tmp` while being hashed in one pass, are fsynced, then moved into place
with os.replace (atomic on one file system): a reader never sees half a file, and a file is
durable before the database row that points at it commits. The temp file cannot sit in its
final folder because that folder is only known once the hash is.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from io import BufferedReader
from pathlib import Path

from storage.protocols import StoredFile

_REL_PATH = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
_TEMP_DIR = "tmp"
_TEMP_SUFFIX = ".part"
DEFAULT_CHUNK_SIZE = 1 << 20


def rel_path_for(sha256: str) -> str:
    """The store-relative path of the file with this hash."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable; a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class EvidenceFiles:
    """Evidence bytes under `root` (the bot uses `data_dir / "evidence"`)."""

    def __init__(self, root: Path, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.root = Path(root)
        self._temp_dir = self.root / _TEMP_DIR
        self._chunk_size = chunk_size
        self._in_use: set[Path] = set()

    async def put_file(self, src: Path) -> StoredFile:
        """Copy a file into the store, hashing it in chunks on a worker thread."""
        return await asyncio.to_thread(self._put_file_sync, Path(src))

    async def put_bytes(self, data: bytes) -> StoredFile:
        """Store bytes already in memory (small things: texts, forwarded messages)."""
        return await asyncio.to_thread(self._put_bytes_sync, bytes(data))

    def open_path(self, rel_path: str) -> Path:
        """Absolute path of a stored file; rejects anything not shaped like `ab/cd/<sha256>`."""
        match = _REL_PATH.fullmatch(rel_path)
        if match is None or not match.group(3).startswith(match.group(1) + match.group(2)):
            raise ValueError("not a path inside the evidence store")
        return self.root / rel_path

    async def remove(self, rel_path: str) -> None:
        """Delete a stored file; a file that is already gone is fine."""
        path = self.open_path(rel_path)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    def new_temp_path(self) -> Path:
        """Reserve a private temp file in the store, for adapters that download then adopt."""
        self._temp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=self._temp_dir, suffix=_TEMP_SUFFIX)
        os.close(fd)
        self._in_use.add(Path(name))
        return Path(name)

    def clean_temp(self) -> int:
        """Delete the partial files this process is not writing (a crash's leftovers, at start-up and
        after /delete): they may hold the first megabytes of someone's file. Returns how many went."""
        removed = 0
        for path in self._temp_dir.glob(f"*{_TEMP_SUFFIX}"):
            if path not in self._in_use:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    async def adopt_temp(self, tmp_path: Path) -> StoredFile:
        """Hash a temp file from new_temp_path and move it into place, or drop it as a copy."""
        try:
            return await asyncio.to_thread(self._adopt_temp_sync, self._own_temp(tmp_path))
        finally:
            self._in_use.discard(Path(tmp_path))

    async def discard_temp(self, tmp_path: Path) -> None:
        """Delete a temp file from new_temp_path whose download failed."""
        await asyncio.to_thread(self._own_temp(tmp_path).unlink, missing_ok=True)
        self._in_use.discard(Path(tmp_path))

    def _own_temp(self, tmp_path: Path) -> Path:
        """Only temp files this store handed out may be moved or deleted through it."""
        path = Path(tmp_path)
        if path.parent.resolve() != self._temp_dir.resolve() or path.suffix != _TEMP_SUFFIX:
            raise ValueError("not a temp file of this evidence store")
        return path

    def _put_file_sync(self, src: Path) -> StoredFile:
        with src.open("rb") as source:
            return self._write_stream(source)

    def _put_bytes_sync(self, data: bytes) -> StoredFile:
        tmp = self.new_temp_path()
        try:
            with tmp.open("wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            return self._place(tmp, hashlib.sha256(data).hexdigest(), len(data))
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _write_stream(self, source: BufferedReader) -> StoredFile:
        """Copy and hash in one pass with one reused buffer, so memory stays at one chunk."""
        digest = hashlib.sha256()
        buffer = bytearray(self._chunk_size)
        view = memoryview(buffer)
        size = 0
        tmp = self.new_temp_path()
        try:
            with tmp.open("wb") as out:
                while n := source.readinto(buffer):
                    digest.update(view[:n])
                    out.write(view[:n])
                    size += n
                out.flush()
                os.fsync(out.fileno())
            return self._place(tmp, digest.hexdigest(), size)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _adopt_temp_sync(self, tmp: Path) -> StoredFile:
        digest = hashlib.sha256()
        buffer = bytearray(self._chunk_size)
        view = memoryview(buffer)
        size = 0
        with tmp.open("rb+") as handle:
            while n := handle.readinto(buffer):
                digest.update(view[:n])
                size += n
            # The adapter wrote it; make sure it is on disk before a row points at it.
            os.fsync(handle.fileno())
        return self._place(tmp, digest.hexdigest(), size)

    def _place(self, tmp: Path, sha256: str, size: int) -> StoredFile:
        """Move a fully written temp file to its hash path, or drop it if that file exists."""
        rel_path = rel_path_for(sha256)
        final = self.root / rel_path
        if final.is_file() and final.stat().st_size == size:
            tmp.unlink(missing_ok=True)
        else:
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        self._in_use.discard(tmp)
        return StoredFile(sha256=sha256, size=size, rel_path=rel_path)
