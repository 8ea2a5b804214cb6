"""The side threads: work and errors come back, and a process that searched may still fork."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from qa.side_threads import in_background


def test_work_and_its_error_come_back() -> None:
    assert in_background(lambda: 6 * 7).result() == 42

    def fail() -> None:
        raise ValueError("no answer")

    with pytest.raises(ValueError, match="no answer"):
        in_background(fail).result()


def _run(code: str) -> str:
    """Run ``code`` in a fresh interpreter (this one has pytest's threads) and return its output."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_idle_side_threads_leave_forking_safe_and_busy_ones_do_not() -> None:
    out = _run("""
        import threading
        from qa.side_threads import fork_is_safe, in_background
        from qa.text.parallel import _context
        print(fork_is_safe())
        in_background(lambda: None).result()           # the pool's threads now exist, idle
        print(threading.active_count() > 1, fork_is_safe(), _context(print).get_start_method())
        gate = threading.Event()
        running = in_background(gate.wait)             # one at work, past the wait
        print(fork_is_safe(settle=0.1), _context(print).get_start_method())
        gate.set(); running.result()
        gate.clear()
        short = in_background(lambda: gate.wait(0.3))  # work ending within the wait: fork after it
        print(fork_is_safe()); short.result()
        gate.clear()
        other = threading.Thread(target=gate.wait); other.start()   # a thread of someone else's
        print(fork_is_safe()); gate.set(); other.join()
        import time
        gate.clear()
        busy = in_background(gate.wait)
        other = threading.Thread(target=gate.wait); other.start()   # another thread and side work under way:
        started = time.perf_counter(); safe = fork_is_safe()          # no use waiting for the side work
        print(safe, time.perf_counter() - started < 1.0); gate.set(); other.join(); busy.result()
    """)
    assert out.splitlines() == ["True", "True True fork", "False forkserver", "True", "False", "False True"]


def test_a_forked_child_never_finalizes_what_it_inherited(tmp_path) -> None:
    # A cycle the parent has not collected yet: its finalizer belongs to the parent, whose threads
    # and native state the child lacks (an OpenVINO compiled model's destructor hung a child so).
    script = textwrap.dedent(f"""
        import gc, os
        import qa.side_threads

        class Cycle:
            def __del__(self):
                with open({str(tmp_path / "finalized")!r}, "a") as out:
                    out.write(str(os.getpid()) + "\\n")

        gc.disable()
        cycle = Cycle()
        cycle.me = cycle
        del cycle
        pid = os.fork()
        if pid == 0:
            gc.collect()
            made = Cycle()  # what the child makes itself is still collected
            made.me = made
            del made
            gc.collect()
            os._exit(0)
        os.waitpid(pid, 0)
        gc.collect()
        print(pid)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    child = done.stdout.strip()
    finalized = (tmp_path / "finalized").read_text().split()
    assert finalized.count(child) == 1  # the child's own cycle only
    assert len(finalized) == 2  # and the inherited one, in the parent
