"""How a register's file is named in published outputs: never a local absolute path.

Outputs go to other agencies. A ``source_file`` such as
``/home/jsmith/registers/police.csv`` or ``C:\\Users\\jsmith\\...`` discloses a
person's folder layout, so outputs carry the path relative to the manifest
where the file lies below it, and the file name otherwise.
"""

from __future__ import annotations

import ntpath
import posixpath
from os import PathLike
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["public_source_name"]


def _looks_absolute(text: str) -> bool:
    return (posixpath.isabs(text) or ntpath.isabs(text) or PureWindowsPath(text).drive != ""
            or text.startswith("~"))


def public_source_name(
    written: str | PathLike[str], *, base: str | PathLike[str] | None = None
) -> str:
    """The name a register file goes by in published outputs.

    Parameters
    ----------
    written
        The path as the user wrote it (in the manifest, or to ``read_register``).
    base
        The manifest's folder; a file below it is shown relative to it.

    Returns
    -------
    str
        A relative path with forward slashes that stays below ``base``, or the
        file name alone.

    Examples
    --------
    >>> public_source_name("registers/police.csv")
    'registers/police.csv'
    >>> public_source_name("/home/jsmith/estate/registers/police.csv", base="/home/jsmith/estate")
    'registers/police.csv'
    >>> public_source_name("/home/jsmith/Downloads/police.csv", base="/home/jsmith/estate")
    'police.csv'
    >>> public_source_name(r"C:\\Users\\jsmith\\Documents\\nhs sites.xlsx")
    'nhs sites.xlsx'
    >>> public_source_name("../../shared/data/fire.csv")
    'fire.csv'
    """
    text = str(written)
    windows = "\\" in text or PureWindowsPath(text).drive != ""
    pure = PureWindowsPath(text) if windows else PurePosixPath(text)
    name = pure.name or text
    if not _looks_absolute(text):
        parts = pure.parts
        return PurePosixPath(*parts).as_posix() if ".." not in parts and parts else name
    if base is not None and Path(text).is_absolute():  # a path of this computer
        try:
            relative = Path(text).resolve().relative_to(Path(base).resolve())
        except ValueError:
            return name
        return relative.as_posix()
    return name
