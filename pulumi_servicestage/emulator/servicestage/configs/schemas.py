"""The request bodies of configuration management: groups and files, and the zip package an
import uploads, with the reference's rules for each."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field

from ...errors import PARAMETER_INVALID
from ..schemas import NAME_PATTERN, RequestBody

MAX_PACKAGE_BYTES = 500 * 1024
MAX_PACKAGE_FILES = 500
# File name extensions of an import package and the configuration type each stands for.
PACKAGE_TYPES = {".yaml": "yaml", ".yml": "yaml", ".properties": "properties"}

ConfigType = Literal["yaml", "properties"]
RepetitionPolicy = Literal["covered", "skip"]


class ConfigGroupCreate(RequestBody):
    name: str = Field(pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=256)


class ConfigCreate(RequestBody):
    config_group_id: str = Field(min_length=1)
    name: str = Field(pattern=NAME_PATTERN)
    content: str
    type: ConfigType
    sensitive: bool
    description: str | None = Field(None, max_length=128)


class ConfigModify(RequestBody):
    config_group_id: str = Field(min_length=1)
    content: str
    type: ConfigType
    description: str | None = Field(None, max_length=128)
    sensitive: bool | None = None


@dataclass(frozen=True)
class PackagedFile:
    """A configuration file found in an import package."""

    group_name: str
    name: str
    type: str
    content: str


def read_package(package: bytes) -> list[PackagedFile]:
    """The configuration files of an import package, checked against the reference's rules.

    Each file sits in a folder named after its group; its name without the extension is the
    configuration name, and the extension gives its type.
    """
    if len(package) > MAX_PACKAGE_BYTES:
        raise PARAMETER_INVALID.error(
            f"upload_file: the package is {len(package)} bytes, more than {MAX_PACKAGE_BYTES}"
        )
    members = _unzipped(package)
    if not members:
        raise PARAMETER_INVALID.error("upload_file: the package holds no configuration file")
    if len(members) > MAX_PACKAGE_FILES:
        raise PARAMETER_INVALID.error(
            f"upload_file: the package holds {len(members)} files, more than {MAX_PACKAGE_FILES}"
        )
    found = [_packaged_file(name, data) for name, data in members]
    seen: set[tuple[str, str]] = set()
    for entry in found:
        key = (entry.group_name, entry.name)
        if key in seen:
            raise PARAMETER_INVALID.error(
                f"upload_file: {entry.group_name}/{entry.name} appears more than once"
            )
        seen.add(key)
    return found


def _unzipped(package: bytes) -> list[tuple[str, bytes]]:
    """Name and bytes of each file in a zip package; a damaged package is a bad request."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            return [
                (info.filename, archive.read(info))
                for info in archive.infolist()
                if not info.is_dir()
            ]
    except (zipfile.BadZipFile, zlib.error, NotImplementedError):
        raise PARAMETER_INVALID.error("upload_file: not a zip package, or a damaged one") from None


def _packaged_file(member: str, data: bytes) -> PackagedFile:
    path = PurePosixPath(member)
    if len(path.parts) != 2:
        raise PARAMETER_INVALID.error(
            f"upload_file: {member} must sit directly in a folder named after its config group"
        )
    group_name = path.parts[0]
    config_type = PACKAGE_TYPES.get(path.suffix.lower())
    if config_type is None:
        raise PARAMETER_INVALID.error(
            f"upload_file: {member} is neither a yaml nor a properties file"
        )
    for kind, value in (("config group", group_name), ("configuration file", path.stem)):
        if not re.fullmatch(NAME_PATTERN, value):
            raise PARAMETER_INVALID.error(
                f"upload_file: {member}: {value} is not a valid {kind} name"
            )
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PARAMETER_INVALID.error(f"upload_file: {member} is not UTF-8 text") from None
    return PackagedFile(group_name, path.stem, config_type, content)
