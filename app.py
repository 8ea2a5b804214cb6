"""The web chat over the bundled corpus: ``python app.py`` (or ``qa serve``).

A thin shell: the page, the /ask endpoint and the server settings live in :mod:`qa.web`.
"""

from __future__ import annotations

import sys

from qa.web import build_app, main, run

__all__ = ["build_app", "main"]

if __name__ == "__main__":
    sys.exit(run())
