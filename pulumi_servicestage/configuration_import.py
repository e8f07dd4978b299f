"""Imports of configuration packages (`POST .../cas/configs/import`, §4.5.4).

An import is a resource, not a function run on every `pulumi up`: importing again would add a
version to every file each time, and would change the service during a preview. The package is
read and checked at preview; the API answers only counts, so create lists the package's groups
and files before and after the import to learn what it made, and delete removes only that.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Literal
from urllib.parse import quote

import pulumi
from pulumi.dynamic import (
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import Field, TypeAdapter, ValidationError, field_validator

from . import _runtime
from ._common import Name, is_id_segment
from ._lifecycle import (
    PROVIDER_KEY,
    ResourceArgs,
    RestResource,
    ServiceStageProvider,
    parse_arguments,
    post_once,
)
from ._resource_types import ConfigurationImportTyping
from .client.errors import NotFoundError, ServiceStageError
from .client.http import ApiClient, Multipart
from .configuration import CONFIGS_PATH, GROUPS_PATH, ConfigurationType

RepetitionPolicy = Literal["covered", "skip"]

MAX_PACKAGE_BYTES = 500 * 1024
MAX_PACKAGE_FILES = 500
_PACKAGE_TYPES: dict[str, ConfigurationType] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".properties": "properties",
}


_NAME: TypeAdapter[str] = TypeAdapter(Name)


class PackageError(ServiceStageError):
    """An import package breaks the reference's rules; the message says which and where."""


@dataclass(frozen=True)
class PackagedFile:
    group_name: str
    name: str
    type: ConfigurationType

    @property
    def path(self) -> str:
        return f"{self.group_name}/{self.name}"


@dataclass(frozen=True)
class ConfigurationPackage:
    """A zip package to import: ``<group name>/<file name>.<yaml|yml|properties>`` entries."""

    data: bytes
    files: tuple[PackagedFile, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @classmethod
    def read(cls, path: str) -> ConfigurationPackage:
        try:
            # Sized before it is read: a device or a huge file must not be read into memory.
            if not Path(path).is_file():
                raise PackageError(f"cannot read {path}: not a file")
            size = Path(path).stat().st_size
            if size > MAX_PACKAGE_BYTES:
                raise PackageError(
                    f"{path} is {size} bytes; a package may have at most {MAX_PACKAGE_BYTES}"
                )
            data = Path(path).read_bytes()
        except OSError as error:
            raise PackageError(f"cannot read {path}: {error.strerror}") from None
        except ValueError:  # e.g. a NUL character in the path
            raise PackageError(f"cannot read {path!r}: not a valid file path") from None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                encrypted = [info.filename for info in archive.infolist() if info.flag_bits & 1]
                if encrypted:
                    raise PackageError(
                        f"{path}: {encrypted[0]} is encrypted; the service imports only "
                        "packages without a password"
                    )
                names = [info.filename for info in archive.infolist() if not info.is_dir()]
                files = tuple(_packaged_file(name, archive.read(name)) for name in names)
        except PackageError:
            raise
        # zipfile reports damage in many ways: a bad header, a truncated member (EOFError), a
        # bad CRC or compression (zlib.error), an unknown method (NotImplementedError), or a
        # member it cannot read at all (RuntimeError, ValueError, OSError).
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            ValueError,
            OSError,
        ):
            raise PackageError(f"{path} is not a zip package, or a damaged one") from None
        if not files:
            raise PackageError(f"{path} holds no configuration file")
        if len(files) > MAX_PACKAGE_FILES:
            raise PackageError(
                f"{path} holds {len(files)} files; a package may hold at most {MAX_PACKAGE_FILES}"
            )
        seen: set[str] = set()
        for file in files:
            if file.path in seen:
                raise PackageError(f"{path} holds {file.path} more than once")
            seen.add(file.path)
        return cls(data, files)


