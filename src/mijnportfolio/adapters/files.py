"""Uploaded files on the local disk, by random key."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path
from typing import BinaryIO

_KEY = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9]{1,8})?$")


class LocalFileStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # never let a key walk out of the folder
            raise ValueError("invalid file key")
        return self.root / key

    def save(self, data: bytes, *, suffix: str = "") -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        suffix = suffix if re.match(r"^\.[A-Za-z0-9]{1,8}$", suffix or "") else ""
        key = secrets.token_urlsafe(24) + suffix
        self._path(key).write_bytes(data)
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class MemoryFileStore:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def save(self, data: bytes, *, suffix: str = "") -> str:
        key = secrets.token_urlsafe(24) + (suffix or "")
        self.files[key] = data
        return key

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.files[key])

    def read(self, key: str) -> bytes:
        return self.files[key]

    def delete(self, key: str) -> None:
        self.files.pop(key, None)
