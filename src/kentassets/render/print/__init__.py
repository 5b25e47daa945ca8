"""Printable PDF maps, split by concern; the public entry point is
:mod:`kentassets.render.printmap`, which re-exports the public names.

Modules, each importing only those above it:

* ``text``: clean, measure and wrap untrusted text; number formats.
* ``layout``: paper sizes, margins, scoped matplotlib settings, header, footer.
* ``geometry``: the window a map box shows; shapes as matplotlib paths.
* ``prepare``: what one district page shows (points, co-locations, shortlist).
* ``labels``, ``insets``, ``tables``: label placement, inset windows, tables.
* ``layers``: the map drawn layer by layer (with a slot for context layers).
* ``pages``: the district page; ``cover``: the cover and the load summary.
* ``write``: PDF bytes, metadata, outline, atomic write; ``atlas``: the atlas.
"""
