"""Progress on stderr: a bar on a terminal, one plain line per stage otherwise (logs, CI), nothing with --quiet."""
from __future__ import annotations

import sys
import time
from typing import Optional, TextIO


class Progress:
    def __init__(self, stages: int, quiet: bool = False, stream: Optional[TextIO] = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.total = max(stages, 1)
        self.done = 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._t0 = time.perf_counter()
        self._stage_t0 = self._t0
        self._label = ""

    def start(self, label: str) -> None:
        self._label = label
        self._stage_t0 = time.perf_counter()
        if self.quiet:
            return
        if self.tty:
            width = 24
            filled = width * self.done // self.total
            self.stream.write(f"\r\x1b[K[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label}...")
            self.stream.flush()

    def fraction(self, f: float) -> None:
        """Within the current stage: redraw the bar with a share of the stage done (a terminal only; the
        solver calls this about every 0.1 s)."""
        if self.quiet or not self.tty:
            return
        width = 24
        filled = int(width * (self.done + max(0.0, min(1.0, f))) / self.total)
        self.stream.write(f"\r\x1b[K[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {self._label}... "
                          f"{100 * f:.0f}%")
        self.stream.flush()

    def finish(self, detail: str = "") -> None:
        self.done += 1
        if self.quiet:
            return
        seconds = time.perf_counter() - self._stage_t0
        if self.tty:
            if self.done >= self.total:
                self.stream.write("\r\x1b[K")
            self.stream.flush()
        else:
            self.stream.write(f"[koc] {self._label}: {detail} ({seconds:.2f} s)\n" if detail else
                              f"[koc] {self._label} ({seconds:.2f} s)\n")
            self.stream.flush()

    def note(self, message: str) -> None:
        """A warning or remark: always on its own line, even on a terminal; silenced only by --quiet."""
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(message + "\n")
        self.stream.flush()
