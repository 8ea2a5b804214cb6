"""Benchmark sections that start fresh processes: cold start of `qa ask`, the web app's memory.

Each process is timed from the outside (wall clock, and CPU time and peak memory from
``os.wait4``), since what a user waits for includes interpreter start and imports.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from qa.errors import QAError

#: The floor of any cold start: the model's library, imported in a fresh process.
IMPORT_FLOOR = "import sentence_transformers"
#: How long the web app may take to answer its first page request (model load on a busy machine).
WEB_START_TIMEOUT_S = 600.0
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment, with this copy of the package importable first."""
    env = {**os.environ, **(extra or {})}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PACKAGE_PARENT), env.get("PYTHONPATH", "")) if p)
    return env


#: Runs a command and prints its wall and CPU seconds and peak RSS as JSON. The command is
#: forked from this small process, not from the benchmark's: Linux carries a parent's peak RSS
#: into a child's ru_maxrss across fork and exec, so a child of the benchmark (which holds the
#: model) would report the benchmark's memory instead of its own.
_LAUNCHER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_rss_mb": usage.ru_maxrss / 1024, "code": os.waitstatus_to_exitcode(status)}))
"""


def run_timed(command: list[str]) -> dict[str, float]:
    """Run a command to its end; its wall and CPU seconds and peak RSS in MB.

    Raises:
        QAError: If it exits with an error (its last stderr line is quoted).
    """
    with tempfile.TemporaryFile() as errors:
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, *command], stdout=subprocess.PIPE,
                              stderr=errors, env=_env(), check=False)
        result = json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else {"code": -1}
        if result["code"] != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise QAError(f"`{' '.join(command[1:4])}…` exited with code {result['code']}: {tail[0]}")
    return {key: result[key] for key in ("wall", "cpu", "peak_rss_mb")}


def _summary(samples: list[dict[str, float]]) -> dict[str, object]:
    def med(key: str) -> float:
        return round(statistics.median(s[key] for s in samples), 3)

    return {"median_wall": med("wall"), "median_cpu": med("cpu"), "median_peak_rss_mb": round(med("peak_rss_mb"), 1),
            "walls": [round(s["wall"], 2) for s in samples]}


def cold_start(corpus: Path, index: Path, question: str, *, runs: int, model: str | None = None) -> dict[str, object]:
    """Median wall time of a fresh `qa ask` (index built) and of the import floor, interleaved.

    One untimed run of each comes first, so both read the files from the page cache.
    """
    if runs <= 0:
        return {"skipped": "no cold runs asked for (--cold-runs 0)"}
    ask = [sys.executable, "-m", "qa.cli", "--corpus", str(corpus), "--index", str(index),
           *(["--model", model] if model else []), "ask", question]
    floor = [sys.executable, "-c", IMPORT_FLOOR]
    commands = {"qa_ask": ask, "import_sentence_transformers": floor}
    for command in commands.values():
        run_timed(command)  # also rebuilds the index if the code changed since it was built
    pointer = (index / "CURRENT").read_bytes()
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for i in range(runs):
        for name in sorted(commands, reverse=bool(i % 2)):  # alternate which goes first
            samples[name].append(run_timed(commands[name]))
    report: dict[str, object] = {"runs": runs, **{name: _summary(s) for name, s in samples.items()}}
    # True means a timed `qa ask` built an index instead of loading it, which voids its numbers.
    report["index_rebuilt"] = (index / "CURRENT").read_bytes() != pointer
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_command() -> list[str] | None:
    if importlib.util.find_spec("qa.web.app") is not None:
        return [sys.executable, "-m", "qa.cli", "serve"]
    app = _PACKAGE_PARENT / "app.py"  # a checkout: the Gradio shell beside the package
    return [sys.executable, str(app)] if app.is_file() else None


def _wait_ready(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + WEB_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or [""]
            raise QAError(f"The web app exited with code {proc.returncode} before serving: {tail[0]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise QAError(f"The web app did not answer {url} within {WEB_START_TIMEOUT_S:.0f} s.")


def memory_status(pid: int) -> dict[str, float]:
    """VmHWM (peak RSS) and VmRSS of a process, in MB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)  # the kernel reports kB
    return {"peak_rss_mb": fields["VmHWM"], "rss_mb": fields["VmRSS"]}


def web_memory(corpus: Path, index: Path, questions: list[str], *, model: str | None = None) -> dict[str, object]:
    """Start the web app on a free port, ask through gradio_client, read its peak RSS."""
    try:
        from gradio_client import Client
    except ImportError:
        return {"skipped": "gradio_client is not installed (pip install gradio_client)"}
    command = _serve_command()
    if command is None:
        return {"skipped": "no web app found (qa.web.app or app.py)"}
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {"QA_CORPUS": str(corpus), "QA_INDEX": str(index), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_SERVER_PORT": str(port), **({"QA_MODEL": model} if model else {})}
    with tempfile.TemporaryDirectory(prefix="qa-bench-web-") as tmp:
        log = Path(tmp) / "stderr.txt"
        with log.open("wb") as errors:
            started = time.perf_counter()
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=_env(env))
            try:
                _wait_ready(proc, url, log)
                ready = time.perf_counter() - started
                client = Client(url, verbose=False)
                answers = []
                for question in questions:
                    asked = time.perf_counter()
                    client.predict(question, api_name="/ask")
                    answers.append(time.perf_counter() - asked)
                memory = memory_status(proc.pid)
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return {"command": " ".join(Path(c).name for c in command[1:]), "startup_s": round(ready, 2), **memory,
            "questions": len(answers), "answer_ms_median": round(statistics.median(answers) * 1000, 1)}
