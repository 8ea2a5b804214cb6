from __future__ import annotations

from pathlib import Path

import numpy as np

from embeddings.cache import CachingEncoder


def test_cached_texts_are_not_embedded_again(tmp_path: Path, fake_encoder) -> None:
    first = CachingEncoder(fake_encoder, tmp_path)
    vectors = first.encode(["alpha", "beta", "alpha"])
    assert first.embedded == 2
    again = CachingEncoder(fake_encoder, tmp_path)  # a new process, the same folder
    same = again.encode(["beta", "alpha", "gamma"])
    assert again.embedded == 1
    np.testing.assert_array_equal(same[0], vectors[1])
    np.testing.assert_array_equal(same[1], vectors[0])


def test_a_damaged_shard_is_ignored_not_trusted(tmp_path: Path, fake_encoder) -> None:
    CachingEncoder(fake_encoder, tmp_path).encode(["alpha"])
    for npy in tmp_path.rglob("*.npy"):
        data = bytearray(npy.read_bytes())
        data[-1] ^= 0xFF
        npy.write_bytes(bytes(data))
    again = CachingEncoder(fake_encoder, tmp_path)
    vector = again.encode(["alpha"])
    assert again.embedded == 1
    np.testing.assert_allclose(vector[0], fake_encoder.encode(["alpha"])[0])
