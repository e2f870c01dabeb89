"""Rendered fragments kept in this process's memory, least recently used out first.

Every key holds the data version it was rendered for (see data_versions.py), so a fragment is
never served after a write, in any process; each gunicorn worker and each server keeps its own."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Hashable

import attrs


@attrs.frozen
class _Entry:
    value: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None


class MemoryFragmentCache:
    """Implements FragmentCache, bounded by entries and by characters."""

    def __init__(self, max_entries: int = 1000, max_chars: int = 64_000_000) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: dt.datetime) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now < entry.valid_from or (entry.valid_until is not None and now >= entry.valid_until):
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry.value

    def put(self, key: Hashable, value: str, *, now: dt.datetime, valid_until: dt.datetime | None) -> None:
        if len(value) > self.max_chars // 4:
            return  # one fragment may not push out most of the others
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = _Entry(value, now, valid_until)
            self._chars += len(value)
            while self._entries and (len(self._entries) > self.max_entries or self._chars > self.max_chars):
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        self._chars -= len(entry.value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)
