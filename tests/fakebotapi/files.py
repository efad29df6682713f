"""The fake's file storage: file_ids, file_paths and bytes behind getFile and downloads."""
from __future__ import annotations

from dataclasses import dataclass

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile refuses bigger files, as the hosted Bot API does


@dataclass
class StoredFile:
    """A file Telegram would hold; `data` is None for files only described (big_document)."""

    file_id: str
    file_unique_id: str
    file_path: str
    size: int
    data: bytes | None

    @property
    def downloadable(self) -> bool:
        return self.size <= MAX_DOWNLOAD_SIZE


class FileStore:
    """Registers files and finds them by file_id or file_path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def register(self, data: bytes | None, folder: str, extension: str, size: int | None = None) -> StoredFile:
        """Store `data` under a new file_id; `size` overrides len(data) for oversize stand-ins."""
        self._counter += 1
        n = self._counter
        stored = StoredFile(
            file_id=f"BQACAgIAAx0{folder[:3].upper()}{n:06d}fake",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"{folder}/file_{n}.{extension.lstrip('.') or 'bin'}",
            size=len(data or b"") if size is None else size,
            data=data,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def by_id(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def __len__(self) -> int:
        return len(self._by_id)
