"""The rules of configuration management in one project: unique names, the group limit, file
versions and their history, and imports of packages."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from ...errors import INSTANCE_NOT_FOUND, PARAMETER_INVALID
from ..backend import Page, ServiceStageBackend, page_of
from .schemas import RepetitionPolicy, read_package
from .state import ConfigFile, ConfigGroup, ConfigVersion

MAX_GROUPS = 100


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


def _names(items: Iterable[ConfigFile]) -> str:
    return ", ".join(sorted(item.name for item in items))