def _packaged_file(member: str, data: bytes) -> PackagedFile:
    path = PurePosixPath(member)
    if len(path.parts) != 2 or member.startswith("/") or "\\" in member:
        raise PackageError(
            f"{member!r} must sit directly in a folder named after its group "
            "(<group>/<name>.yaml, .yml or .properties)"
        )
    config_type = _PACKAGE_TYPES.get(path.suffix.lower())
    if config_type is None:
        raise PackageError(f"{member!r} must end in .yaml, .yml or .properties")
    for kind, value in (("group", path.parts[0]), ("file", path.stem)):
        try:
            _NAME.validate_python(value)
        except ValidationError:
            raise PackageError(
                f"{member!r}: {value!r} is not a valid {kind} name (2 to 64 letters, digits, "
                "hyphens or underscores, starting with a letter and ending with a letter or digit)"
            ) from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise PackageError(f"{member!r} is not UTF-8 text") from None
    return PackagedFile(path.parts[0], path.stem, config_type)


class ConfigurationImportArgs(ResourceArgs):
    """The arguments of an import of a configuration package.

    Source: PDF 004 §4.5.4, 表4-328 (import request body).
    """

    archive_path: str = Field(min_length=1)
    """Package option, not an API field: the zip package to import, relative to the project
    directory; it is uploaded as `upload_file`. It is read and checked at preview: at most 500
    KB and 500 files, no password, each file UTF-8 text at `<group name>/<file name>.yaml`,
    `.yml` or `.properties` (the folder names the group, the file the configuration file, both
    by the name rule of groups and files). A package with other content is imported anew;
    moving the same package only updates the recorded path."""
    repetition_policy: RepetitionPolicy | None = None
    """What to do with a packaged file whose name a file of its group already has: `covered`
    (the imported file replaces the existing one) or `skip` (the file is not imported). The
    document states no default. Changing it imports the package anew."""

    @field_validator("adopt_id")
    @classmethod
    def _no_adoption(cls, value: str | None) -> str | None:
        if value is not None:
            raise ValueError(
                "an import is no object of the service and cannot be adopted; adopt its files "
                "with Configuration(adopt_id=...) instead"
            )
        return value

    @field_validator("timeouts")
    @classmethod
    def _no_waits(cls, value: object) -> object:
        if value is not None:
            raise ValueError("an import answers at once and waits for nothing; remove timeouts")
        return value


# Outputs of an import beyond its arguments.
_IMPORT_OUTPUTS = (
    "archive_sha256",
    "total_num",
    "covered_num",
    "skip_num",
    "configurations",
    "created_configuration_ids",
    "created_config_group_ids",
)
# A new package or policy means a new import; a package moved on disk does not.
_IMPORT_REPLACED_ON = ("archive_sha256", "repetition_policy")


