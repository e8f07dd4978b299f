"""Pulumi resources for Huawei Cloud ServiceStage, as Python dynamic providers.

Settings come from the stack configuration (``servicestage:*``) or the environment; see
`pulumi_servicestage.config`. The local emulator of the APIs is `pulumi_servicestage.emulator`.

The names below are imported on first use: the provider host unpickles one provider class per
resource type, and importing the package should not cost it every other module.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "._lifecycle": ("Timeouts",),
    ".client.errors": (
        "APIStatusError",
        "ConfigurationError",
        "NotFoundError",
        "ServiceStageError",
    ),
    ".jobs": ("JobFailedError", "JobTimeoutError"),
    ".environment": ("Environment", "EnvironmentArgs", "get_environments"),
    ".environment_resources": (
        "EnvironmentResources",
        "EnvironmentResourcesArgs",
        "get_environment_resources",
    ),
    ".application": ("Application", "ApplicationArgs", "get_applications"),
    ".application_configuration": ("ApplicationConfiguration", "ApplicationConfigurationArgs"),
    ".component": (
        "Component",
        "ComponentArgs",
        "get_component_records",
        "get_components",
        "get_deploy_job",
    ),
    ".component_action": ("ComponentAction", "ComponentActionArgs"),
    ".imported_component": ("ImportedComponent", "ImportedComponentArgs"),
    ".runtime_stack": (
        "RuntimeStack",
        "RuntimeStackArgs",
        "get_inner_images",
        "get_runtime_stacks",
    ),
    ".configuration": (
        "Configuration",
        "ConfigurationArgs",
        "ConfigurationGroup",
        "ConfigurationGroupArgs",
        "get_configuration_groups",
        "get_configuration_histories",
        "get_configuration_history",
        "get_configurations",
    ),
    ".configuration_import": ("ConfigurationImport", "ConfigurationImportArgs"),
    ".plugin": ("Plugin", "PluginArgs", "get_plugin_metadata", "get_plugins"),
    ".repo_authorization": (
        "RepoAuthorization",
        "RepoAuthorizationArgs",
        "get_repo_authorizations",
    ),
    ".release_plan": ("ReleaseError", "ReleasePlan", "ReleasePlanArgs", "get_release_plans"),
    ".grayscale_release": (
        "GrayscaleRelease",
        "GrayscaleReleaseArgs",
        "ReleaseFailedError",
        "ReleaseTimeoutError",
        "get_grayscale_releases",
    ),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

# Written out, not computed, so that type checkers see what the package exports.
__all__ = [
    "APIStatusError",
    "Application",
    "ApplicationArgs",
    "ApplicationConfiguration",
    "ApplicationConfigurationArgs",
    "Component",
    "ComponentAction",
    "ComponentActionArgs",
    "ComponentArgs",
    "Configuration",
    "ConfigurationArgs",
    "ConfigurationError",
    "ConfigurationGroup",
    "ConfigurationGroupArgs",
    "ConfigurationImport",
    "ConfigurationImportArgs",
    "Environment",
    "EnvironmentArgs",
    "EnvironmentResources",
    "EnvironmentResourcesArgs",
    "GrayscaleRelease",
    "GrayscaleReleaseArgs",
    "ImportedComponent",
    "ImportedComponentArgs",
    "JobFailedError",
    "JobTimeoutError",
    "NotFoundError",
    "Plugin",
    "PluginArgs",
    "ReleaseError",
    "ReleaseFailedError",
    "ReleasePlan",
    "ReleasePlanArgs",
    "ReleaseTimeoutError",
    "RepoAuthorization",
    "RepoAuthorizationArgs",
    "RuntimeStack",
    "RuntimeStackArgs",
    "ServiceStageError",
    "Timeouts",
    "__version__",
    "get_applications",
    "get_component_records",
    "get_components",
    "get_configuration_groups",
    "get_configuration_histories",
    "get_configuration_history",
    "get_configurations",
    "get_deploy_job",
    "get_environment_resources",
    "get_environments",
    "get_grayscale_releases",
    "get_inner_images",
    "get_plugin_metadata",
    "get_plugins",
    "get_release_plans",
    "get_repo_authorizations",
    "get_runtime_stacks",
]

# The one place the version is written: pyproject.toml reads it from here.
__version__ = "0.1.0"


if not TYPE_CHECKING:
    # Hidden from type checkers: a module `__getattr__` would make them take any name as an
    # export, misspelled ones included. They see the imports below instead.

    def __getattr__(name: str) -> Any:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(module, __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from ._lifecycle import Timeouts
    from .application import Application, ApplicationArgs, get_applications
    from .application_configuration import ApplicationConfiguration, ApplicationConfigurationArgs
    from .client.errors import (
        APIStatusError,
        ConfigurationError,
        NotFoundError,
        ServiceStageError,
    )
    from .component import (
        Component,
        ComponentArgs,
        get_component_records,
        get_components,
        get_deploy_job,
    )
    from .component_action import ComponentAction, ComponentActionArgs
    from .configuration import (
        Configuration,
        ConfigurationArgs,
        ConfigurationGroup,
        ConfigurationGroupArgs,
        get_configuration_groups,
        get_configuration_histories,
        get_configuration_history,
        get_configurations,
    )
    from .configuration_import import ConfigurationImport, ConfigurationImportArgs
    from .environment import Environment, EnvironmentArgs, get_environments
    from .environment_resources import (
        EnvironmentResources,
        EnvironmentResourcesArgs,
        get_environment_resources,
    )
    from .grayscale_release import (
        GrayscaleRelease,
        GrayscaleReleaseArgs,
        ReleaseFailedError,
        ReleaseTimeoutError,
        get_grayscale_releases,
    )
    from .imported_component import ImportedComponent, ImportedComponentArgs
    from .jobs import JobFailedError, JobTimeoutError
    from .plugin import Plugin, PluginArgs, get_plugin_metadata, get_plugins
    from .release_plan import ReleaseError, ReleasePlan, ReleasePlanArgs, get_release_plans
    from .repo_authorization import (
        RepoAuthorization,
        RepoAuthorizationArgs,
        get_repo_authorizations,
    )
    from .runtime_stack import (
        RuntimeStack,
        RuntimeStackArgs,
        get_inner_images,
        get_runtime_stacks,
    )
