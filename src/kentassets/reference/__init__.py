"""Reference data every stage shares: the benchmark table and the map context.

Each module holds a record and the pure operations on it; ``io/`` reads and
writes them (:mod:`kentassets.io.benchmarks`, :mod:`kentassets.io.context`,
:mod:`kentassets.io.basemap`) and the stages use them. Like ``schema`` and
``errors`` it is common ground under ``io/``, so it imports no stage and no
``io`` module:

* ``benchmarks``: :class:`BenchmarkTable` (typical floor area, running cost per
  m², space per FTE, low/central/high with basis and source).
* ``context``: :class:`MapContext` (land, water, built-up, places, roads, rail)
  and what to draw of it (select_places, clip_context, combine_context).
"""
