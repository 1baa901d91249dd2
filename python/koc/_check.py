"""koc.Check: what every ``verify()`` returns (koc::check_result in C++, ok + message in the C ABI).

    check = plan.verify()
    assert check, check.message        # truthy only when the check holds
    ok, message = check                # unpacks like the (ok, message) pair it replaces

A failing check is returned, not raised, on every front: the caller decides whether a failed certificate
is an error (the CLI exits with code 1), and ``assert result.verify()`` fails when it should.
"""
from __future__ import annotations

from typing import Iterator, Union


class Check:
    """The outcome of an independent re-check: ``ok`` and ``message`` (the first violation found when not
    ok; when ok, empty or a short note of what was proved)."""

    __slots__ = ("ok", "message")

    def __init__(self, ok: bool, message: str = "") -> None:
        self.ok = bool(ok)
        self.message = str(message)

    def __bool__(self) -> bool:
        return self.ok

    def __iter__(self) -> Iterator[Union[bool, str]]:
        return iter((self.ok, self.message))

    def __getitem__(self, i: int) -> Union[bool, str]:
        return (self.ok, self.message)[i]

    def __len__(self) -> int:
        return 2

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Check):
            return (self.ok, self.message) == (other.ok, other.message)
        if isinstance(other, tuple):
            return (self.ok, self.message) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.ok, self.message))

    def __repr__(self) -> str:
        return f"Check(ok={self.ok}, message={self.message!r})" if self.message else f"Check(ok={self.ok})"
