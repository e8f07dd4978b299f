"""Configuration groups, files and imports, driven through the real provider host."""

import zipfile

import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from pulumi_servicestage.client.errors import APIStatusError, ServiceStageError
from pulumi_servicestage.configuration import ConfigurationGroupProvider, ConfigurationProvider
from pulumi_servicestage.configuration_import import ConfigurationImportProvider
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

GROUP = ConfigurationGroupProvider()
CONFIG = ConfigurationProvider()
IMPORT = ConfigurationImportProvider()
SECRET = "db.password = s3cret-Pa55word"


def checked(host, provider, inputs):
    """The inputs as the engine keeps them: after `check`, which may add defaults."""
    outcome = host.check(provider, None, inputs)
    assert outcome.failures == []
    return outcome.inputs


def create(host, provider, inputs):
    return host.create(provider, checked(host, provider, inputs))


def plain(outs):
    """Outputs with secrets unwrapped, as the engine hands them back to the provider."""
    return {k: unwrap_rpc_secret(v) if is_rpc_secret(v) else v for k, v in outs.items()}


@pytest.fixture
def configs(live):
    return live.emulator.area(ConfigsBackend)


@pytest.fixture
def group(configs):
    return configs.create_config_group(name="shop", creator="tests")


@pytest.fixture
def file_inputs(group):
    return {
        "config_group_id": group.id,
        "name": "app",
        "type": "properties",
        "content": SECRET,
        "description": "shop settings",
    }


# -- groups ---------------------------------------------------------------------------------------


def test_group_check__reports_each_failure_by_property_path(host):
    failures = dict(host.check(GROUP, None, {"name": "9shop", "description": "d" * 257}).failures)

    assert set(failures) == {"name", "description"}
    assert "starting with a letter" in failures["name"]
    assert "at most 256" in failures["description"]


def test_group_lifecycle__create_replace_delete(host, configs):
    created = create(host, GROUP, {"name": "shop", "description": "first"})

    assert created.outs["config_group_id"] == created.id
    assert configs.show_config_group(created.id).description == "first"
    assert created.outs["creator"] == "emulator-user"
    unchanged = host.diff(GROUP, created.id, created.outs, {"name": "shop", "description": "first"})
    assert unchanged.changes is DiffChanges.NONE

    # No modify operation: a new description is a new group, and the name has to be freed first.
    described = host.diff(GROUP, created.id, created.outs, {"name": "shop", "description": "2nd"})
    assert (described.replaces, described.delete_before_replace) == (["description"], True)
    renamed = host.diff(GROUP, created.id, created.outs, {"name": "shop2", "description": "first"})
    assert (renamed.replaces, renamed.delete_before_replace) == (["name"], False)
    # Timeouts are the provider's own: an in-place update that sends nothing.
    timeouts = {"name": "shop", "description": "first", "timeouts": {"delete": 60}}
    assert host.diff(GROUP, created.id, created.outs, timeouts).replaces == []
    updated = host.update(GROUP, created.id, created.outs, timeouts)
    assert updated["timeouts"] == {"delete": 60.0}

    host.delete(GROUP, created.id, updated)
    assert configs.list_config_groups().items == []


def test_group_read__refresh_after_out_of_band_deletion(host, configs):
    created = create(host, GROUP, {"name": "shop"})
    refreshed = host.read(GROUP, created.id, created.outs, {"name": "shop"})
    assert refreshed.inputs == {"name": "shop"}

    configs.delete_config_group(created.id)

    assert host.read(GROUP, created.id, created.outs, {"name": "shop"}).id == ""
    host.delete(GROUP, created.id, created.outs)  # already gone: success


def test_group_create__adopts_an_existing_group(host, configs):
    existing = configs.create_config_group(name="shop", description="made by hand", creator="x")

    adopted = create(host, GROUP, {"name": "shop", "adopt_id": existing.id})

    assert adopted.id == existing.id
    assert len(configs.list_config_groups().items) == 1


def test_group_create__adopting_a_group_that_differs_says_it_cannot_change(host, configs):
    existing = configs.create_config_group(name="shop", description="made by hand", creator="x")

    with pytest.raises(ProviderCallError) as raised:
        create(host, GROUP, {"name": "shop", "description": "other", "adopt_id": existing.id})

    assert "description is 'made by hand', the arguments say 'other'" in raised.value.details
    assert "cannot be changed on an existing configuration group" in raised.value.details


