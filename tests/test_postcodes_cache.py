"""The cache of the packaged postcode directory: the same frames, faster, never in the way."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd
import pytest

from kentassets.io.postcodes import PostcodeDirectory, read_packaged_letter

LETTERS = ("M", "T")  # two small letters: Medway and Maidstone, Tunbridge Wells


def _cached_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.feather"))


def test_cached_frames_equal_the_decoded_ones(tmp_path: Path) -> None:
    first = PostcodeDirectory(cache_dir=tmp_path)
    first._ensure_letters(LETTERS)
    assert [p.name.split("_")[1] for p in _cached_files(tmp_path)] == list(LETTERS)
    second = PostcodeDirectory(cache_dir=tmp_path)  # reads the cache
    second._ensure_letters(LETTERS)
    for letter in LETTERS:
        decoded = read_packaged_letter(letter)
        assert decoded is not None
        for frame in (first._frames[letter], second._frames[letter]):
            pd.testing.assert_frame_equal(frame, decoded, check_exact=True)
            assert frame.index.dtype == decoded.index.dtype
    keys = pd.Series(["ME14 1XQ", "tn1 1rs", "ME99 9ZZ", None])
    pd.testing.assert_frame_equal(second.lookup(keys),
                                  PostcodeDirectory(cache=False).lookup(keys))


def test_damaged_cache_file_is_decoded_again_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    PostcodeDirectory(cache_dir=tmp_path)._ensure_letters(["M"])
    (cached,) = _cached_files(tmp_path)
    cached.write_bytes(b"not a feather file")
    with caplog.at_level(logging.WARNING):
        again = PostcodeDirectory(cache_dir=tmp_path)
        again._ensure_letters(["M"])
    assert "damaged postcode cache file" in caplog.text
    decoded = read_packaged_letter("M")
    assert decoded is not None
    pd.testing.assert_frame_equal(again._frames["M"], decoded)
    assert cached.read_bytes()[:6] == b"ARROW1"  # rewritten


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        directory = PostcodeDirectory(cache_dir=tmp_path / "cache")
        directory._ensure_letters(["M"])
        assert len(directory._frames["M"]) > 10_000
    finally:
        tmp_path.chmod(0o700)


def test_cache_in_a_file_path_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    directory = PostcodeDirectory(cache_dir=blocker)  # mkdir fails: no cache, no error
    directory._ensure_letters(["M"])
    assert len(directory._frames["M"]) > 10_000
    assert not list(tmp_path.glob(".*.tmp"))


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    directory = PostcodeDirectory(cache_dir=tmp_path, cache=False)
    directory._ensure_letters(["M"])
    assert len(directory._frames["M"]) > 10_000
    assert not list(tmp_path.iterdir())
