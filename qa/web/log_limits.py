"""Bounded log lines: no client can fill the server's disk through its log.

The server's log is its stderr and stdout (uvicorn's access log, Gradio's tracebacks, our own
``logging``). Any of them can hold a value a client sent: a URL, a question, or, in a
traceback Gradio prints, every input of a call. :class:`BoundedLines` wraps a text stream
and cuts each line after :data:`MAX_LOG_LINE` characters, saying how many were cut, so a
request costs the log a few hundred bytes a line whatever it sent.

Example:
    >>> bound_output()            # in the server's entry point, before it starts logging
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["MAX_LOG_LINE", "BoundedLines", "bound_output"]

# Characters kept of one log line: a traceback line or an access-log line with a normal URL
# is under 200; 500 keeps every one of them whole and caps a hostile one.
MAX_LOG_LINE = 500


class BoundedLines:
    """A text stream that passes each line on cut to ``limit`` characters."""

    def __init__(self, stream: TextIO, limit: int = MAX_LOG_LINE) -> None:
        self.stream = stream
        self.limit = limit
        self._column = 0  # characters of the current line passed on so far
        self._cut = 0  # characters of the current line dropped

    def write(self, text: str) -> int:
        out = []
        for piece in text.splitlines(keepends=True):
            body = piece.rstrip("\r\n")
            room = max(0, self.limit - self._column)
            out.append(body[:room])
            self._column += min(len(body), room)
            self._cut += max(0, len(body) - room)
            if body != piece:  # the line ends here
                if self._cut:
                    out.append(f" … [{self._cut:,} characters cut]")
                out.append("\n")
                self._column = self._cut = 0
        self.stream.write("".join(out))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str):  # fileno, isatty, encoding...: the wrapped stream's
        return getattr(self.stream, name)


def bound_output() -> None:
    """Wrap sys.stdout and sys.stderr in :class:`BoundedLines` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, BoundedLines):
            setattr(sys, name, BoundedLines(stream))
