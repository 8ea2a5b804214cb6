"""Which backend embeds an index build fastest here, and how close its vectors stay to torch's.

Embeds the same texts (every paragraph and sentence of ../shared/declarations, plus a sample of
SQuAD half A's paragraphs and sentences) with, in one run:

- ``torch``: sentence-transformers as index builds use it today (torch's default threads);
- ``torch-1t``: the same on one torch thread;
- ``torch-bf16``: sentence-transformers under torch's bfloat16 CPU autocast (embeddings/bf16_encoder.py),
  as index builds use it where the CPU has bfloat16 instructions;
- ``onnx``: the ONNX export of embeddings/export.py in ONNX Runtime, every core;
- ``onnx-opt``: that graph after ONNX Runtime's transformer optimiser (fused attention, LayerNorm, GELU);
- ``onnx-int8``: the plain export quantised to int8 (dynamic quantisation, int8 per-channel weights,
  the recipe of sentence-transformers' ``export_dynamic_quantized_onnx_model(..., "avx512_vnni")``);
- ``onnx-opt-int8``: the optimised graph quantised the same way;
- ``openvino-bf16``: the plain export in OpenVINO, products in bfloat16 (embeddings/openvino_encoder.py),
  as index builds use it where the CPU has bfloat16 instructions;
- ``openvino``: the same in float32, as builds use it on any other CPU.

sentence-transformers' own ``backend="onnx"`` runs the same ONNX Runtime session through optimum,
which cannot be installed beside transformers 5 (it pins transformers < 4.58), so the graphs here
are made without it. Each backend prints texts/s, its speed-up over ``torch`` and the lowest and
mean cosine of its vectors to torch's. Texts are embedded in batches of 64, longest first.

    .venv/bin/python -m benchmarks.embed_backends [--texts 2000] [--shared ../shared] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import add_data_options, declarations_dir, squad_file
from embeddings.bf16_encoder import Bf16Encoder
from embeddings.encoder import Encoder
from embeddings.export import ONNX_FILE, SETTINGS_FILE, ExportSettings, export_onnx
from embeddings.onnx_encoder import OnnxEncoder
from embeddings.openvino_encoder import OpenVinoEncoder


def build_texts(declarations: Path, squad: Path, count: int) -> list[str]:
    """Paragraphs and sentences of the declarations, then SQuAD's, sampled down to ``count``."""
    from qa.evaluation.question_files import load_squad
    from qa.ingest.reading import read_corpus
    from qa.text.sentences import sentence_spans

    paragraphs = [p.text for d in read_corpus(declarations).declarations for p in d.paragraphs]
    paragraphs += [p["text"] for p in load_squad(squad).passages]
    texts = paragraphs + [text[a:b] for text in paragraphs for a, b in sentence_spans(text)]
    print(f"{len(paragraphs)} paragraphs and {len(texts) - len(paragraphs)} sentences; timing {count}", file=sys.stderr)
    return random.Random(0).sample(texts, min(count, len(texts)))


def variants(encoder: Encoder, workdir: Path) -> dict[str, object]:
    """Every backend to time, by name (each an object with ``encode(texts)``)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    folder = export_onnx(encoder, workdir)
    settings = ExportSettings.read(folder / SETTINGS_FILE)
    optimised = workdir / "optimised"
    optimised.mkdir(exist_ok=True)
    model = optimize_model(str(folder / ONNX_FILE), model_type="bert", num_heads=0, hidden_size=0)
    model.save_model_to_file(str(optimised / ONNX_FILE))
    quantised = workdir / "int8"
    quantised.mkdir(exist_ok=True)
    quantize_dynamic(
        folder / ONNX_FILE, quantised / ONNX_FILE, weight_type=QuantType.QInt8, per_channel=True,
        extra_options={"MatMulConstBOnly": True},
    )
    fused = workdir / "opt-int8"  # the fused graph quantised (its fused ops need a default type)
    fused.mkdir(exist_ok=True)
    quantize_dynamic(
        optimised / ONNX_FILE, fused / ONNX_FILE, weight_type=QuantType.QInt8, per_channel=True,
        extra_options={"MatMulConstBOnly": True, "DefaultTensorType": 1},  # 1: onnx.TensorProto.FLOAT
    )
    for extra in (optimised, quantised, fused):
        (extra / "tokenizer.json").write_bytes((folder / "tokenizer.json").read_bytes())
    return {
        "torch": _Torch(encoder, None),
        "torch-1t": _Torch(encoder, 1),
        "torch-bf16": _Torch(Bf16Encoder(encoder), None),
        "onnx": _Batch(OnnxEncoder(folder, settings)),
        "onnx-opt": _Batch(OnnxEncoder(optimised, settings)),
        # int8 vectors differ from torch's by design: how much is what this script measures.
        "onnx-int8": _Batch(OnnxEncoder(quantised, settings, probe_cosine=0.9)),
        "onnx-opt-int8": _Batch(OnnxEncoder(fused, settings, probe_cosine=0.9)),
        "openvino-bf16": _Batch(OpenVinoEncoder(folder, settings, bf16=True)),
        "openvino": _Batch(OpenVinoEncoder(folder, settings, bf16=False)),
    }


class _Torch:
    def __init__(self, encoder: Encoder | Bf16Encoder, threads: int | None) -> None:
        self.encoder, self.threads = encoder, threads

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        previous = torch.get_num_threads()
        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            return self.encoder.encode(texts)
        finally:
            torch.set_num_threads(previous)


class _Batch:
    """An OnnxEncoder or OpenVinoEncoder used for batches (every core)."""

    def __init__(self, encoder: OnnxEncoder | OpenVinoEncoder) -> None:
        self.encoder = encoder

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=2000, help="texts timed per backend (a seeded sample)")
    parser.add_argument("--only", nargs="*", help="backends to time (default all)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    add_data_options(parser)
    args = parser.parse_args(argv)
    texts = build_texts(declarations_dir(args), squad_file(args), args.texts)
    encoder = Encoder()
    encoder.encode(["warm up"])
    rows = []
    with tempfile.TemporaryDirectory(prefix="embed-backends-") as tmp:
        backends = variants(encoder, Path(tmp))
        reference = None
        for name, backend in backends.items():
            if args.only and name not in args.only and name != "torch":
                continue
            backend.encode(texts[:64])  # sessions open, caches warm
            cpu, wall = time.process_time(), time.perf_counter()
            vectors = backend.encode(texts)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            reference = vectors if reference is None else reference
            cosines = (vectors * reference).sum(axis=1)
            rows.append({"backend": name, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                         "texts_per_s": round(len(texts) / wall, 1),
                         "speedup": round(rows[0]["seconds"] / wall, 2) if rows else 1.0,
                         "min_cosine": round(float(cosines.min()), 6), "mean_cosine": round(float(cosines.mean()), 6)})
            print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"{len(texts)} texts, load average {os.getloadavg()[0]:.1f}\n")
    print("| backend | s | CPU s | texts/s | speed-up | lowest cosine to torch | mean cosine |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['seconds']} | {r['cpu_seconds']} | {r['texts_per_s']} | {r['speedup']}x "
              f"| {r['min_cosine']} | {r['mean_cosine']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