def test_group_read__get_of_an_existing_group(host, configs):
    existing = configs.create_config_group(name="shop", description="d", creator="x")

    got = host.read(GROUP, existing.id, None, {})

    assert (got.outs["name"], got.outs["description"]) == ("shop", "d")


def test_group_delete__refused_while_it_holds_files(host, configs):
    created = create(host, GROUP, {"name": "shop"})
    configs.create_config(
        config_group_id=created.id,
        name="app",
        type="yaml",
        content="a: 1",
        sensitive=False,
        creator="x",
    )

    with pytest.raises(ProviderCallError, match="still holds configuration files"):
        host.delete(GROUP, created.id, created.outs)


# -- files ---------------------------------------------------------------------------------------


def test_file_check__reports_each_failure_by_property_path(host, group):
    bad = {
        "config_group_id": group.id,
        "name": "app.yaml",
        "type": "json",
        "sensitive": "perhaps",
        "description": "d" * 129,
    }

    failures = dict(host.check(CONFIG, None, bad).failures)

    assert set(failures) == {"name", "type", "content", "sensitive", "description"}
    assert "'yaml' or 'properties'" in failures["type"]
    assert failures["content"] == "Field required"


def test_file_lifecycle__create_modify_replace_delete(host, configs, group, file_inputs):
    created = create(host, CONFIG, file_inputs)

    assert created.outs["config_id"] == created.id
    assert (created.outs["version"], created.outs["sensitive"]) == ("v1", False)
    stored = configs.show_config(created.id)
    assert (stored.content, stored.description) == (SECRET, "shop settings")
    olds = plain(created.outs)
    unchanged = host.diff(CONFIG, created.id, olds, checked(host, CONFIG, file_inputs))
    assert unchanged.changes is DiffChanges.NONE

    changed = checked(
        host, CONFIG, {**file_inputs, "type": "yaml", "content": "db: {}", "sensitive": True}
    )
    in_place = host.diff(CONFIG, created.id, olds, changed)
    assert (in_place.changes, in_place.replaces) == (DiffChanges.SOME, [])
    updated = plain(host.update(CONFIG, created.id, olds, changed))
    assert (updated["version"], updated["type"], updated["sensitive"]) == ("v2", "yaml", True)
    assert configs.show_config(created.id).content == "db: {}"
    assert [entry.version for entry in configs.list_config_histories(created.id).items] == [2, 1]

    # Leaving the description out clears it, instead of keeping the old one.
    undescribed = {k: v for k, v in changed.items() if k != "description"}
    host.update(CONFIG, created.id, updated, checked(host, CONFIG, undescribed))
    assert configs.show_config(created.id).description == ""

    for field, value in (("name", "app2"), ("config_group_id", "other-group")):
        replaced = host.diff(CONFIG, created.id, updated, {**changed, field: value})
        assert (replaced.replaces, replaced.delete_before_replace) == ([field], False)

    host.delete(CONFIG, created.id, updated)
    assert configs.list_configs().items == []
    host.delete(CONFIG, created.id, updated)  # already gone: success


def test_file_check__sensitive_defaults_to_false_so_out_of_band_encryption_is_drift(
    host, configs, group, file_inputs
):
    inputs = checked(host, CONFIG, file_inputs)
    assert inputs["sensitive"] is False
    created = host.create(CONFIG, inputs)
    configs.modify_config(
        created.id,
        config_group_id=group.id,
        type="properties",
        content=SECRET,
        sensitive=True,
        creator="x",
    )

    refreshed = host.read(CONFIG, created.id, plain(created.outs), inputs)

    assert host.diff(CONFIG, created.id, plain(refreshed.outs), inputs).changes is DiffChanges.SOME


