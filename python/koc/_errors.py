"""The one way the Python layer raises a koc.Error: the class of the code, the core's message format.

    raise error("unknown_name", "unknown tier 'gold'", row=3, field="min_tier")
    # koc.UnknownNameError: unknown tier 'gold' (row 3, field 'min_tier'); .code 'unknown_name', .row 3

Errors raised by the compiled core and by Python code are then alike: ``.code`` is the errc name (the
C ABI's and C++'s code, as in include/koc/error.hpp), ``.row`` the 0-based row or None, ``.field`` the
column or JSON path or None, and the message ends with the same "(row r, field 'f')" suffix.
"""
from __future__ import annotations

from typing import Optional

from . import _core

#: errc name -> exception class ("unknown_name" -> koc.UnknownNameError), read off the core's classes.
CLASSES: dict[str, type] = {cls.code: cls for cls in (getattr(_core, n) for n in dir(_core))
                            if isinstance(cls, type) and issubclass(cls, _core.Error) and cls is not _core.Error}


def where(row: Optional[int], field: Optional[str]) -> str:
    """The suffix koc::error appends to its message: " (row 3, field 'slots')", or ""."""
    parts = ([f"row {row}"] if row is not None and row >= 0 else []) + ([f"field '{field}'"] if field else [])
    return f" ({', '.join(parts)})" if parts else ""


def error(code: str, message: str, row: Optional[int] = None, field: Optional[str] = None) -> _core.Error:
    """A koc.Error of the class of `code`, carrying .code, .row and .field (row < 0 means none)."""
    cls = CLASSES[code]
    row = None if row is None or row < 0 else int(row)
    err = cls(message + where(row, field))
    err.code, err.row, err.field = code, row, field
    return err


def reraise_at(e: _core.Error, *, row: Optional[int] = None, field: Optional[str] = None,
               message: Optional[str] = None) -> _core.Error:
    """`e` again, naming another row or field (a row of the caller's table, say), same code."""
    text = message if message is not None else detail(e)
    return error(e.code, text, e.row if row is None else row, e.field if field is None else field)


def detail(e: _core.Error) -> str:
    """The message without its "(row r, field 'f')" suffix."""
    text = str(e)
    suffix = where(getattr(e, "row", None), getattr(e, "field", None))
    return text[: -len(suffix)] if suffix and text.endswith(suffix) else text
