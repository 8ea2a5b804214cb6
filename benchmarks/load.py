"""Load test of a running chat server: concurrent gradio_client users asking through /ask.

Usage (from a second process)::

    python app.py &                                  # or: qa serve
    python -m benchmarks.load --url http://127.0.0.1:7860/ --users 20 --questions 25

Prints the error count, p50/p95 latency and throughput, and exits 1 if any request failed.
Every request goes to the given URL only; the run stops after users x questions requests.

Measured on the 2-core development machine while other jobs kept its load average near 10
(full corpus, 711 paragraphs, bundled model, ANSWER_CONCURRENCY 2):

    20 users x 25 questions = 500 requests in 46.6 s, errors 0,
    p50 1722 ms, p95 2719 ms, 10.7 requests/s        (one user alone: p50 280 ms, p95 432 ms)

With 20 users the latency is mostly waiting in the queue: 20 / 10.7 per second is ~1.9 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

QUESTIONS = [
    "What did NATO say about Georgia in 2012?",
    "When will the ISAF mission end?",
    "What did the G7 say about climate finance?",
    "What rights do indigenous peoples have to their lands?",
    "What was agreed about the South China Sea?",
    "What about Russia?",
    "How will the Afghan forces be funded after 2014?",
    "What did the G20 say about food security?",
    "What did the allies say about missile defence?",
    "What did the declaration say about migration and protection?",
    "Who has the right to self-determination?",
    "What did APEC say about trade?",
    "What is the Comprehensive Strategic Partnership between ASEAN and the United States?",
    "What did the G7 say about COVID-19 vaccines?",
    "What grievances were listed against the King?",
    "What did NATO say about Kosovo?",
    "What was said about online gambling and telecom fraud?",
    "What did the G7 say about artificial intelligence?",
    "What did the leaders say about Ukraine?",
    "What did NATO say about partnerships with the Gulf?",
    "What did the G20 say about debt?",
    "Do indigenous peoples have a right to their own languages?",
    "What is the capital of Peru?",
    "What did the leaders say about gender equality?",
    "What was agreed on counter-terrorism?",
]


@dataclass
class Report:
    """What a load run saw: one latency per successful request, one message per failure."""

    users: int
    questions: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    def percentile(self, q: float) -> float:
        """Latency at quantile q (0..1), nearest rank; 0 when nothing succeeded."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    def summary(self) -> str:
        mean = statistics.fmean(self.latencies) if self.latencies else 0.0
        return (
            f"{self.users} users x {self.questions} questions = {self.requests} requests in {self.seconds:.1f} s\n"
            f"errors: {len(self.errors)}\n"
            f"latency p50 {self.percentile(0.50) * 1000:.0f} ms, p95 {self.percentile(0.95) * 1000:.0f} ms, "
            f"mean {mean * 1000:.0f} ms, max {max(self.latencies, default=0) * 1000:.0f} ms\n"
            f"throughput: {self.requests / self.seconds if self.seconds else 0:.1f} requests/s"
        )


def _user(url: str, number: int, questions: int, report: Report, lock: threading.Lock, start: threading.Barrier) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001 - a user that cannot connect counts its requests as failed
        start.wait()
        with lock:
            report.errors.extend([f"user {number}: connect: {exc}"] * questions)
        return
    start.wait()  # every user connected: the clock starts for all at once
    for i in range(questions):
        question = QUESTIONS[(number + i) % len(QUESTIONS)]
        began = time.perf_counter()
        try:
            result = client.predict(question, api_name="/ask")
            if not isinstance(result, dict) or "hits" not in result:
                raise ValueError(f"unexpected reply {str(result)[:100]!r}")
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
            with lock:
                report.errors.append(f"user {number}, {question!r}: {type(exc).__name__}: {exc}")
            continue
        with lock:
            report.latencies.append(time.perf_counter() - began)
    client.close()


def run(url: str, *, users: int = 20, questions: int = 25) -> Report:
    """Run ``users`` concurrent clients, each asking ``questions`` questions in turn."""
    report = Report(users, questions)
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    threads = [
        threading.Thread(target=_user, args=(url, n, questions, report, lock, start), daemon=True)
        for n in range(users)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    report.seconds = time.perf_counter() - began
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/", help="the running app (default %(default)s)")
    parser.add_argument("--users", type=int, default=20, help="concurrent clients (default %(default)s)")
    parser.add_argument("--questions", type=int, default=25, help="questions per client (default %(default)s)")
    args = parser.parse_args(argv)
    report = run(args.url, users=args.users, questions=args.questions)
    print(report.summary())
    for error in report.errors[:10]:
        print("  ", error)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
