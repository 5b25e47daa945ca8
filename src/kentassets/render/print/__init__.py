"""Printable PDF maps, split by concern; the public entry point is
:mod:`kentassets.render.printmap`.

Import order (no cycles): ``text`` <- ``layout``, ``geometry``, ``prepare`` <-
``labels``, ``insets``, ``tables`` <- ``layers`` <- ``pages``, ``cover`` <-
``write`` <- ``atlas``.
"""