@pytest.mark.real_time  # it reads the host's own output
def test_file_content__is_secret_in_every_result(host, configs, file_inputs):
    created = create(host, CONFIG, file_inputs)
    updated = host.update(
        CONFIG, created.id, plain(created.outs), {**file_inputs, "content": "x = 2"}
    )
    refreshed = host.read(CONFIG, created.id, plain(updated), file_inputs)
    got = host.read(CONFIG, created.id, None, {})

    for outs in (created.outs, updated, refreshed.outs, refreshed.inputs, got.outs, got.inputs):
        assert is_rpc_secret(outs["content"])
        assert not any(is_rpc_secret(v) for k, v in outs.items() if k != "content")
    assert unwrap_rpc_secret(got.outs["content"]) == "x = 2"
    assert SECRET not in host.stdout + host.stderr


def test_file_read__refresh_shows_out_of_band_changes_as_drift(host, configs, group, file_inputs):
    created = create(host, CONFIG, file_inputs)
    configs.modify_config(
        created.id, config_group_id=group.id, type="properties", content="edited", creator="x"
    )

    refreshed = host.read(CONFIG, created.id, plain(created.outs), file_inputs)

    assert unwrap_rpc_secret(refreshed.inputs["content"]) == "edited"
    assert plain(refreshed.outs)["version"] == "v2"
    inputs = checked(host, CONFIG, file_inputs)
    drift = host.diff(CONFIG, created.id, plain(refreshed.outs), inputs)
    assert (drift.changes, drift.replaces) == (DiffChanges.SOME, [])
    restored = plain(host.update(CONFIG, created.id, plain(refreshed.outs), inputs))
    assert restored["version"] == "v3"
    assert configs.show_config(created.id).content == SECRET


def test_file_read__refresh_after_out_of_band_deletion(host, configs, file_inputs):
    created = create(host, CONFIG, file_inputs)
    configs.delete_config(created.id)

    assert host.read(CONFIG, created.id, plain(created.outs), file_inputs).id == ""


def test_file_create__adopts_an_existing_file_and_applies_the_arguments(
    host, configs, group, file_inputs
):
    existing = configs.create_config(
        config_group_id=group.id,
        name="app",
        type="properties",
        content="old = 1",
        sensitive=False,
        creator="x",
    )

    adopted = create(host, CONFIG, {**file_inputs, "adopt_id": existing.id})

    assert adopted.id == existing.id
    assert configs.show_config(existing.id).content == SECRET
    assert plain(adopted.outs)["version"] == "v2"


def test_file_create__adopting_a_file_of_another_name_is_refused(host, configs, group, file_inputs):
    existing = configs.create_config(
        config_group_id=group.id,
        name="legacy",
        type="properties",
        content="old = 1",
        sensitive=False,
        creator="x",
    )

    with pytest.raises(ProviderCallError) as raised:
        create(host, CONFIG, {**file_inputs, "adopt_id": existing.id})

    assert "name is 'legacy', the arguments say 'app'" in raised.value.details
    assert configs.show_config(existing.id).content == "old = 1"


def test_file_create__errors_name_the_problem_and_never_the_content(host, configs, file_inputs):
    first = create(host, CONFIG, file_inputs)

    with pytest.raises(ProviderCallError) as duplicate:
        create(host, CONFIG, {**file_inputs, "content": SECRET + "\nother = 2"})
    with pytest.raises(ProviderCallError) as missing_group:
        create(host, CONFIG, {**file_inputs, "config_group_id": "no-such-group"})

    assert "400 SVCSTG.00100400" in duplicate.value.details
    assert "name app is already used" in duplicate.value.details
    # Not the file this resource would make: refused, naming the file to adopt.
    assert f"adopt_id={first.id!r}" in duplicate.value.details
    assert "404 SVCSTG.00100412" in missing_group.value.details
    for failure in (duplicate.value, missing_group.value):
        assert "s3cret" not in failure.details


