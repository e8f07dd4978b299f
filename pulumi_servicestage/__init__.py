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
    ".environment": (
        "Environment",
        "EnvironmentArgs",
        "get_environment",
        "get_environment_output",
        "get_environments",
        "get_environments_output",
    ),
    ".environment_resources": (
        "EnvironmentResources",
        "EnvironmentResourcesArgs",
        "get_environment_resources",
        "get_environment_resources_output",
    ),
    ".application": (
        "Application",
        "ApplicationArgs",
        "get_application",
        "get_application_output",
        "get_applications",
        "get_applications_output",
    ),
    ".application_configuration": ("ApplicationConfiguration", "ApplicationConfigurationArgs"),
    ".component": (
        "Component",
        "ComponentArgs",
        "get_component",
        "get_component_output",
        "get_component_records",
        "get_component_records_output",
        "get_components",
        "get_components_output",
        "get_deploy_job",
        "get_deploy_job_output",
    ),
    ".component_action": (
        "ComponentAction",
        "ComponentActionArgs",
        "ComponentRefresh",
        "ComponentRefreshArgs",
    ),
    ".imported_component": ("ImportedComponent", "ImportedComponentArgs"),
    ".runtime_stack": (
        "RuntimeStack",
        "RuntimeStackArgs",
        "get_inner_images",
        "get_inner_images_output",
        "get_runtime_stacks",
        "get_runtime_stacks_output",
    ),
    ".configuration": (
        "Configuration",
        "ConfigurationArgs",
        "ConfigurationGroup",
        "ConfigurationGroupArgs",
        "get_configuration_groups",
        "get_configuration_groups_output",
        "get_configuration_histories",
        "get_configuration_histories_output",
        "get_configuration_history",
        "get_configuration_history_output",
        "get_configurations",
        "get_configurations_output",
    ),
    ".configuration_import": ("ConfigurationImport", "ConfigurationImportArgs"),
    ".plugin": (
        "Plugin",
        "PluginArgs",
        "get_plugin_metadata",
        "get_plugin_metadata_output",
        "get_plugins",
        "get_plugins_output",
    ),
    ".repo_authorization": (
        "RepoAuthorization",
        "RepoAuthorizationArgs",
        "get_repo_authorizations",
        "get_repo_authorizations_output",
    ),
    ".release_plan": (
        "ReleaseError",
        "ReleasePlan",
        "ReleasePlanArgs",
        "get_release_plans",
        "get_release_plans_output",
    ),
    ".config_item": (
        "ConfigItem",
        "ConfigItemArgs",
        "ConfigItemInfo",
        "get_config_items",
        "get_config_items_output",
    ),
    ".engine_configuration": (
        "EngineConfiguration",
        "EngineConfigurationArgs",
    ),
    ".microservice": (
        "find_microservice_instances",
        "find_microservice_instances_output",
        "get_microservice_providers",
        "get_microservice_providers_output",
        "get_microservice_schemas",
        "get_microservice_schemas_output",
        "Microservice",
        "MicroserviceArgs",
        "MicroserviceInfo",
        "MicroserviceInstance",
        "MicroserviceSchema",
        "get_microservice_instances",
        "get_microservice_instances_output",
        "get_microservices",
        "get_microservices_output",
    ),
    ".microservice_engine": (
        "EngineFlavor",
        "MicroserviceEngine",
        "MicroserviceEngineArgs",
        "MicroserviceEngineInfo",
        "get_engine_flavors",
        "get_engine_flavors_output",
        "get_microservice_engine",
        "get_microservice_engine_output",
        "get_microservice_engines",
        "get_microservice_engines_output",
    ),
    ".grayscale_release": (
        "GrayscaleRelease",
        "GrayscaleReleaseArgs",
        "ReleaseFailedError",
        "ReleaseTimeoutError",
        "get_grayscale_releases",
        "get_grayscale_releases_output",
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
    "ComponentRefresh",
    "ComponentRefreshArgs",
    "ConfigItem",
    "ConfigItemArgs",
    "ConfigItemInfo",
    "Configuration",
    "ConfigurationArgs",
    "ConfigurationError",
    "ConfigurationGroup",
    "ConfigurationGroupArgs",
    "ConfigurationImport",
    "ConfigurationImportArgs",
    "EngineConfiguration",
    "EngineConfigurationArgs",
    "EngineFlavor",
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
    "Microservice",
    "MicroserviceArgs",
    "MicroserviceEngine",
    "MicroserviceEngineArgs",
    "MicroserviceEngineInfo",
    "MicroserviceInfo",
    "MicroserviceInstance",
    "MicroserviceSchema",
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
    "find_microservice_instances",
    "find_microservice_instances_output",
    "get_application",
    "get_application_output",
    "get_applications",
    "get_applications_output",
    "get_component",
    "get_component_output",
    "get_component_records",
    "get_component_records_output",
    "get_components",
    "get_components_output",
    "get_config_items",
    "get_config_items_output",
    "get_configuration_groups",
    "get_configuration_groups_output",
    "get_configuration_histories",
    "get_configuration_histories_output",
    "get_configuration_history",
    "get_configuration_history_output",
    "get_configurations",
    "get_configurations_output",
    "get_deploy_job",
    "get_deploy_job_output",
    "get_engine_flavors",
    "get_engine_flavors_output",
    "get_environment",
    "get_environment_output",
    "get_environment_resources",
    "get_environment_resources_output",
    "get_environments",
    "get_environments_output",
    "get_grayscale_releases",
    "get_grayscale_releases_output",
    "get_inner_images",
    "get_inner_images_output",
    "get_microservice_engine",
    "get_microservice_engine_output",
    "get_microservice_engines",
    "get_microservice_engines_output",
    "get_microservice_instances",
    "get_microservice_instances_output",
    "get_microservice_providers",
    "get_microservice_providers_output",
    "get_microservice_schemas",
    "get_microservice_schemas_output",
    "get_microservices",
    "get_microservices_output",
    "get_plugin_metadata",
    "get_plugin_metadata_output",
    "get_plugins",
    "get_plugins_output",
    "get_release_plans",
    "get_release_plans_output",
    "get_repo_authorizations",
    "get_repo_authorizations_output",
    "get_runtime_stacks",
    "get_runtime_stacks_output",
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
    from ._lifecycle import (
        Timeouts,
    )
    from .application import (
        Application,
        ApplicationArgs,
        get_application,
        get_application_output,
        get_applications,
        get_applications_output,
    )
    from .application_configuration import (
        ApplicationConfiguration,
        ApplicationConfigurationArgs,
    )
    from .client.errors import (
        APIStatusError,
        ConfigurationError,
        NotFoundError,
        ServiceStageError,
    )
    from .component import (
        Component,
        ComponentArgs,
        get_component,
        get_component_output,
        get_component_records,
        get_component_records_output,
        get_components,
        get_components_output,
        get_deploy_job,
        get_deploy_job_output,
    )
    from .component_action import (
        ComponentAction,
        ComponentActionArgs,
        ComponentRefresh,
        ComponentRefreshArgs,
    )
    from .config_item import (
        ConfigItem,
        ConfigItemArgs,
        ConfigItemInfo,
        get_config_items,
        get_config_items_output,
    )
    from .configuration import (
        Configuration,
        ConfigurationArgs,
        ConfigurationGroup,
        ConfigurationGroupArgs,
        get_configuration_groups,
        get_configuration_groups_output,
        get_configuration_histories,
        get_configuration_histories_output,
        get_configuration_history,
        get_configuration_history_output,
        get_configurations,
        get_configurations_output,
    )
    from .configuration_import import (
        ConfigurationImport,
        ConfigurationImportArgs,
    )
    from .engine_configuration import (
        EngineConfiguration,
        EngineConfigurationArgs,
    )
    from .environment import (
        Environment,
        EnvironmentArgs,
        get_environment,
        get_environment_output,
        get_environments,
        get_environments_output,
    )
    from .environment_resources import (
        EnvironmentResources,
        EnvironmentResourcesArgs,
        get_environment_resources,
        get_environment_resources_output,
    )
    from .grayscale_release import (
        GrayscaleRelease,
        GrayscaleReleaseArgs,
        ReleaseFailedError,
        ReleaseTimeoutError,
        get_grayscale_releases,
        get_grayscale_releases_output,
    )
    from .imported_component import (
        ImportedComponent,
        ImportedComponentArgs,
    )
    from .jobs import (
        JobFailedError,
        JobTimeoutError,
    )
    from .microservice import (
        Microservice,
        MicroserviceArgs,
        MicroserviceInfo,
        MicroserviceInstance,
        MicroserviceSchema,
        find_microservice_instances,
        find_microservice_instances_output,
        get_microservice_instances,
        get_microservice_instances_output,
        get_microservice_providers,
        get_microservice_providers_output,
        get_microservice_schemas,
        get_microservice_schemas_output,
        get_microservices,
        get_microservices_output,
    )
    from .microservice_engine import (
        EngineFlavor,
        MicroserviceEngine,
        MicroserviceEngineArgs,
        MicroserviceEngineInfo,
        get_engine_flavors,
        get_engine_flavors_output,
        get_microservice_engine,
        get_microservice_engine_output,
        get_microservice_engines,
        get_microservice_engines_output,
    )
    from .plugin import (
        Plugin,
        PluginArgs,
        get_plugin_metadata,
        get_plugin_metadata_output,
        get_plugins,
        get_plugins_output,
    )
    from .release_plan import (
        ReleaseError,
        ReleasePlan,
        ReleasePlanArgs,
        get_release_plans,
        get_release_plans_output,
    )
    from .repo_authorization import (
        RepoAuthorization,
        RepoAuthorizationArgs,
        get_repo_authorizations,
        get_repo_authorizations_output,
    )
    from .runtime_stack import (
        RuntimeStack,
        RuntimeStackArgs,
        get_inner_images,
        get_inner_images_output,
        get_runtime_stacks,
        get_runtime_stacks_output,
    )
