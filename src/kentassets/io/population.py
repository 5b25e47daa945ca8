"""The district population table shipped with the package (Census 2021, ONS, OGL).

See ``data/population/README.md`` for its source and derivation.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

import pandas as pd

#: Where the table lives inside the package.
_FILE = "data/population/district_population.csv"
#: The citation every output resting on the table carries.
POPULATION_SOURCE = (
    "Census 2021 usual resident population per district (Office for National Statistics, "
    "Open Government Licence v3.0), shared equally between each district's postcodes"
)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    text = resources.files("kentassets").joinpath(_FILE).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype={"district_code": str, "postcode_letters": str},
                       keep_default_na=False)


def read_district_population() -> dict[str, float]:
    """District code -> Census 2021 usual resident population (296 English districts).

    Examples
    --------
    >>> population = read_district_population()
    >>> population["E07000110"], len(population)
    (175500.0, 296)
    """
    table = _table()
    return dict(zip(table["district_code"], table["population_2021"].astype(float),
                    strict=True))


def postcode_letters(codes: list[str]) -> list[str] | None:
    """The first letters of the packaged postcode directory's postcodes in ``codes``
    (only those letters need reading), or ``None`` when a code is not in the table.

    Examples
    --------
    >>> postcode_letters(["E07000111", "E06000035"])
    ['B', 'D', 'M', 'T']
    """
    table = _table().set_index("district_code")["postcode_letters"]
    if not set(codes) <= set(table.index):
        return None
    return sorted({letter for code in codes for letter in table[code].split(";") if letter})