def test_file_errors__quoted_content_is_cut_out():
    content = "user = admin\npassword = hunter2-secret\n"
    echoed = APIStatusError(
        status_code=400,
        method="POST",
        path="/v3/p/cas/configs",
        error_code="SVCSTG.00100400",
        error_msg="parameter invalid: bad line 'password = hunter2-secret'",
        request_id="r1",
    )

    with (
        pytest.raises(ServiceStageError) as raised,
        CONFIG.secrets_kept_out_of_errors({"content": content}),
    ):
        raise echoed

    assert "hunter2" not in str(raised.value)
    assert "bad line '[secret]'" in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_file_errors__an_error_chaining_quoted_content_loses_the_chain():
    content = "password = hunter2-secret"

    with (
        pytest.raises(ServiceStageError) as raised,
        CONFIG.secrets_kept_out_of_errors({"content": content}),
    ):
        try:
            raise ValueError(f"cannot parse {content!r}")
        except ValueError as parse_error:
            raise ServiceStageError("the create failed") from parse_error

    assert str(raised.value) == "the create failed"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_file_errors__other_errors_pass_unchanged():
    original = ServiceStageError("404 SVCSTG.00100412 instance not found")

    with (
        pytest.raises(ServiceStageError) as raised,
        CONFIG.secrets_kept_out_of_errors({"content": "k = v"}),
    ):
        raise original

    assert raised.value is original


# -- imports ---------------------------------------------------------------------------------------


