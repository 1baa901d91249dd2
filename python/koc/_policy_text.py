"""One reader for every policy argument: a policy object, a dict, JSON text, or the path of a JSON file."""
from __future__ import annotations

import json
import os
from typing import Any

from ._errors import error


def _invalid(message: str) -> Exception:
    return error("invalid_policy", message, None, "$")


def policy_text(policy: Any, kind: str) -> str:
    """The JSON text of ``policy`` (``kind`` names the class, for messages). Text whose first non-blank
    character is ``{`` or ``[`` is JSON; any other string, or an ``os.PathLike``, is a file to read."""
    if isinstance(policy, dict):
        return json.dumps(policy)
    if isinstance(policy, (bytes, bytearray)):
        try:
            return bytes(policy).decode("utf-8")
        except UnicodeDecodeError as e:
            raise _invalid(f"policy is not valid UTF-8 at byte {e.start}") from None
    if isinstance(policy, str) and policy.lstrip().startswith(("{", "[")):
        return policy
    if isinstance(policy, (str, os.PathLike)):
        path = os.fspath(policy)
        if not os.path.isfile(path):
            shown = path if len(path) <= 80 else path[:77] + "..."
            raise _invalid(f"{kind}: {shown!r} is neither JSON text (starting with '{{') nor an existing file")
        with open(path, "rb") as f:
            return policy_text(f.read(), kind)
    raise TypeError(f"{kind} takes a {kind}, a dict, JSON text or the path of a JSON file, not {type(policy).__name__}")