class ConfigurationImportProvider(ServiceStageProvider):
    """Imports a zip package once, and owns the files and groups that import created.

    The import answers only counts, so the provider lists the package's groups and files before
    and after it to learn which ones it created; those are deleted with the resource, while files
    the import covered or skipped, and groups that existed, are left alone.
    """

    args_model = ConfigurationImportArgs

    @classmethod
    def output_only_fields(cls) -> tuple[str, ...]:
        return _IMPORT_OUTPUTS

    @classmethod
    def derived_inputs(cls) -> frozenset[str]:
        # The package's digest, which check adds so that a new package is a new import.
        return frozenset({"archive_sha256"})

    def extra_checks(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        path = news.get("archive_path")
        if not isinstance(path, str) or not path:
            return {}, []
        try:
            return {"archive_sha256": ConfigurationPackage.read(path).sha256}, []
        except PackageError as problem:
            return {}, [("archive_path", str(problem))]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [
            name
            for name in ("archive_path", *_IMPORT_REPLACED_ON)
            if isinstance(news.get(name), pulumi.output.Unknown) or olds.get(name) != news.get(name)
        ]
        replaces = [name for name in changed if name in _IMPORT_REPLACED_ON]
        # The old import's files must go before the new package is imported, or the new import
        # would skip or cover them and the old one's delete would then remove them.
        return DiffResult(
            changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces)
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = _parse_import(props)
        package = ConfigurationPackage.read(args.archive_path)
        if props.get("archive_sha256") not in (None, package.sha256):
            raise PackageError(
                f"{args.archive_path} changed after it was checked; run the update again"
            )
        group_names = {file.group_name for file in package.files}
        existing_groups = _group_ids_by_name(group_names)
        files_before = {
            file.path
            for file, config_id in _located(package.files, existing_groups)
            if config_id is not None
        }
        fields = {"repetition_policy": args.repetition_policy} if args.repetition_policy else {}
        upload = (Path(args.archive_path).name, package.data, "application/zip")
        versions_before = _versions(package.files, existing_groups)

        def imported() -> bool:
            # An import whose answer was lost made a file or a new version of one.
            return _versions(package.files, _group_ids_by_name(group_names)) != versions_before

        answer = post_once(
            lambda: _client().post(
                _path(CONFIGS_PATH) + "/import",
                multipart=Multipart(fields, {"upload_file": upload}),
            ),
            imported,
        )
        try:
            groups_after = _group_ids_by_name(group_names)
            located = list(_located(package.files, groups_after))
        except ServiceStageError as failure:
            created = sorted(file.path for file in package.files if file.path not in files_before)
            raise ServiceStageError(
                f"{args.archive_path} was imported, but its files could not be looked up "
                f"({failure}); the import created {', '.join(created) or 'no file'}: delete "
                "them, or manage them with Configuration(adopt_id=...)"
            ) from failure
        configurations = [
            {**_entry(file, groups_after[file.group_name]), "id": config_id}
            for file, config_id in located
            if config_id is not None
        ]
        outs = {
            "archive_path": args.archive_path,
            "archive_sha256": package.sha256,
            **({"repetition_policy": args.repetition_policy} if args.repetition_policy else {}),
            "total_num": (answer or {}).get("total_num"),
            "covered_num": (answer or {}).get("covered_num"),
            "skip_num": (answer or {}).get("skip_num"),
            "configurations": configurations,
            "created_configuration_ids": [
                entry["id"] for entry in configurations if entry["path"] not in files_before
            ],
            "created_config_group_ids": sorted(
                set(groups_after.values()) - set(existing_groups.values())
            ),
        }
        return CreateResult(uuid.uuid4().hex, outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only the path changed (the package and policy did not): nothing to do on the service.
        args = _parse_import(news)
        outs = {key: value for key, value in olds.items() if key != PROVIDER_KEY}
        return UpdateResult({**outs, "archive_path": args.archive_path})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        entries = props.get("configurations")
        if not isinstance(entries, list):
            raise ServiceStageError(
                f"configuration import {id_!r}: an import can only be refreshed from its own "
                "state; look its files up with get_configurations() instead"
            )
        remaining = [
            entry
            for entry in entries
            if isinstance(entry, dict)
            and is_id_segment(entry.get("id"))
            and _exists(CONFIGS_PATH, entry["id"])
        ]
        if not remaining:
            return ReadResult(None, {})
        remaining_ids = {entry["id"] for entry in remaining}
        outs = {
            **{key: value for key, value in props.items() if key != PROVIDER_KEY},
            "configurations": remaining,
            "created_configuration_ids": [
                config_id
                for config_id in _ids(props, "created_configuration_ids")
                if config_id in remaining_ids
            ],
            "created_config_group_ids": [
                group_id
                for group_id in _ids(props, "created_config_group_ids")
                if _exists(GROUPS_PATH, group_id)
            ],
        }
        inputs: dict[str, Any] = {
            key: props[key]
            for key in ("archive_path", "repetition_policy", "archive_sha256")
            if key in props
        }
        return ReadResult(id_, outs, inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = _client()
        for config_id in _ids(props, "created_configuration_ids"):
            with suppress(NotFoundError):
                client.delete(f"{_path(CONFIGS_PATH)}/{quote(config_id, safe='')}")
        for group_id in _ids(props, "created_config_group_ids"):
            # Files that others put into a group the import made keep it alive.
            if any(_all_in(CONFIGS_PATH, "configs", config_group_id=group_id)):
                continue
            with suppress(NotFoundError):
                client.delete(f"{_path(GROUPS_PATH)}/{quote(group_id, safe='')}")


class ConfigurationImport(
    ConfigurationImportTyping, RestResource, module="servicestage", name="ConfigurationImport"
):
    """The configuration files of a zip package, imported once (§4.5.4).

    Each folder of the package names a group (created if missing) and each ``.yaml``, ``.yml``
    or ``.properties`` file in it a configuration file. Deleting the resource deletes the files
    and groups the import created; files it covered or skipped stay. A changed package (by
    content) or policy is imported anew, after the old import's files are deleted.
    """

    provider_class: ClassVar[Any] = ConfigurationImportProvider

    archive_sha256: pulumi.Output[str]
    """Package output, not an API field: the SHA-256 digest of the package, in hex; a new
    digest means a new import."""
    total_num: pulumi.Output[int]
    """How many configuration files the import brought (表4-329)."""
    covered_num: pulumi.Output[int]
    """How many existing configuration files the import covered, that is replaced (表4-329)."""
    skip_num: pulumi.Output[int]
    """How many configuration files the import skipped (表4-329)."""
    configurations: pulumi.Output[list[dict[str, str]]]
    """Package output, not an API field: each file of the package found after the import, with
    its `path`, `name`, `type`, `config_group_name`, `config_group_id` and configuration `id`;
    a refresh drops files deleted since."""
    created_configuration_ids: pulumi.Output[list[str]]
    """Package output, not an API field: the IDs of the configuration files the import created
    (not those it covered or skipped); deleting the resource deletes these files."""
    created_config_group_ids: pulumi.Output[list[str]]
    """Package output, not an API field: the IDs of the configuration groups the import
    created; deleting the resource deletes each of them that holds no other file."""


def _parse_import(props: Mapping[str, Any]) -> ConfigurationImportArgs:
    return parse_arguments(ConfigurationImportArgs, props, "configuration import")


def _group_ids_by_name(names: Iterable[str]) -> dict[str, str]:
    wanted = set(names)
    return {
        group["name"]: group["id"]
        for group in _all_in(GROUPS_PATH, "config_groups")
        if group.get("name") in wanted
    }


def _located(
    files: Iterable[PackagedFile], group_ids: Mapping[str, str]
) -> Iterator[tuple[PackagedFile, str | None]]:
    """Each packaged file with the id of the file of its group and name, or None."""
    ids_by_group: dict[str, dict[str, str]] = {}
    for file in files:
        group_id = group_ids.get(file.group_name)
        if group_id is None:
            yield file, None
            continue
        if group_id not in ids_by_group:
            ids_by_group[group_id] = {
                item["name"]: item["id"]
                for item in _all_in(CONFIGS_PATH, "configs", config_group_id=group_id)
            }
        yield file, ids_by_group[group_id].get(file.name)


def _ids(props: Mapping[str, Any], key: str) -> list[str]:
    """The ids an import's state lists under `key`; anything else there is not one."""
    listed = props.get(key)
    return [item for item in listed if is_id_segment(item)] if isinstance(listed, list) else []


def _versions(files: Iterable[PackagedFile], group_ids: Mapping[str, str]) -> dict[str, str | None]:
    """The current version of each packaged file that exists (by path)."""
    versions: dict[str, str | None] = {}
    listed: dict[str, dict[str, Any]] = {}
    for file in files:
        group_id = group_ids.get(file.group_name)
        if group_id is None:
            continue
        if group_id not in listed:
            in_group = _all_in(CONFIGS_PATH, "configs", config_group_id=group_id)
            listed[group_id] = {item["name"]: item for item in in_group}
        if file.name in listed[group_id]:
            versions[file.path] = listed[group_id][file.name].get("version")
    return versions


def _entry(file: PackagedFile, group_id: str) -> dict[str, str]:
    return {
        "path": file.path,
        "name": file.name,
        "type": file.type,
        "config_group_name": file.group_name,
        "config_group_id": group_id,
    }


def _exists(collection: str, object_id: str) -> bool:
    try:
        _client().get(f"{_path(collection)}/{quote(str(object_id), safe='')}")
    except NotFoundError:
        return False
    return True


def _client() -> ApiClient:
    return _runtime.clients().servicestage


def _path(template: str) -> str:
    return template.format(project_id=_runtime.clients().settings.project_id)


def _all_in(template: str, items_key: str, **query: Any) -> Iterator[dict[str, Any]]:
    """Every item of a list operation, for the provider host (lookups use `_lookup.get_all`)."""
    params = {key: value for key, value in query.items() if value is not None}
    yield from _client().paginate(_path(template), items_key, params=params)
