"""The HTML outputs: interactive district and county maps, and the county index page.

Public names are re-exported by :mod:`kentassets.render.webmap` and
:mod:`kentassets.render.index` (the documented modules); see the former for the
modules of this package and the design of the maps.
"""
