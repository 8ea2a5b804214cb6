"""Cold start: a fresh `qa ask` with questions embedded by ONNX Runtime, against the torch path.

Runs, alternately and in fresh processes, `qa ask QUESTION` as it is (the question embedded by the
model's ONNX export, embeddings/onnx_encoder.py) and the same with the query encoder forced back
to sentence-transformers (what every `qa ask` paid before), plus `import sentence_transformers`
alone, and prints the median wall time of each. The index must be built (`qa index`) first; its
ONNX export is made then, or by the first `qa ask`.

    .venv/bin/python -m benchmarks.cold_start [--runs 5] [--corpus DIR] [--index DIR] [--question Q]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from benchmarks.common import ROOT

#: `qa ask` exactly as the console script runs it.
ONNX = "import sys; from qa.cli import main; sys.exit(main(sys.argv[1:]))"
#: The same, with questions embedded by sentence-transformers (the path before the ONNX export).
TORCH = (
    "import sys; import embeddings.onnx_encoder as q; q.query_encoder = lambda encoder, *a, **k: encoder; "
    + ONNX.split("; ", 1)[1]
)
IMPORT_ONLY = "import sentence_transformers"


def timed(code: str, args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{code[:40]}… failed: {done.stderr.strip()[-500:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", help="corpus folder (default QA_CORPUS or corpus/)")
    parser.add_argument("--index", help="index folder (default QA_INDEX or .qa-index/)")
    parser.add_argument("--question", default="When will the ISAF mission end?")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    env |= {k: v for k, v in (("QA_CORPUS", args.corpus), ("QA_INDEX", args.index)) if v}
    ask = ["ask", args.question, "-k", "3"]
    timed(ONNX, ask, env)  # builds the index or its export if missing; warms the page cache
    runs: dict[str, list[float]] = {"qa ask (ONNX)": [], "qa ask (torch, before)": [], "import sentence_transformers": []}
    for _ in range(args.runs):  # interleaved, so the machine's load drifts over all alike
        runs["qa ask (ONNX)"].append(timed(ONNX, ask, env))
        runs["qa ask (torch, before)"].append(timed(TORCH, ask, env))
        runs["import sentence_transformers"].append(timed(IMPORT_ONLY, [], env))
    print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.1f}\n")
    print("| what | median s | min s | max s |")
    print("|---|---:|---:|---:|")
    for name, seconds in runs.items():
        print(f"| {name} | {statistics.median(seconds):.2f} | {min(seconds):.2f} | {max(seconds):.2f} |")
    onnx, torch = (statistics.median(runs[k]) for k in ("qa ask (ONNX)", "qa ask (torch, before)"))
    print(f"\nONNX / torch: {onnx / torch:.2f} (target: a fresh qa ask <= 1.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
