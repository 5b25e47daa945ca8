"""The defects planted on purpose in the sample registers, and planting them.

So that the load ledger has something true to say, :data:`SAMPLE_DEFECTS` lists
defects with fixed asset ids (whatever the seed); :func:`plant_defects` gives
generated rows those ids and, where the defect needs it, new locations. The file
writers (:mod:`.writers`) add each defect's format-level damage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from .agencies import (
    CANTERBURY,
    FILES,
    FIRE,
    FOLKESTONE,
    KCC,
    MEDWAY,
    NHS,
    POLICE,
)
from .columns import (
    COL_ASSET_ID,
    COL_DEFECT,
    COL_DISTRICT,
    COL_EASTING,
    COL_HUB,
    COL_NAME,
    COL_NORTHING,
    COL_POSTCODE,
    COL_TOWN,
    COL_USE,
    COL_USE_RAW,
)
from .places import LONDON_CODE, MANCHESTER_CODE, Places


@dataclass(frozen=True)
class PlantedDefect:
    """A defect planted on purpose in the sample registers.

    Attributes
    ----------
    agency
        Agency whose file holds the defect.
    file
        File name inside the sample folder.
    asset_id
        The asset id of the row (fixed, whatever the seed).
    kind
        Short code, for example ``"swapped_lat_lon"``.
    columns
        Source columns involved.
    description
        What is wrong, in words.
    expected_status
        What a correct loader does with the row: ``"loaded"`` (perhaps with a
        warning), ``"excluded"`` or ``"rejected"``. For a duplicated id this is
        the status of the *second* row.
    """

    agency: str
    file: str
    asset_id: str
    kind: str
    columns: tuple[str, ...]
    description: str
    expected_status: str


#: Every defect planted in the sample registers (same ids whatever the seed).
SAMPLE_DEFECTS: Final[tuple[PlantedDefect, ...]] = (
    PlantedDefect(KCC, FILES[KCC], "KCC10412", "blank_coordinates_with_postcode",
                  ("Easting", "Northing"),
                  "Easting and Northing blank; the postcode is valid.", "loaded"),
    PlantedDefect(KCC, FILES[KCC], "KCC10877", "blank_coordinates_no_postcode",
                  ("Easting", "Northing", "Postcode"),
                  "Easting, Northing and Postcode all blank: no way to place it.", "rejected"),
    PlantedDefect(KCC, FILES[KCC], "KCC20551", "text_in_number_column", ("GIA (sq m)",),
                  "'TBC' in the floor area column.", "loaded"),
    PlantedDefect(KCC, FILES[KCC], "KCC31007", "duplicate_asset_id", ("Asset Code",),
                  "The same asset code on two different properties.", "rejected"),
    PlantedDefect(KCC, FILES[KCC], "KCC47220", "outside_study_area",
                  ("Easting", "Northing"),
                  "Out-of-county investment property in Manchester.", "excluded"),
    PlantedDefect(POLICE, FILES[POLICE], "KP-0317", "swapped_lat_lon",
                  ("Latitude", "Longitude"), "Latitude and longitude swapped.", "loaded"),
    PlantedDefect(POLICE, FILES[POLICE], "KP-0542", "swapped_lat_lon",
                  ("Latitude", "Longitude"), "Latitude and longitude swapped.", "loaded"),
    PlantedDefect(POLICE, FILES[POLICE], "KP-0733", "blank_coordinates_with_postcode",
                  ("Latitude", "Longitude"),
                  "Latitude and longitude blank; the postcode is valid.", "loaded"),
    PlantedDefect(NHS, FILES[NHS], "KCHFT-0419", "postcode_not_found", ("Postcode",),
                  "A well-formed postcode that does not exist.", "rejected"),
    PlantedDefect(NHS, FILES[NHS], "KCHFT-0650", "outside_study_area", ("Postcode",),
                  "A London postcode: outside Kent and Medway.", "excluded"),
    PlantedDefect(NHS, FILES[NHS], "KCHFT-0288", "postcode_unnormalised", ("Postcode",),
                  "Postcode in lower case without its space (normalisation only).",
                  "loaded"),
    PlantedDefect(CANTERBURY, FILES[CANTERBURY], "CCC0213", "garbage_easting",
                  ("Easting",), "'#REF!' in the Easting column; the postcode is valid.",
                  "loaded"),
    PlantedDefect(MEDWAY, FILES[MEDWAY], "MC20316", "bad_grid_reference",
                  ("Grid Reference",), "A garbled grid reference; the postcode is valid.",
                  "loaded"),
    PlantedDefect(FOLKESTONE, FILES[FOLKESTONE], "FHDC-0127", "text_in_number_column",
                  ("FTE",), "'TBC' in the FTE column.", "loaded"),
    PlantedDefect(FIRE, FILES[FIRE], "KFRS-044", "null_geometry", ("geometry",),
                  "Feature with a null geometry; the postcode is valid.", "loaded"),
)

#: A well-formed Kent postcode that is not in the ONS Postcode Directory.
NONEXISTENT_POSTCODE: Final = "CT1 9ZX"


def plant_defects(
    frames: dict[str, pd.DataFrame], places: Places, rng: np.random.Generator
) -> None:
    """Give chosen rows the defect ids and, where needed, new locations (in place)."""
    for agency, frame in list(frames.items()):
        defects = [d for d in SAMPLE_DEFECTS if d.agency == agency]
        if not defects:
            continue
        scattered = np.flatnonzero(frame[COL_HUB].to_numpy() < 0)
        pool = scattered if len(scattered) >= len(defects) + 1 else np.arange(len(frame))
        rows = rng.choice(pool, size=len(defects) + 1, replace=False)
        for defect, row in zip(defects, rows, strict=False):
            frame.loc[row, COL_ASSET_ID] = defect.asset_id
            frame.loc[row, COL_DEFECT] = defect.kind
            if defect.kind == "outside_study_area":
                label = "manchester" if agency == KCC else "london"
                postcode, east, north = places.outside[label]
                frame.loc[row, [COL_POSTCODE, COL_EASTING, COL_NORTHING]] = [
                    postcode, east + 7.0, north - 4.0]
                frame.loc[row, COL_TOWN] = label.title()
                frame.loc[row, COL_DISTRICT] = (
                    MANCHESTER_CODE if label == "manchester" else LONDON_CODE
                )
                if agency == KCC:
                    frame.loc[row, [COL_USE_RAW, COL_USE]] = ["Commercial investment", "other"]
                    frame.loc[row, COL_NAME] = "Investment property (out of county)"
                else:
                    frame.loc[row, [COL_USE_RAW, COL_USE]] = ["Office", "office"]
                    frame.loc[row, COL_NAME] = "London Liaison Office"
            elif defect.kind == "postcode_not_found":
                frame.loc[row, COL_POSTCODE] = NONEXISTENT_POSTCODE
            elif defect.kind == "duplicate_asset_id":
                twin = rows[-1]
                frame.loc[twin, COL_ASSET_ID] = defect.asset_id
                frame.loc[twin, COL_DEFECT] = "duplicate_asset_id_second"
        frames[agency] = frame.sort_values(
            [COL_ASSET_ID, COL_DEFECT], kind="stable", ignore_index=True
        )
