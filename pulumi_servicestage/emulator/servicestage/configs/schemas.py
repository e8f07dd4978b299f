"""The request bodies of configuration management: groups and files, and the zip package an
import uploads, with the reference's rules for each."""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field

from ...errors import PARAMETER_INVALID
from ...rules import Rule
from ...server import MAX_BODY_BYTES
from ..schemas import NAME_PATTERN, RequestBody

MAX_PACKAGE_BYTES = 500 * 1024
MAX_PACKAGE_FILES = 500
# What the files of a package may hold once unpacked, together: no more than a request body may
# carry (a file created by the API arrives in one), so that a small bomb cannot unpack to gigabytes.
MAX_UNPACKED_BYTES = MAX_BODY_BYTES

RULES: tuple[Rule, ...] = (
    Rule(
        "config groups: name; configuration files: name",
        "2 to 64 letters, digits, - or _, starting with a letter and ending with a letter or "
        "digit; unique in the project (groups) or the group (files)",
        "004 表4-314, 表4-323",
    ),
    Rule("config groups: description", "at most 256 characters", "004 表4-314"),
    Rule(
        "configuration files: description",
        "at most 128 characters (the modify table repeats the create table's fields)",
        "004 表4-323, 表4-344",
    ),
    Rule(
        "configuration files: config_group_id, content, type, sensitive",
        "required (sensitive on create only); type yaml or properties",
        "004 表4-323, 表4-344",
    ),
    Rule(
        "import: upload_file",
        "a zip package of at most 500 KB holding at most 500 files, each in a folder named "
        "after its group, named after the file, with a .yaml, .yml or .properties extension; "
        "multipart/form-data",
        "004 表4-327, 表4-328",
    ),
    Rule("import: repetition_policy", "covered or skip", "004 表4-328"),
)
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
    """Name and bytes of each file in a zip package; a damaged, encrypted or truncated package,
    or one that unpacks to more than `MAX_UNPACKED_BYTES`, is a bad request."""
    members: list[tuple[str, bytes]] = []
    unpacked = 0
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    raise PARAMETER_INVALID.error(
                        f"upload_file: {info.filename} is encrypted; the package must not be"
                    )
                # Read no more than what is left of the allowance: the sizes a zip declares
                # may lie.
                with archive.open(info) as member:
                    data = member.read(MAX_UNPACKED_BYTES - unpacked + 1)
                unpacked += len(data)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise PARAMETER_INVALID.error(
                        f"upload_file: the package unpacks to more than {MAX_UNPACKED_BYTES} bytes"
                    )
                members.append((info.filename, data))
    # BadZipFile: not a zip or a bad CRC; zlib.error, LZMAError, EOFError: damaged or truncated
    # data; NotImplementedError: an unknown compression; RuntimeError: an encryption zipfile
    # spots itself; ValueError, OverflowError, OSError: nonsensical headers, bad bzip2 data.
    except (
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OverflowError,
        OSError,
    ):
        raise PARAMETER_INVALID.error("upload_file: not a zip package, or a damaged one") from None
    return members


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
