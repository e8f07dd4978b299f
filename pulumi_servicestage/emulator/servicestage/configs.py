"""Configuration groups and configuration files, with their version history (API reference §4.5).

Where the reference leaves behaviour open, the emulator decides so, and says so here:

* group names are unique in a project and file names unique in a group (the user guide: unique in
  an enterprise project; the import's same-name policy); a clash is 400 ``SVCSTG.00100400``, the
  only client-error status these operations document;
* a project holds at most 100 groups (the user guide's limit);
* a group that still holds files is not deleted (400), like an application with components;
* every create, modify or import of a file adds a version (``v1``, ``v2``...) to its history,
  which also lists the current version; a history entry can be deleted, the file stays;
* an import creates the groups its folders name when they do not exist; without a
  ``repetition_policy``, a file that already exists fails the whole import, and nothing changes;
* modify, history and import answers carry a body, so they are 200 where the reference's
  tables say 204 (an HTTP 204 answer has no body);
* files are bound to no component (the emulator's components have no configuration files), so
  ``components`` is always empty and the ``component_id`` filter matches nothing.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import Field
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.formparser import parse_form_data

from ..errors import INSTANCE_NOT_FOUND, PARAMETER_INVALID
from ..server import ApiCall, ApiResponse, Route
from .models import NAME_PATTERN, Page, ServiceStageBackend, page_of
from .request_parsing import RequestBody, list_options, parse_body

MAX_GROUPS = 100
MAX_PACKAGE_BYTES = 500 * 1024
MAX_PACKAGE_FILES = 500
# File name extensions of an import package and the configuration type each stands for.
PACKAGE_TYPES = {".yaml": "yaml", ".yml": "yaml", ".properties": "properties"}

ConfigType = Literal["yaml", "properties"]
RepetitionPolicy = Literal["covered", "skip"]
_REPETITION_POLICIES: dict[str, RepetitionPolicy] = {"covered": "covered", "skip": "skip"}


@dataclass
class ConfigGroup:
    id: str
    project_id: str
    name: str
    description: str
    creator: str
    create_time: int
    sequence: int
    files: dict[str, ConfigFile] = field(default_factory=dict)

    @property
    def update_time(self) -> int:
        # Groups cannot be modified; `order_by=update_time` sorts them by creation.
        return self.create_time

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "project_id": self.project_id,
            "name": self.name,
            "description": self.description,
            "creator": self.creator,
            "create_time": self.create_time,
        }


@dataclass
class ConfigVersion:
    """One entry of a file's history: the file as one create, modify or import left it."""

    id: str
    config_id: str
    group_id: str
    config_name: str
    version: int
    type: str
    content: str
    description: str
    sensitive: bool
    creator: str
    create_time: int
    sequence: int

    @property
    def name(self) -> str:
        return self.config_name

    @property
    def update_time(self) -> int:
        return self.create_time

    def to_dict(self) -> dict[str, Any]:
        return {
            "config_history_id": self.id,
            "config_id": self.config_id,
            "content": self.content,
            "type": self.type,
            "version": f"v{self.version}",
            "create_time": self.create_time,
            "components": [],
            "creator": self.creator,
            "group_id": self.group_id,
            "config_name": self.config_name,
            "description": self.description,
            "sensitive": self.sensitive,
        }


@dataclass
class ConfigFile:
    id: str
    project_id: str
    group: ConfigGroup
    name: str
    type: str
    content: str
    description: str
    sensitive: bool
    creator: str
    create_time: int
    update_time: int
    sequence: int
    version: int = 0
    history: dict[str, ConfigVersion] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "config_group_id": self.group.id,
            "name": self.name,
            "description": self.description,
            "type": self.type,
            "content": self.content,
            "version": f"v{self.version}",
            "project_id": self.project_id,
            "sensitive": self.sensitive,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "components": [],
            "creator": self.creator,
        }


@dataclass(frozen=True)
class PackagedFile:
    """A configuration file found in an import package."""

    group_name: str
    name: str
    type: str
    content: str