def write_package(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return str(path)


def test_import_check__reports_package_and_argument_problems(host, tmp_path):
    (tmp_path / "notes.txt").write_text("not a zip")
    flat = write_package(tmp_path / "flat.zip", {"app.yaml": "a: 1"})
    good = write_package(tmp_path / "good.zip", {"shop/app.yaml": "a: 1"})

    missing = dict(host.check(IMPORT, None, {"archive_path": str(tmp_path / "none.zip")}).failures)
    not_zip = dict(host.check(IMPORT, None, {"archive_path": str(tmp_path / "notes.txt")}).failures)
    badly_laid_out = dict(host.check(IMPORT, None, {"archive_path": flat}).failures)
    wrong_args = dict(
        host.check(
            IMPORT,
            None,
            {"archive_path": good, "repetition_policy": "overwrite", "adopt_id": "x"},
        ).failures
    )

    assert "cannot read" in missing["archive_path"]
    assert "is not a zip package" in not_zip["archive_path"]
    assert "must sit directly in a folder named after its group" in badly_laid_out["archive_path"]
    assert set(wrong_args) == {"repetition_policy", "adopt_id"}
    assert "cannot be adopted" in wrong_args["adopt_id"]


def test_import_lifecycle__creates_owns_and_deletes_only_what_it_created(
    host, configs, group, tmp_path
):
    existing = configs.create_config(
        config_group_id=group.id,
        name="app",
        type="yaml",
        content="mine: 1",
        sensitive=False,
        creator="x",
    )
    archive = write_package(
        tmp_path / "configs.zip",
        {"shop/app.yaml": "imported: 1", "shop/db.properties": "a = 1", "blog/site.yml": "b: 2"},
    )
    inputs = {"archive_path": archive, "repetition_policy": "skip"}

    created = create(host, IMPORT, inputs)

    outs = created.outs
    assert (outs["total_num"], outs["covered_num"], outs["skip_num"]) == (3.0, 0.0, 1.0)
    assert len(outs["archive_sha256"]) == 64
    by_path = {entry["path"]: entry for entry in outs["configurations"]}
    assert set(by_path) == {"shop/app", "shop/db", "blog/site"}
    assert by_path["shop/app"]["id"] == existing.id
    assert set(outs["created_configuration_ids"]) == {
        by_path["shop/db"]["id"],
        by_path["blog/site"]["id"],
    }
    [blog] = outs["created_config_group_ids"]
    assert configs.show_config_group(blog).name == "blog"
    assert configs.show_config(existing.id).content == "mine: 1"  # skipped

    checked = host.check(IMPORT, None, inputs).inputs
    assert host.diff(IMPORT, created.id, outs, checked).changes is DiffChanges.NONE

    host.delete(IMPORT, created.id, outs)
    assert [file.name for file in configs.list_configs().items] == ["app"]
    assert [g.name for g in configs.list_config_groups().items] == ["shop"]


def test_import_diff__a_moved_package_updates_a_changed_one_replaces(host, configs, tmp_path):
    archive = write_package(tmp_path / "a.zip", {"shop/app.yaml": "a: 1"})
    created = create(host, IMPORT, {"archive_path": archive})
    moved = write_package(tmp_path / "b.zip", {"shop/app.yaml": "a: 1"})
    changed = write_package(tmp_path / "c.zip", {"shop/app.yaml": "a: 2"})

    moved_inputs = host.check(IMPORT, None, {"archive_path": moved}).inputs
    changed_inputs = host.check(IMPORT, None, {"archive_path": changed}).inputs
    policy_inputs = host.check(
        IMPORT, None, {"archive_path": archive, "repetition_policy": "covered"}
    ).inputs

    in_place = host.diff(IMPORT, created.id, created.outs, moved_inputs)
    assert (in_place.changes, in_place.replaces) == (DiffChanges.SOME, [])
    updated = host.update(IMPORT, created.id, created.outs, moved_inputs)
    assert updated["archive_path"] == moved
    assert updated["configurations"] == created.outs["configurations"]

    replaced = host.diff(IMPORT, created.id, updated, changed_inputs)
    assert (replaced.replaces, replaced.delete_before_replace) == (["archive_sha256"], True)
    repoliced = host.diff(IMPORT, created.id, updated, policy_inputs)
    assert repoliced.replaces == ["repetition_policy"]

    # The replacement, as the engine runs it: the old import goes, then the new package comes.
    host.delete(IMPORT, created.id, updated)
    reimported = host.create(IMPORT, changed_inputs)
    [file] = configs.list_configs().items
    assert (file.content, file.id) == ("a: 2", reimported.outs["created_configuration_ids"][0])


def test_import_create__a_package_changed_since_check_is_refused(host, tmp_path):
    archive = tmp_path / "a.zip"
    write_package(archive, {"shop/app.yaml": "a: 1"})
    checked = host.check(IMPORT, None, {"archive_path": str(archive)}).inputs
    write_package(archive, {"shop/app.yaml": "a: 2"})

    with pytest.raises(ProviderCallError, match="changed after it was checked"):
        host.create(IMPORT, checked)


def test_import_read__refresh_follows_out_of_band_deletions(host, configs, tmp_path):
    archive = write_package(tmp_path / "a.zip", {"shop/app.yaml": "a: 1", "shop/db.yaml": "b: 1"})
    created = create(host, IMPORT, {"archive_path": archive})
    app, db = sorted(created.outs["configurations"], key=lambda entry: entry["name"])

    configs.delete_config(app["id"])
    refreshed = host.read(IMPORT, created.id, created.outs, {"archive_path": archive})

    assert refreshed.id == created.id
    assert refreshed.outs["configurations"] == [db]
    assert refreshed.outs["created_configuration_ids"] == [db["id"]]
    assert refreshed.inputs["archive_sha256"] == created.outs["archive_sha256"]

    configs.delete_config(db["id"])
    assert host.read(IMPORT, created.id, refreshed.outs, {"archive_path": archive}).id == ""


def test_import_create__existing_files_without_a_policy_fail_and_change_nothing(
    host, configs, group, tmp_path
):
    configs.create_config(
        config_group_id=group.id,
        name="app",
        type="yaml",
        content="a: 0",
        sensitive=False,
        creator="x",
    )
    archive = write_package(tmp_path / "a.zip", {"shop/app.yaml": "a: 1", "new/db.yaml": "b: 1"})

    with pytest.raises(ProviderCallError) as raised:
        create(host, IMPORT, {"archive_path": archive})

    assert "configuration files already exist: shop/app" in raised.value.details
    assert [g.name for g in configs.list_config_groups().items] == ["shop"]


def test_import_delete__leaves_covered_files_and_groups_others_use(host, configs, group, tmp_path):
    existing = configs.create_config(
        config_group_id=group.id,
        name="app",
        type="yaml",
        content="a: 0",
        sensitive=False,
        creator="x",
    )
    archive = write_package(tmp_path / "a.zip", {"shop/app.yaml": "a: 1", "blog/site.yaml": "b: 1"})
    created = create(host, IMPORT, {"archive_path": archive, "repetition_policy": "covered"})
    [blog] = created.outs["created_config_group_ids"]
    configs.create_config(
        config_group_id=blog,
        name="later",
        type="yaml",
        content="c: 1",
        sensitive=False,
        creator="x",
    )

    host.delete(IMPORT, created.id, created.outs)

    assert configs.show_config(existing.id).content == "a: 1"  # covered, not created: stays
    assert {file.name for file in configs.list_configs().items} == {"app", "later"}
    assert configs.show_config_group(blog).name == "blog"
