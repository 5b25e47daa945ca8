"""The implementation plan (issue 24): what happens when, from the decisions.

A stage between ``rounds`` and ``render`` in the layer contract
(``.importlinter``); the package is empty until that issue lands.
"""
