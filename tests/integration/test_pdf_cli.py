"""`qa list`, `qa index` and `qa ask` over PDFs, in a subprocess as a user runs them."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from tests.qa.ingest.pdf_factory import Page, build, flow


def _qa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "qa"), *args], capture_output=True, text=True,
                          env={**os.environ}, timeout=600)


def test_a_noisy_pdf_is_listed_with_its_warning_and_a_scan_is_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rng = random.Random(5)
    junk = [" ".join("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(6)) for _ in range(9))
            for _ in range(8)]
    (corpus / "noisy.pdf").write_bytes(build(flow([f"{n}. {line}." for n, line in enumerate(junk, 1)])))
    scan = Page()
    scan.rectangle(72, 300, 300, 400)
    (corpus / "scan.pdf").write_bytes(build([scan]))
    options = ("--corpus", str(corpus), "--index", str(tmp_path / "index"))
    built = _qa(*options, "index")
    assert built.returncode == 0, built.stderr
    assert "scan.pdf: scanned: no text layer; run OCR first" in built.stderr  # "Skipped …" on stderr
    listed = _qa(*options, "list")
    assert listed.returncode == 0, listed.stderr
    assert "noisy" in listed.stdout and "warning: the PDF's text layer is mostly non-words" in listed.stdout
    asked = _qa(*options, "ask", "bcdfgh")
    assert asked.returncode == 0, asked.stderr
    assert "mostly non-words" in asked.stdout  # the warning stands beside every answer from it
