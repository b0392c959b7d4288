"""`Kept`: values computed from rows of a published lens version, kept in memory by the process that read them.

A published lens's rows never change (`wareview.lenses.models` refuses every write to them), so such a value
cannot go stale, in this process or any other; a draft's must be read afresh every time, and is never kept.
Tests forget every kept value before each test (`Kept.clear_all`), since rolled-back rows may come back with the
same ids.
"""

from typing import ClassVar, Generic, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")


class Kept(Generic[Key, Value]):
    every: ClassVar[list["Kept"]] = []

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._kept: dict[Key, Value] = {}
        Kept.every.append(self)

    def get(self, key: Key) -> Value | None:
        return self._kept.get(key)

    def keep(self, key: Key, value: Value) -> None:
        if len(self._kept) >= self.maxsize:
            self._kept.clear()  # simpler than least-recently-used, and rarely reached
        self._kept[key] = value

    def cache_clear(self) -> None:
        self._kept.clear()

    @classmethod
    def clear_all(cls) -> None:
        for kept in cls.every:
            kept.cache_clear()
