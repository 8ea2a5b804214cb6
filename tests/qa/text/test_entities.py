from __future__ import annotations

from pathlib import Path

import pytest

from qa.errors import EntityModelError
from qa.text import entities
from qa.text.entities import EntityTagger, tagger_version

pytestmark = pytest.mark.real_entities  # the real spaCy tagger, not the unit tests' FakeTagger

TEXTS = ["Georgia applied to join NATO in 2008.", "The alliance welcomed the application.", "Georgia applied to join NATO in 2008."]


def test_the_small_english_pipeline_finds_dates_places_and_organisations() -> None:
    found = EntityTagger().tag(TEXTS)
    assert ("DATE", "2008") in found[0] and ("GPE", "Georgia") in found[0] and ("ORG", "NATO") in found[0]
    assert found[1] == [] and found[2] == found[0]


def test_the_cache_tags_each_text_once_across_runs(tmp_path: Path) -> None:
    first = EntityTagger(tmp_path)
    tagged = first.tag(TEXTS)
    assert first.tagged_count == 2  # the repeated text is tagged once
    first.save()
    again = EntityTagger(tmp_path)
    assert again.tag(TEXTS) == tagged and again.tagged_count == 0
    assert again.tag(["Tbilisi is the capital."]) == [[("GPE", "Tbilisi")]] and again.tagged_count == 1
    assert (tmp_path / f"{tagger_version()}.json").is_file()


def test_a_missing_model_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities, "MODEL", ("no_such_spacy_model", "no-such-spacy-model"))
    entities._pipeline.cache_clear()
    try:
        with pytest.raises(EntityModelError, match="Cannot load the named-entity model no-such-spacy-model.*pip install"):
            EntityTagger().tag(["Georgia applied in 2008."])
    finally:
        entities._pipeline.cache_clear()


_TAG_IN_A_FRESH_INTERPRETER = """
import json, sys
if sys.argv[1] == "torch first":
    import torch
from qa.text.entities import EntityTagger
tags = EntityTagger().tag(sys.argv[2:])
import torch  # the hiding ends with the pipeline's load: torch imports as ever afterwards
print(json.dumps({"tags": tags, "torch ran": sys.argv[1]}))
"""


def test_the_recogniser_loads_without_torch_and_tags_the_same() -> None:
    import json
    import subprocess
    import sys

    texts = ["Georgia joined NATO at the Bucharest Summit in April 2008.", "The G7 met in Hiroshima on 20 May 2023.",
             "No names here."]
    runs = {}
    for mode in ("torch hidden", "torch first"):
        code = _TAG_IN_A_FRESH_INTERPRETER + ("" if mode == "torch first" else
                                              "\nimport thinc.compat\nassert not thinc.compat.has_torch\n")
        done = subprocess.run([sys.executable, "-c", code, mode, *texts], capture_output=True, text=True, check=True)
        runs[mode] = json.loads(done.stdout.splitlines()[0])["tags"]
    assert runs["torch hidden"] == runs["torch first"]
    assert ["DATE", "April 2008"] in runs["torch hidden"][0]


_HIDE_IN_ONE_THREAD = """
import importlib.util, sys, threading
from qa.text import entities
seen = {}
with entities._without_torch():
    other = threading.Thread(target=lambda: seen.update(other=importlib.util.find_spec("torch") is not None))
    other.start()
    other.join()
    try:
        importlib.util.find_spec("torch")
        seen["this"] = "found"
    except ModuleNotFoundError:
        seen["this"] = "hidden"
seen["after"] = importlib.util.find_spec("torch") is not None
print(seen)
"""


def test_hiding_torch_touches_only_the_loading_thread() -> None:
    import subprocess
    import sys

    # A fresh interpreter: in this one, torch may be imported already, and then nothing is hidden.
    done = subprocess.run([sys.executable, "-c", _HIDE_IN_ONE_THREAD], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "{'other': True, 'this': 'hidden', 'after': True}"
