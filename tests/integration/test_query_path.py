"""A fresh `qa ask` over a built index embeds the question without torch, OpenVINO, spaCy or gradio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from qa.evaluation.shared_data import declarations_dir

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "sentence_transformers", "transformers", "spacy", "gradio", "openvino")

# `qa ask` as the console script runs it, then the heavy packages that ended up imported.
SCRIPT = f"""
import contextlib, io, json, sys
from qa.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["ask", "When will the ISAF mission end?", "-k", "1"])
print(json.dumps({{"code": code, "out": out.getvalue(),
                   "heavy": sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}),
                   "onnx": "onnxruntime" in sys.modules}}))
"""


def test_a_fresh_ask_imports_no_torch_spacy_or_gradio(index_dir: Path, library) -> None:
    env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(declarations_dir())}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["code"] == 0 and "Chicago Summit Declaration" in report["out"]
    assert report["heavy"] == []
    assert report["onnx"]  # the question went through the ONNX export
    assert (index_dir / "onnx-cache").is_dir() and any((index_dir / "onnx-cache").iterdir())
