"""Index builds on OpenVINO: the model's ONNX export run in bfloat16 by Intel's CPU runtime.

Torch's bfloat16 autocast (embeddings/bf16_encoder.py) embedded builds 1.8x faster than
float32 torch; OpenVINO runs the same export (embeddings/export.py) in bfloat16 2.35-2.4x faster
than float32 torch on this machine's CPU (AVX512-BF16), in the streams its throughput hint
chooses (here two of one thread each), each taking whole batches in turn
(benchmarks/embed_backends.py, docs/performance.md). Its vectors keep a cosine of at least
0.99995 to float32's and leave R@1 on SQuAD half A and eval/declarations.jsonl where it was
(benchmarks/backend_quality.py). In float32 (a CPU without bfloat16 instructions, or
``bf16=False``) its vectors are float32 torch's, so they share its cache. Questions stay on ONNX
Runtime (embeddings/onnx_encoder.py): OpenVINO's import and compile cost more than one question.

OpenVINO's package sends usage statistics from a thread it starts at import (its
``openvino_telemetry`` module, on by default). The import here goes without that module, so
nothing is sent or written to the home folder, and no thread is left behind to keep the
build's worker processes from being forked (qa.side_threads.fork_is_safe).

Example:
    >>> encoder = OpenVinoEncoder(*find_export(Path(".qa-index/onnx-cache"), BUNDLED_MODEL), bf16=True)
    >>> encoder.open()                     # compiles now: ExportError if it cannot
    >>> encoder.encode(["Georgia joined in 2008."]).shape
    (1, 384)
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np

from embeddings.errors import ExportError
from embeddings.export import MIN_COSINE, ONNX_FILE, PROBES, TOKENIZER_FILE, ExportSettings
from embeddings.onnx_encoder import batches_by_length, load_tokenizer, model_inputs, unit_rows

#: What a bfloat16 build's vectors are cached under, after the model's name: they differ from
#: float32's in the fourth decimal (and from torch's bfloat16 ones), so they share no cache.
SUFFIX = "#openvino-bf16"
#: Texts per forward pass: batches of 32 padded less than 64 and ran faster in bfloat16.
BATCH = 32
#: The lowest cosine between the compiled model's probe vector and the export's float32 one
#: that counts as the same model in bfloat16 (the ../shared texts' lowest was 0.99995).
BF16_PROBE_COSINE = 0.999


class OpenVinoEncoder:
    """Embeds texts with an exported model in OpenVINO (same API as Encoder).

    Args:
        folder: An export folder (see :func:`embeddings.export.export_onnx`).
        settings: Its ``export.json``.
        bf16: Run the products in bfloat16 (only where the CPU has the instructions: elsewhere
            they are emulated, slower than float32).
        batch_size: Texts per forward pass.
    """

    def __init__(self, folder: Path, settings: ExportSettings, *, bf16: bool, batch_size: int = BATCH) -> None:
        self.folder = Path(folder)
        self.settings = settings
        self.bf16 = bf16
        self.batch_size = batch_size
        self.name = settings.model + (SUFFIX if bf16 else "")
        self.dimension = settings.dimension
        self._compiled = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def open(self) -> None:
        """Compile the model now and check it against the export's probe vector.

        Raises:
            ExportError: If OpenVINO is missing, cannot read or compile the export, or the
                compiled model gives other vectors.
        """
        with self._lock:
            if self._compiled is None:
                self._compiled = self._compile()

    def _compile(self):
        try:
            openvino = import_openvino()
        except ImportError as exc:
            raise ExportError(f"OpenVINO is not installed ({exc}).") from exc
        try:
            self._tokenizer = load_tokenizer(self.folder / TOKENIZER_FILE, self.settings)
            core = openvino.Core()
            compiled = core.compile_model(str(self.folder / ONNX_FILE), "CPU", {
                "PERFORMANCE_HINT": "THROUGHPUT",  # a stream of one thread per core
                "INFERENCE_PRECISION_HINT": "bf16" if self.bf16 else "f32",
            })
            probe = unit_rows(compiled.create_infer_request().infer(self._inputs([PROBES[0]]))[0])[0]
        except Exception as exc:  # OpenVINO raises RuntimeError for a file it cannot read or compile
            raise ExportError(f"OpenVINO cannot run the ONNX export in {self.folder} ({exc}).") from exc
        least = BF16_PROBE_COSINE if self.bf16 else MIN_COSINE
        if float(probe @ np.asarray(self.settings.probe, dtype=np.float32)) < least:
            raise ExportError(f"OpenVINO's run of the ONNX export in {self.folder} gives other vectors.")
        return compiled

    def _inputs(self, texts: list[str]) -> dict[str, np.ndarray]:
        return model_inputs(self._tokenizer, self.settings, texts)

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """Embed texts; returns an (n, dimension) float32 array of unit vectors.

        Raises:
            ExportError: If the model cannot be compiled (see :meth:`open`).
        """
        from tqdm import tqdm

        self.open()
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        batches = batches_by_length(texts, self.batch_size)
        # One request per stream, taken in turn; this thread copies each result out. (A Python
        # callback on OpenVINO's threads deadlocked when the compiled model was freed: its
        # threads waited for Python's lock while the freeing thread held it, joining them.)
        with self._lock:
            streams = max(int(self._compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")), 1)
            requests = [self._compiled.create_infer_request() for _ in range(min(streams, len(batches)))]
        running: list[np.ndarray | None] = [None] * len(requests)
        # A bar only when asked: tqdm starts a monitor thread with its first bar, even a hidden one.
        bar = tqdm(total=len(texts), desc="embedding", unit="text", leave=False) if progress else None
        try:
            for number, rows in enumerate(batches):  # tokenises the next batch while the streams run
                inputs = self._inputs([texts[i] for i in rows])
                slot = number % len(requests)
                self._collect(requests[slot], running[slot], out, bar)
                requests[slot].start_async(inputs)
                running[slot] = rows
            for request, rows in zip(requests, running):
                self._collect(request, rows, out, bar)
        finally:
            if bar is not None:
                bar.close()
        return unit_rows(out)

    @staticmethod
    def _collect(request, rows: np.ndarray | None, out: np.ndarray, bar) -> None:
        """Wait for ``request`` and copy its vectors to ``rows`` of ``out`` (nothing if idle)."""
        if rows is None:
            return
        request.wait()
        out[rows] = request.get_output_tensor(0).data
        if bar is not None:
            bar.update(len(rows))

    def __repr__(self) -> str:
        return f"OpenVinoEncoder({self.settings.model!r}, bf16={self.bf16})"


def import_openvino():
    """``import openvino`` without its usage statistics (see above).

    Raises:
        ImportError: If OpenVINO is not installed.
    """
    sys.modules.setdefault("openvino_telemetry", None)  # its tools then take their own stub
    import openvino

    return openvino
