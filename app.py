"""The web chat over the bundled corpus: ``python app.py``, the same as ``qa serve``.

A thin shell: the page, the /ask endpoint and the server settings live in :mod:`qa.web.app`.
It runs through the CLI so that both check GRADIO_SERVER_PORT before gradio is imported
(gradio's import fails with a traceback on a bad value) and print the same startup line.
"""

from __future__ import annotations

import sys

from qa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve"]))