class ConfigsBackend:
    """Configuration groups and files of one project; methods are named after the operations."""

    def __init__(self, core: ServiceStageBackend):
        self._core = core
        self._groups: dict[str, ConfigGroup] = {}

    def reset(self) -> None:
        with self._core.current_state():
            self._groups.clear()

    # Groups (§4.5.1, §4.5.2, §4.5.12, §4.5.13)

    def create_config_group(
        self, *, name: str, creator: str, description: str | None = None
    ) -> ConfigGroup:
        with self._core.current_state():
            return self._add_group(name, creator, description)

    def list_config_groups(
        self,
        *,
        name: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[ConfigGroup]:
        with self._core.current_state():
            matching = [group for group in self._groups.values() if name in (None, group.name)]
            return page_of(matching, order_by=order_by, order=order, limit=limit, offset=offset)

    def show_config_group(self, config_group_id: str) -> ConfigGroup:
        with self._core.current_state():
            return self._group(config_group_id)

    def delete_config_group(self, config_group_id: str) -> None:
        with self._core.current_state():
            group = self._group(config_group_id)
            if group.files:
                raise PARAMETER_INVALID.error(
                    f"config group {group.name} still holds configuration files, delete them "
                    f"first: {_names(group.files.values())}"
                )
            del self._groups[config_group_id]

    # Files (§4.5.3 to §4.5.8)

    def create_config(
        self,
        *,
        config_group_id: str,
        name: str,
        type: str,
        content: str,
        sensitive: bool,
        creator: str,
        description: str | None = None,
    ) -> ConfigFile:
        with self._core.current_state():
            group = self._group(config_group_id)
            self._check_file_name_free(group, name)
            return self._add_file(group, name, type, content, sensitive, creator, description)

    def import_configs(
        self, package: bytes, *, creator: str, repetition_policy: RepetitionPolicy | None = None
    ) -> dict[str, int]:
        """Create (or cover, or skip) the files of a zip package; answers the counts."""
        packaged = read_package(package)
        with self._core.current_state():
            groups = {group.name: group for group in self._groups.values()}
            existing = [
                entry
                for entry in packaged
                if entry.group_name in groups
                and _file_named(groups[entry.group_name], entry.name) is not None
            ]
            if existing and repetition_policy is None:
                names = ", ".join(f"{entry.group_name}/{entry.name}" for entry in existing)
                raise PARAMETER_INVALID.error(
                    f"configuration files already exist: {names}; set repetition_policy to "
                    "covered or skip"
                )
            new_groups = sorted({entry.group_name for entry in packaged} - set(groups))
            if len(self._groups) + len(new_groups) > MAX_GROUPS:
                raise PARAMETER_INVALID.error(
                    f"the package needs {len(new_groups)} new config groups, but a project "
                    f"holds at most {MAX_GROUPS}"
                )
            for group_name in new_groups:
                groups[group_name] = self._add_group(group_name, creator, None)
            covered = 0
            for entry in packaged:
                group = groups[entry.group_name]
                current = _file_named(group, entry.name)
                if current is None:
                    self._add_file(
                        group, entry.name, entry.type, entry.content, False, creator, None
                    )
                elif repetition_policy == "covered":
                    self._new_version(
                        current, type=entry.type, content=entry.content, creator=creator
                    )
                    covered += 1
            skipped = len(existing) - covered
            return {"covered_num": covered, "skip_num": skipped, "total_num": len(packaged)}

    def list_configs(
        self,
        *,
        name: str | None = None,
        config_group_id: str | None = None,
        component_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[ConfigFile]:
        with self._core.current_state():
            matching = [
                file
                for group in self._groups.values()
                if config_group_id in (None, group.id)
                for file in group.files.values()
                if name in (None, file.name) and component_id is None
            ]
            return page_of(matching, order_by=order_by, order=order, limit=limit, offset=offset)

    def show_config(self, config_id: str) -> ConfigFile:
        with self._core.current_state():
            return self._file(config_id)

    def modify_config(
        self,
        config_id: str,
        *,
        config_group_id: str,
        type: str,
        content: str,
        creator: str,
        description: str | None = None,
        sensitive: bool | None = None,
    ) -> ConfigFile:
        """Write a new version of a file; a `config_group_id` other than its own moves it there."""
        with self._core.current_state():
            file = self._file(config_id)
            target = self._group(config_group_id)
            if target is not file.group:
                self._check_file_name_free(target, file.name)
                del file.group.files[file.id]
                target.files[file.id] = file
                file.group = target
            self._new_version(
                file,
                type=type,
                content=content,
                creator=creator,
                description=description,
                sensitive=sensitive,
            )
            return file

    def delete_config(self, config_id: str) -> None:
        with self._core.current_state():
            file = self._file(config_id)
            del file.group.files[file.id]

    # History (§4.5.9 to §4.5.11)

    def list_config_histories(
        self,
        config_id: str,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "create_time",
        order: str = "desc",
    ) -> Page[ConfigVersion]:
        with self._core.current_state():
            versions = self._file(config_id).history.values()
            return page_of(versions, order_by=order_by, order=order, limit=limit, offset=offset)

    def show_config_history(self, config_id: str, config_history_id: str) -> ConfigVersion:
        with self._core.current_state():
            return self._version(config_id, config_history_id)

    def delete_config_history(self, config_id: str, config_history_id: str) -> None:
        with self._core.current_state():
            self._version(config_id, config_history_id)
            del self._file(config_id).history[config_history_id]

    # Helpers; callers hold the state lock

    def _add_group(self, name: str, creator: str, description: str | None) -> ConfigGroup:
        if any(group.name == name for group in self._groups.values()):
            raise PARAMETER_INVALID.error(f"config group name {name} is already used")
        if len(self._groups) >= MAX_GROUPS:
            raise PARAMETER_INVALID.error(f"a project holds at most {MAX_GROUPS} config groups")
        group = ConfigGroup(
            id=str(uuid.uuid4()),
            project_id=self._core.project_id,
            name=name,
            description=description or "",
            creator=creator,
            create_time=self._core.now_ms(),
            sequence=self._core.next_sequence(),
        )
        self._groups[group.id] = group
        return group

    def _add_file(
        self,
        group: ConfigGroup,
        name: str,
        type: str,
        content: str,
        sensitive: bool,
        creator: str,
        description: str | None,
    ) -> ConfigFile:
        now = self._core.now_ms()
        file = ConfigFile(
            id=str(uuid.uuid4()),
            project_id=self._core.project_id,
            group=group,
            name=name,
            type=type,
            content=content,
            description=description or "",
            sensitive=sensitive,
            creator=creator,
            create_time=now,
            update_time=now,
            sequence=self._core.next_sequence(),
        )
        group.files[file.id] = file
        self._record_version(file, creator)
        return file

    def _new_version(
        self,
        file: ConfigFile,
        *,
        type: str,
        content: str,
        creator: str,
        description: str | None = None,
        sensitive: bool | None = None,
    ) -> None:
        file.type = type
        file.content = content
        if description is not None:
            file.description = description
        if sensitive is not None:
            file.sensitive = sensitive
        file.update_time = self._core.now_ms()
        self._record_version(file, creator)

    def _record_version(self, file: ConfigFile, creator: str) -> None:
        file.version += 1
        entry = ConfigVersion(
            id=str(uuid.uuid4()),
            config_id=file.id,
            group_id=file.group.id,
            config_name=file.name,
            version=file.version,
            type=file.type,
            content=file.content,
            description=file.description,
            sensitive=file.sensitive,
            creator=creator,
            create_time=file.update_time,
            sequence=self._core.next_sequence(),
        )
        file.history[entry.id] = entry

    def _check_file_name_free(self, group: ConfigGroup, name: str) -> None:
        if _file_named(group, name) is not None:
            raise PARAMETER_INVALID.error(
                f"configuration file name {name} is already used in config group {group.name}"
            )

    def _group(self, config_group_id: str) -> ConfigGroup:
        group = self._groups.get(config_group_id)
        if group is None:
            raise INSTANCE_NOT_FOUND.error(f"config group {config_group_id}")
        return group

    def _file(self, config_id: str) -> ConfigFile:
        for group in self._groups.values():
            if config_id in group.files:
                return group.files[config_id]
        raise INSTANCE_NOT_FOUND.error(f"configuration file {config_id}")

    def _version(self, config_id: str, config_history_id: str) -> ConfigVersion:
        version = self._file(config_id).history.get(config_history_id)
        if version is None:
            raise INSTANCE_NOT_FOUND.error(f"configuration file history {config_history_id}")
        return version


def _file_named(group: ConfigGroup, name: str) -> ConfigFile | None:
    return next((file for file in group.files.values() if file.name == name), None)


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


class _ConfigGroupCreate(RequestBody):
    name: str = Field(pattern=NAME_PATTERN)
    description: str | None = Field(None, max_length=256)


class _ConfigCreate(RequestBody):
    config_group_id: str = Field(min_length=1)
    name: str = Field(pattern=NAME_PATTERN)
    content: str
    type: ConfigType
    sensitive: bool
    description: str | None = Field(None, max_length=128)


class _ConfigModify(RequestBody):
    config_group_id: str = Field(min_length=1)
    content: str
    type: ConfigType
    description: str | None = Field(None, max_length=128)
    sensitive: bool | None = None


class ConfigsApi:
    """The configuration management operations (§4.5.1 to §4.5.13), one handler each."""

    def __init__(self, backend_for: Callable[[str], ConfigsBackend]):
        self._backend_for = backend_for

    def routes(self) -> list[Route]:
        cas = "/v3/<project_id>/cas"
        group = f"{cas}/config-groups/<config_group_id>"
        config = f"{cas}/configs/<config_id>"
        history = f"{config}/histories/<config_history_id>"
        return [
            Route("POST", f"{cas}/config-groups", self.create_config_group),
            Route("GET", f"{cas}/config-groups", self.list_config_groups),
            Route("GET", group, self.show_config_group),
            Route("DELETE", group, self.delete_config_group),
            Route("POST", f"{cas}/configs", self.create_config),
            Route("POST", f"{cas}/configs/import", self.import_configs),
            Route("GET", f"{cas}/configs", self.list_configs),
            Route("GET", config, self.show_config),
            Route("PUT", config, self.modify_config),
            Route("DELETE", config, self.delete_config),
            Route("GET", f"{config}/histories", self.list_config_histories),
            Route("GET", history, self.show_config_history),
            Route("DELETE", history, self.delete_config_history),
        ]

    def create_config_group(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_ConfigGroupCreate, call)
        group = self._backend(call).create_config_group(
            name=body.name, description=body.description, creator=call.user_name
        )
        return ApiResponse(200, group.to_dict())

    def list_config_groups(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_config_groups(
            name=call.query.get("name"), **list_options(call)
        )
        return ApiResponse(
            200, {"config_groups": [group.to_dict() for group in page.items], "count": page.count}
        )

    def show_config_group(self, call: ApiCall) -> ApiResponse:
        group = self._backend(call).show_config_group(call.path_params["config_group_id"])
        return ApiResponse(200, group.to_dict())

    def delete_config_group(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_config_group(call.path_params["config_group_id"])
        return ApiResponse(204)

    def create_config(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_ConfigCreate, call)
        file = self._backend(call).create_config(
            config_group_id=body.config_group_id,
            name=body.name,
            type=body.type,
            content=body.content,
            sensitive=body.sensitive,
            description=body.description,
            creator=call.user_name,
        )
        return ApiResponse(200, file.to_dict())

    def import_configs(self, call: ApiCall) -> ApiResponse:
        form, files = _multipart_form(call)
        upload = files.get("upload_file")
        if upload is None:
            raise PARAMETER_INVALID.error("upload_file: a zip package is required")
        requested = form.get("repetition_policy") or None
        policy = _REPETITION_POLICIES.get(requested) if requested else None
        if requested and policy is None:
            raise PARAMETER_INVALID.error("repetition_policy: must be covered or skip")
        counts = self._backend(call).import_configs(
            upload.read(), creator=call.user_name, repetition_policy=policy
        )
        return ApiResponse(200, counts)

    def list_configs(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_configs(
            name=call.query.get("name"),
            config_group_id=call.query.get("config_group_id"),
            component_id=call.query.get("component_id"),
            **list_options(call),
        )
        return ApiResponse(
            200, {"configs": [file.to_dict() for file in page.items], "count": page.count}
        )

    def show_config(self, call: ApiCall) -> ApiResponse:
        return ApiResponse(
            200, self._backend(call).show_config(call.path_params["config_id"]).to_dict()
        )

    def modify_config(self, call: ApiCall) -> ApiResponse:
        body = parse_body(_ConfigModify, call)
        file = self._backend(call).modify_config(
            call.path_params["config_id"],
            config_group_id=body.config_group_id,
            type=body.type,
            content=body.content,
            description=body.description,
            sensitive=body.sensitive,
            creator=call.user_name,
        )
        return ApiResponse(200, file.to_dict())

    def delete_config(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_config(call.path_params["config_id"])
        return ApiResponse(204)

    def list_config_histories(self, call: ApiCall) -> ApiResponse:
        page = self._backend(call).list_config_histories(
            call.path_params["config_id"], **list_options(call)
        )
        return ApiResponse(
            200, {"histories": [entry.to_dict() for entry in page.items], "count": page.count}
        )

    def show_config_history(self, call: ApiCall) -> ApiResponse:
        entry = self._backend(call).show_config_history(
            call.path_params["config_id"], call.path_params["config_history_id"]
        )
        return ApiResponse(200, entry.to_dict())

    def delete_config_history(self, call: ApiCall) -> ApiResponse:
        self._backend(call).delete_config_history(
            call.path_params["config_id"], call.path_params["config_history_id"]
        )
        return ApiResponse(204)

    def _backend(self, call: ApiCall) -> ConfigsBackend:
        return self._backend_for(call.project_id)


def _multipart_form(call: ApiCall) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
    if not call.content_type.startswith("multipart/form-data"):
        raise PARAMETER_INVALID.error("Content-Type: must be multipart/form-data")
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": call.content_type,
        "CONTENT_LENGTH": str(len(call.body)),
        "wsgi.input": io.BytesIO(call.body),
    }
    _, form, files = parse_form_data(environ)
    return form, files


def _names(items: Iterable[ConfigFile]) -> str:
    return ", ".join(sorted(item.name for item in items))
