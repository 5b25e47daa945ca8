"""Service reach (issue 23): how far people live from each agency's services.

A stage between ``colocation`` and ``opportunities`` in the layer contract
(``.importlinter``); the package is empty until that issue lands.
"""
