"""Atomic files and output folders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kentassets.errors import OutputError
from kentassets.io.outputs import MARKER, atomic_output_dir, write_csv, write_text_atomic


def test_write_csv_is_guarded_and_leaves_no_temporaries(tmp_path: Path) -> None:
    path = write_csv(pd.DataFrame({"a": ["=cmd()", "x"], "n": [-1, 2]}), tmp_path / "t.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert "'=cmd()" in text and "-1" in text
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_atomic_dir_success_replaces_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_output_dir(out) as tmp:
        write_text_atomic(tmp / "a.txt", "one")
    with atomic_output_dir(out) as tmp:
        write_text_atomic(tmp / "b.txt", "two")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_atomic_dir_failure_keeps_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_output_dir(out) as tmp:
        write_text_atomic(tmp / "a.txt", "one")
    with pytest.raises(RuntimeError), atomic_output_dir(out) as tmp:
        write_text_atomic(tmp / "half.txt", "half")
        raise RuntimeError("render failed")
    assert (out / "a.txt").read_text() == "one"
    assert not (out / "half.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_refuses_folder_with_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.docx").write_text("user file")
    with pytest.raises(OutputError, match="did not create"), atomic_output_dir(out):
        pass
    assert (out / "precious.docx").exists()


def test_refuses_folder_holding_inputs(tmp_path: Path) -> None:
    register = tmp_path / "registers" / "kcc.csv"
    register.parent.mkdir()
    register.write_text("a\n1\n")
    with pytest.raises(OutputError, match="input register"), atomic_output_dir(
        register.parent, inputs=[register]
    ):
        pass
    assert register.read_text() == "a\n1\n"
