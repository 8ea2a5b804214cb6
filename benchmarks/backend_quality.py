"""Does a faster embedding backend keep the answers? R@1 per backend, with its speed, in one run.

Issue 15 keeps a backend for index builds "only where R@1 on SQuAD half A and on
eval/declarations.jsonl moves by less than 0.005". For each backend of
benchmarks/embed_backends.py (torch, torch-bf16, onnx, onnx-opt, onnx-int8, onnx-opt-int8,
openvino-bf16, openvino) this embeds BOTH the passages and sentences AND the questions with that
backend; ``bf16+onnx`` and ``openvino-bf16+onnx`` embed passages and sentences in bfloat16 (torch's
autocast, OpenVINO) and questions with onnx, as bfloat16 builds answer (embeddings.backend). It reports:

- SQuAD v1.1 dev half A (913 paragraphs, 4,961 questions) as ``qa eval --squad`` runs it
  (``squad_library`` -> ``run_squad`` -> ``evaluate_squad``): R@1, R@5, MRR@20;
- eval/declarations.jsonl over ../shared/declarations (its catalog in eval/) as ``qa eval``
  runs it (``Library.open`` -> ``run_questions`` -> ``evaluate``): R@1, R@5, MRR@10;
- texts/s on one seeded sample of their paragraphs and sentences, timed in the same run;
- each R@1's change against torch, and whether both stay within :data:`GATE`.

Every backend's vectors are cached under its own name (``<model>#<backend>``; torch's under the
model's plain name, as ``qa eval`` keeps them) in ``--cache`` (default .bench/backend-quality),
so a second run only times and ranks. A first run embeds about 11,000 texts per backend.

    nice -n 10 .venv/bin/python -m benchmarks.backend_quality [--only torch onnx-int8] [--texts 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common import EVAL, ROOT, add_data_options, declarations_dir, squad_file
from benchmarks.embed_backends import build_texts, variants
from embeddings.encoder import SINGLE_THREAD_BELOW, Encoder

#: The largest change of R@1 against torch a build backend may cause (issue 15).
GATE = 0.005
BACKENDS = ("torch", "torch-bf16", "bf16+onnx", "onnx", "onnx-opt", "onnx-int8", "onnx-opt-int8",
            "openvino-bf16", "openvino-bf16+onnx", "openvino")
#: Backends whose questions another runner embeds: (passages' runner, questions' runner).
MIXED = {"bf16+onnx": ("torch-bf16", "onnx"), "openvino-bf16+onnx": ("openvino-bf16", "onnx")}


class Backend:
    """One backend as a TextEncoder; its name keeps its vectors apart from every other backend's."""

    def __init__(self, backend: str, runner, model: str, dimension: int, questions=None) -> None:
        self.backend = backend
        self.name = model if backend == "torch" else f"{model}#{backend}"
        self.dimension = dimension
        self._runner = runner
        self._questions = questions or runner

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """Batches with the passages' runner; a search's single question with the questions' runner."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        runner = self._questions if len(texts) < SINGLE_THREAD_BELOW else self._runner
        return np.ascontiguousarray(runner.encode(list(texts)), dtype=np.float32)

    def encode_questions(self, texts: list[str]) -> np.ndarray:
        """Questions in one batch, with the questions' runner."""
        return np.ascontiguousarray(self._questions.encode(list(texts)), dtype=np.float32)


@dataclass(frozen=True)
class Row:
    """One backend's speed and quality."""

    backend: str
    texts_per_s: float
    squad: dict[str, float]
    declarations: dict[str, float]


def speed(backend: Backend, texts: list[str]) -> float:
    """Texts per second over ``texts`` (after one warm-up batch that opens the session)."""
    backend.encode(texts[:64])
    started = time.perf_counter()
    backend.encode(texts)
    return len(texts) / (time.perf_counter() - started)


