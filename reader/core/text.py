"""Making untrusted text safe to show: no escape sequences, no control characters."""

from __future__ import annotations

import re

# ESC-introduced sequences (CSI, OSC, and two-byte escapes), then any other C0/C1 control
# except newline and tab.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with terminal escape sequences and control characters removed."""
    if not text:
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n")))


def one_line(text: str) -> str:
    """``printable`` text folded onto one line."""
    return " ".join(printable(text).split())
