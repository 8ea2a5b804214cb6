"""Speed benchmark from a checkout: the same report as `qa bench` (see qa/evaluation/bench.py).

    .venv/bin/python benchmarks/speed.py [--quick] [--cold-runs 5] [--no-web] [--questions FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
