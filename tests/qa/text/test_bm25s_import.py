"""bm25s imported without the extras it probes for (qa.text.bm25s_import), in fresh interpreters."""

from __future__ import annotations

import json
import subprocess
import sys

SCORE = """
import json, sys
{before}
from qa.search.lexical import LexicalIndex
from qa.text.tokens import tokenize
index = LexicalIndex.build(["NATO leaders met in Chicago.", "Georgia will join NATO.", "Russia's military presence."])
scores = index.scores(tokenize("When does Georgia join NATO?")).tolist()
import bm25s
state = {{"scores": scores, "scipy": "scipy" in sys.modules, "tqdm": "tqdm" in sys.modules,
          "bm25s_saw_scipy": bm25s.SCIPY_AVAILABLE}}
import scipy.sparse, tqdm.auto  # still importable afterwards
state["sparse"] = scipy.sparse.csr_matrix((2, 3)).shape
print(json.dumps(state))
"""


def _run(before: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SCORE.format(before=before)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_bm25s_is_imported_without_scipy_or_tqdm_and_scores_the_same() -> None:
    lean = _run("")
    assert (lean["scipy"], lean["tqdm"], lean["bm25s_saw_scipy"]) == (False, False, False)
    assert lean["sparse"] == [2, 3]
    full = _run("import scipy.sparse, tqdm.auto")  # already imported: left as they are
    assert full["bm25s_saw_scipy"] is True
    assert lean["scores"] == full["scores"] and max(lean["scores"]) > 0


def test_another_thread_importing_a_hidden_name_meanwhile_gets_it() -> None:
    """While bm25s imports, scipy is hidden from bm25s only: a thread that imports it meanwhile
    gets the real module, not an ImportError."""
    code = """
import sys, threading, time
import qa.text.bm25s_import as lean
got = []
real_import = __import__
def slow_import(name, *args, **kwargs):  # keeps the window open while bm25s imports
    if name == "bm25s":
        threading.Thread(target=lambda: got.append(__import__("scipy.sparse").sparse.csr_matrix)).start()
        time.sleep(0.3)
    return real_import(name, *args, **kwargs)
import builtins
builtins.__import__ = slow_import
lean.bm25s()
builtins.__import__ = real_import
for thread in threading.enumerate():
    if thread is not threading.main_thread():
        thread.join()
print(len(got))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1"], done.stderr  # (bm25s then finds scipy imported, and uses it)


def test_a_thread_asking_while_another_imports_bm25s_gets_the_whole_module() -> None:
    """bm25s() while another thread is halfway through importing bm25s waits, as import does,
    instead of returning the half-made module."""
    code = """
import builtins, sys, threading, time
import qa.text.bm25s_import as lean
real_import = builtins.__import__
halfway = threading.Event()
def slow_import(name, *args, **kwargs):
    if name == "numba" and threading.current_thread().name == "first":  # bm25s's first optional probe
        halfway.set()
        time.sleep(0.5)
    return real_import(name, *args, **kwargs)
builtins.__import__ = slow_import
first = threading.Thread(target=lean.bm25s, name="first")
first.start()
halfway.wait(5)
print(len(lean.bm25s().stopwords.STOPWORDS_EN_PLUS) > 100)
first.join()
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True"], done.stderr