def squad_quality(backend: Backend, path: Path, cache: Path) -> dict[str, float]:
    """R@1, R@5 and MRR@20 on a SQuAD file, as ``qa eval --squad`` computes them."""
    from embeddings.cache import CachingEncoder, text_key
    from qa.answers.questions import clean_question
    from qa.evaluation.metrics import evaluate_squad, run_squad
    from qa.evaluation.question_files import load_squad
    from qa.library import Library

    squad = load_squad(path)
    encoder = CachingEncoder(backend, cache)
    questions = [q for q in dict.fromkeys(clean_question(q.question) for q in squad.questions)
                 if encoder.cache.get(text_key(q)) is None]
    if questions:  # one batch, as squad_library does, but with the questions' runner
        encoder.cache.put([text_key(q) for q in questions], backend.encode_questions(questions))
    lib = Library.from_passages(squad.passages, encoder=encoder)
    report = evaluate_squad(run_squad(lib, squad.questions), paragraphs=len(squad.passages))
    return _ranking(report.ranking)


def declaration_quality(backend: Backend, folder: Path, index: Path) -> dict[str, float]:
    """R@1, R@5 and MRR@10 of eval/declarations.jsonl over ``folder``, as ``qa eval`` computes them."""
    from qa.evaluation.metrics import evaluate, run_questions
    from qa.evaluation.question_files import check_questions, load_questions, paragraph_numbers
    from qa.library import Library

    path = EVAL / "declarations.jsonl"
    questions = load_questions(path)
    lib = Library.open(folder, index / backend.backend, encoder=backend, progress=False)
    check_questions(path, questions, paragraph_numbers(lib.declarations))
    return _ranking(evaluate(run_questions(lib, questions)).ranking)


def _ranking(metrics) -> dict[str, float]:
    return {"R@1": metrics.recall[1], "R@5": metrics.recall[5], "MRR": metrics.mrr, "questions": metrics.questions}


def measure(args: argparse.Namespace) -> list[Row]:
    """Every chosen backend, torch first (the reference)."""
    squad, folder = squad_file(args), declarations_dir(args)
    sample = build_texts(folder, squad, args.texts)
    encoder = Encoder()
    encoder.encode(["warm up"])
    graphs = args.cache / "graphs"
    graphs.mkdir(parents=True, exist_ok=True)
    runners = variants(encoder, graphs)
    rows = []
    for name in ["torch", *(b for b in args.only or BACKENDS if b != "torch")]:
        passages, questions = MIXED.get(name, (name, name))
        backend = Backend(name, runners[passages], encoder.name, encoder.dimension, runners[questions])
        started = time.perf_counter()
        row = Row(name, speed(backend, sample), squad_quality(backend, squad, args.cache / "vectors"),
                  declaration_quality(backend, folder, args.cache / "indexes"))
        rows.append(row)
        print(json.dumps({**row.__dict__, "seconds": round(time.perf_counter() - started, 1)}), file=sys.stderr)
    return rows


def render(rows: list[Row], texts: int) -> str:
    """The Markdown table: each backend's speed, metrics and R@1 change against torch."""
    ref = rows[0]
    lines = [
        f"{texts} texts timed per backend; load average {os.getloadavg()[0]:.1f}; gate |ΔR@1| < {GATE}",
        "",
        "| backend | texts/s | speed-up | SQuAD R@1 | R@5 | MRR@20 | ΔR@1 | declarations R@1 | R@5 | MRR@10 | ΔR@1 | passes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ds, dd = r.squad["R@1"] - ref.squad["R@1"], r.declarations["R@1"] - ref.declarations["R@1"]
        ok = abs(ds) < GATE and abs(dd) < GATE
        lines.append(
            f"| {r.backend} | {r.texts_per_s:.1f} | {r.texts_per_s / ref.texts_per_s:.2f}x "
            f"| {r.squad['R@1']:.4f} | {r.squad['R@5']:.4f} | {r.squad['MRR']:.4f} | {ds:+.4f} "
            f"| {r.declarations['R@1']:.4f} | {r.declarations['R@5']:.4f} | {r.declarations['MRR']:.4f} | {dd:+.4f} "
            f"| {'yes' if ok else 'no'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=BACKENDS, help="backends to measure (torch always runs)")
    parser.add_argument("--texts", type=int, default=1000, help="texts timed per backend (a seeded sample)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench" / "backend-quality",
                        help="vectors, graphs and indexes kept between runs")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    add_data_options(parser)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    rows = measure(args)
    print(render(rows, args.texts))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
