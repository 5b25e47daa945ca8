"""kentassets: pool public agencies' property registers and find co-location opportunities."""

__version__ = "0.1.0"
