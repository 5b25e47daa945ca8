"""Settings as records (issue 21): OutputSettings, CountyContent and BuildInputs, and the
earlier keywords that still fill them."""

from __future__ import annotations

import dataclasses

import pytest

from kentassets.pipeline import BuildInputs
from kentassets.pipeline.inputs import split_inputs
from kentassets.render.settings import (
    CountyContent,
    OutputSettings,
    resolve_output,
    resolve_settings,
)


def test_keywords_replace_the_records_fields() -> None:
    base = OutputSettings(title="Kent", synthetic=True, sensitive_agencies=["Kent Police"])
    got = resolve_settings(base, {"title": "Medway", "paper": "A4"}, where="f")
    assert (got.title, got.synthetic, got.paper) == ("Medway", True, "A4")
    assert got.sensitive_agencies == frozenset({"Kent Police"})
    assert base.title == "Kent"  # frozen: a new record
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.title = "x"  # type: ignore[misc]


def test_an_unknown_keyword_is_a_type_error_naming_the_function() -> None:
    with pytest.raises(TypeError, match=r"district_map\(\) got unexpected keyword.*colour"):
        resolve_settings(None, {"colour": "red"}, where="district_map")
    with pytest.raises(TypeError, match="titel"):
        resolve_output(None, None, {"titel": "x"}, where="write_atlas")


def test_output_keywords_go_to_their_record() -> None:
    settings, content = resolve_output(
        None, CountyContent(eps_m=250.0), {"title": "Kent", "totals": {"n": 1}}, where="f")
    assert settings.title == "Kent"
    assert content.totals == {"n": 1} and content.eps_m == 250.0


def test_build_inputs_from_the_record_or_the_earlier_keywords() -> None:
    given, rest = split_inputs(BuildInputs(boundaries="lad.gpkg"),
                               {"basemap": "os.gpkg", "eps_m": 500.0})
    assert (given.boundaries, given.basemap, given.previous) == ("lad.gpkg", "os.gpkg", None)
    assert rest == {"eps_m": 500.0}
