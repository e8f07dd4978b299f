"""Property: Read answers any id and any old state, garbage included, without crashing.

A refresh hands Read the recorded outputs, which an older version of the package, a hand-edited
state or an interrupted run may have left in any shape. Read must answer a ReadResult, or raise
only a one-line ServiceStageError (a malformed id, an unreadable state), against the emulator.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from provider_inputs import ODD_STRINGS, garbage
from pulumi.dynamic import Config, ConfigureRequest, ReadResult

from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.application_configuration import ApplicationConfigurationProvider
from pulumi_servicestage.client.errors import ServiceStageError
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.component_action import ComponentActionProvider, ComponentRefreshProvider
from pulumi_servicestage.configuration import ConfigurationGroupProvider, ConfigurationProvider
from pulumi_servicestage.configuration_import import ConfigurationImportProvider
from pulumi_servicestage.environment import EnvironmentProvider
from pulumi_servicestage.environment_resources import EnvironmentResourcesProvider
from pulumi_servicestage.grayscale_release import GrayscaleReleaseProvider
from pulumi_servicestage.imported_component import ImportedComponentProvider
from pulumi_servicestage.plugin import PluginProvider
from pulumi_servicestage.release_plan import ReleasePlanProvider
from pulumi_servicestage.repo_authorization import RepoAuthorizationProvider
from pulumi_servicestage.runtime_stack import RuntimeStackProvider

PROVIDERS = [
    ApplicationProvider,
    ApplicationConfigurationProvider,
    ComponentProvider,
    ComponentActionProvider,
    ComponentRefreshProvider,
    ConfigurationGroupProvider,
    ConfigurationProvider,
    ConfigurationImportProvider,
    EnvironmentProvider,
    EnvironmentResourcesProvider,
    GrayscaleReleaseProvider,
    ImportedComponentProvider,
    PluginProvider,
    ReleasePlanProvider,
    RepoAuthorizationProvider,
    RuntimeStackProvider,
]
# Keys a recorded state holds besides the arguments: outputs of one provider or another.
STATE_KEYS = (
    "configurations",
    "created_configuration_ids",
    "created_config_group_ids",
    "owned_resources",
    "job_id",
    "status",
    "deploy_info",
    "__owner",
)
ID_PARTS = st.sampled_from(("a", "env-1", "0" * 32, "x.y_z", "..", "", *ODD_STRINGS))
READ = settings(max_examples=60, deadline=None, derandomize=True, database=None)


def ids() -> st.SearchStrategy[str]:
    return st.lists(ID_PARTS, min_size=1, max_size=4).map("/".join)


@pytest.mark.parametrize("provider_class", PROVIDERS, ids=lambda cls: cls.__name__)
def test_read_answers_any_id_and_state(served_emulator: Any, provider_class: type) -> None:
    provider = provider_class()
    provider.configure(ConfigureRequest(Config(served_emulator.stack_config(), "test")))
    keys = st.sampled_from((*provider.args_model.model_fields, *STATE_KEYS))
    states = st.dictionaries(keys, garbage(keys), max_size=5)

    @READ
    @given(resource_id=ids(), state=states)
    def reads(resource_id: str, state: dict[str, Any]) -> None:
        try:
            result = provider.read(resource_id, state)
        except ServiceStageError as refused:
            assert "\n" not in str(refused)
            assert "please report this" not in str(refused)
            return
        assert isinstance(result, ReadResult)

    reads()
