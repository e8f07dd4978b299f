"""ComponentRefresh: PUT .../components/{id}/refresh (§4.3.10) on create and on a change of its
triggers; refresh reads whether its component still exists; delete leaves the component."""

from __future__ import annotations

import pytest

from pulumi_servicestage.component_action import ComponentRefreshProvider
from pulumi_servicestage.testing import DiffChanges, ProviderCallError

PROVIDER = ComponentRefreshProvider()
REFRESH = "PUT /v3/{project_id}/cas/applications/{application_id}/components/{component_id}/refresh"


def refreshes(live) -> int:
    return live.emulator.request_counts().get(REFRESH, 0)


def test_lifecycle__refreshes_on_create_and_on_new_triggers_only(host, live, deployed_component):
    inputs = {**deployed_component, "triggers": ["v1"]}
    checked = host.check(PROVIDER, None, inputs)
    assert checked.failures == []
    created = host.create(PROVIDER, checked.inputs)
    assert (
        created.id == f"{deployed_component['application_id']}/{deployed_component['component_id']}"
    )
    assert refreshes(live) == 1

    unchanged = host.diff(PROVIDER, created.id, created.outs, checked.inputs)
    assert unchanged.changes is DiffChanges.NONE
    again = {**checked.inputs, "triggers": ["v2"]}
    changed = host.diff(PROVIDER, created.id, created.outs, again)
    assert (changed.changes, changed.replaces) == (DiffChanges.SOME, [])
    host.update(PROVIDER, created.id, created.outs, again)
    assert refreshes(live) == 2

    other = {**again, "component_id": "3f2b8c1e-5d4a-4e6b-9a7c-1d2e3f4a5b6c"}
    assert host.diff(PROVIDER, created.id, created.outs, other).replaces == ["component_id"]

    host.delete(PROVIDER, created.id, created.outs)
    assert live.backend.show_component(**deployed_component).name


def test_read__gone_with_its_component(host, live, deployed_component):
    created = host.create(PROVIDER, dict(deployed_component))
    assert host.read(PROVIDER, created.id, created.outs).id == created.id

    live.backend.delete_component(**deployed_component)
    live.let_pass(1)

    assert host.read(PROVIDER, created.id, created.outs).id == ""


def test_create__a_missing_component_is_a_404(host, deployed_component):
    missing = {**deployed_component, "component_id": "3f2b8c1e-5d4a-4e6b-9a7c-1d2e3f4a5b6c"}
    with pytest.raises(ProviderCallError) as raised:
        host.create(PROVIDER, missing)
    assert "404" in raised.value.details
