"""Speed benchmark from a checkout: the same report as `qa bench` (see qa/evaluation/bench.py).

    .venv/bin/python -m benchmarks.speed [--quick] [--cold-runs 5] [--no-web] [--questions FILE]
"""

from __future__ import annotations

import sys

from qa.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
