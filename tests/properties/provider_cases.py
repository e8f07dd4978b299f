"""Every provider of the package, with plausible inputs and the emulator objects they need.

A `Case`'s `inputs` are plausible arguments: derived from the provider's argument model
(`provider_inputs.plausible_model`), with hints where a field must name an object of the
example's setup (`Ref`), one of the emulator's catalogues (runtime stacks, plugins, Git
accounts), or follows a rule of its own. Most pass Check; those that do must be created.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from provider_inputs import (
    BOOLEANS,
    OMIT,
    Hints,
    Package,
    Ref,
    as_given,
    mostly,
    plausible_model,
)
from pulumi.dynamic import ResourceProvider
from pydantic import BaseModel

from pulumi_servicestage._common import Label
from pulumi_servicestage._lifecycle import owner_marker
from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.application_configuration import ApplicationConfigurationProvider
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.component_action import ComponentActionProvider, ComponentRefreshProvider
from pulumi_servicestage.component_spec import ReferResource, Source
from pulumi_servicestage.config_item import ConfigItemProvider
from pulumi_servicestage.configuration import ConfigurationGroupProvider, ConfigurationProvider
from pulumi_servicestage.configuration_import import ConfigurationImportProvider
from pulumi_servicestage.emulator.cse.backend import CseBackend
from pulumi_servicestage.emulator.cse.engines.schemas import EngineRequest
from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)
from pulumi_servicestage.emulator.servicestage.schemas import ComponentSpec, ManagedResource
from pulumi_servicestage.engine_configuration import EngineConfigurationProvider
from pulumi_servicestage.environment import EnvironmentProvider
from pulumi_servicestage.environment_resources import EnvironmentResourcesProvider
from pulumi_servicestage.grayscale_release import GrayscaleReleaseProvider
from pulumi_servicestage.imported_component import ImportedComponentProvider
from pulumi_servicestage.microservice import MicroserviceProvider
from pulumi_servicestage.microservice_engine import MicroserviceEngineProvider
from pulumi_servicestage.plugin import PluginProvider
from pulumi_servicestage.release_plan import ReleaseComponent, ReleasePlanProvider
from pulumi_servicestage.repo_authorization import RepoAuthorizationProvider
from pulumi_servicestage.runtime_stack import RuntimeStackProvider
from pulumi_servicestage.testing import DOCKER_STACK, container_component

Places = Mapping[str, str]


@dataclass(frozen=True)
class Case:
    """A provider, its plausible arguments, and the setup they need in the emulator."""

    name: str
    provider: ResourceProvider
    #: The resource class's name, part of the ownership marker.
    resource_type: str
    #: Plausible arguments, with `Ref`s to the places `setup` makes.
    inputs: st.SearchStrategy[dict[str, Any]]
    #: Makes the objects the arguments refer to in an emptied emulator; returns their ids.
    setup: Callable[[Any], Places]

    @property
    def args_model(self) -> type[BaseModel]:
        return self.provider.args_model

    @property
    def owner(self) -> str:
        """The ownership marker the program sends (resource "resource" of stack shop/dev)."""
        return owner_marker("shop", "dev", self.resource_type, "resource")

    def __repr__(self) -> str:
        return f"Case({self.name})"


class FakePlaces(dict[str, str]):
    """Places for calls that never reach the service: each id made up from its name."""

    def __missing__(self, name: str) -> str:
        return name.removesuffix("_id").replace("_", "-") + "-1"


FAKE_PLACES = FakePlaces()

# -- shared hints ---------------------------------------------------------------------------------

TIMEOUTS = st.fixed_dictionaries(
    {},
    optional={
        "create": as_given((60, 600.5)),
        "update": as_given((60, 600.5)),
        "delete": as_given((60, 600.5)),
    },
)
COMMON: Hints = {"adopt_id": OMIT, "timeouts": TIMEOUTS}

# The emulator's built-in stacks, as a component's `runtime_stack` names them (a "mixed"
# environment takes components of both deploy modes).
STACKS = st.sampled_from(
    [
        DOCKER_STACK,
        {"name": "OpenJDK8", "type": "Java", "version": "1.2.0", "deploy_mode": "container"},
        {"name": "OpenJDK8", "type": "Java", "version": "1.2.0", "deploy_mode": "virtualmachine"},
        {"name": "Tomcat8", "type": "Tomcat", "version": "1.2.0", "deploy_mode": "container"},
        {"name": "Nodejs16", "type": "Nodejs", "version": "1.2.0", "deploy_mode": "container"},
        {"name": "Python3", "type": "Python", "version": "1.1.0", "deploy_mode": "container"},
    ]
)


def _environment_and_application(live: Any) -> dict[str, str]:
    environment = live.backend.create_environment(
        name="env", vpc_id="vpc-1", deploy_mode="mixed", creator="tests"
    )
    application = live.backend.create_application(name="shop", creator="tests")
    return {"environment_id": environment.id, "application_id": application.id}


def _nothing(live: Any) -> dict[str, str]:
    return {}


# Labels of environments and applications, a few or about as many as the service takes (20,
# one of them the ownership marker).
LABELS = st.one_of(
    st.lists(plausible_model(Label, "labels.*", {}), max_size=3),
    st.integers(17, 21).map(
        lambda count: [{"key": f"k{index}", "value": "shop"} for index in range(count)]
    ),
)


def _inputs(provider: ResourceProvider, hints: Hints, **options: Any) -> st.SearchStrategy[Any]:
    return plausible_model(provider.args_model, "", {**COMMON, **hints}, **options)


# -- environments and applications --------------------------------------------------------------

ENVIRONMENT = Case(
    "environment",
    EnvironmentProvider(),
    "Environment",
    _inputs(EnvironmentProvider(), {"labels": LABELS}),
    _nothing,
)

APPLICATION = Case(
    "application",
    ApplicationProvider(),
    "Application",
    _inputs(ApplicationProvider(), {"labels": LABELS}),
    _nothing,
)

VARIABLE_NAMES = ("LOG_LEVEL", "_x", "-a", "a.b", "PORT", "9LIVES", "a b", "x" * 64, "x" * 65)
VARIABLES = st.dictionaries(
    st.sampled_from(VARIABLE_NAMES), st.sampled_from(("debug", "", "8080", "名")), max_size=3
)

APPLICATION_CONFIGURATION = Case(
    "application_configuration",
    ApplicationConfigurationProvider(),
    "ApplicationConfiguration",
    _inputs(
        ApplicationConfigurationProvider(),
        {
            "application_id": st.just(Ref("application_id")),
            "environment_id": st.just(Ref("environment_id")),
            "env": VARIABLES,
            "secret_env": VARIABLES,
        },
    ),
    _environment_and_application,
)


def _environment_with_resources(live: Any) -> dict[str, str]:
    places = _environment_and_application(live)
    managed = [("cce", "cce-1"), ("cse", "cse-1"), ("cce", "cce-9"), ("cse", "cse-9")]
    live.backend.modify_environment_resources(
        places["environment_id"], [ManagedResource(type=kind, id=id_) for kind, id_ in managed]
    )
    return places


ENVIRONMENT_RESOURCES = Case(
    "environment_resources",
    EnvironmentResourcesProvider(),
    "EnvironmentResources",
    _inputs(
        EnvironmentResourcesProvider(),
        {"environment_id": st.just(Ref("environment_id"))},
    ),
    _environment_with_resources,
)

# -- components ---------------------------------------------------------------------------------


def sources(path: str) -> st.SearchStrategy[dict[str, Any]]:
    """A component's `source` in each of the shapes Table 31 describes (an image, a package
    in a repository or behind HTTP, code), with a few more of its fields."""
    urls = mostly(("swr.example.com/shop/web:1", "https://example.com/app.jar", "obs://b/a.zip"))
    shapes = st.one_of(
        st.fixed_dictionaries({"kind": st.just("image"), "storage": st.just("swr"), "url": urls}),
        st.fixed_dictionaries(
            {
                "kind": st.just("package"),
                "storage": st.sampled_from(("obs", "devcloud", "swr")),
                "url": urls,
            }
        ),
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(("package", "image")),
                "storage": st.just("http"),
                "url": urls,
                "http_command": st.just("curl -O https://example.com/app.jar"),
            },
        ).flatmap(
            lambda shape: st.one_of(
                st.just({**shape, "http_username": "deploy", "http_password": "s3cret-Pa55"}),
                st.just({**shape, "http_headers": {"Authorization": "Bearer s3cret-token"}}),
            )
        ),
        st.fixed_dictionaries(
            {
                "kind": st.just("code"),
                "repo_type": st.sampled_from(("GitHub", "gitlab", "BitBucket")),
                "repo_url": st.just("https://github.com/shop/web.git"),
            },
        ),
    )
    # One more field of Table 31 at most; the shape's own fields win.
    extras = plausible_model(Source, path, {f"{path}.kind": st.just("image")}, max_optional=1)
    return st.tuples(extras, shapes).map(lambda parts: {**parts[0], **parts[1]})


COMPONENT_HINTS: Hints = {
    "application_id": st.just(Ref("application_id")),
    "environment_id": st.just(Ref("environment_id")),
    "runtime_stack": STACKS,
    "replica": as_given((1, 2, 3), (0,)),
    "source": sources("source"),
    "multi_containers.*.source": sources("multi_containers.*.source"),
}

COMPONENT = Case(
    "component",
    ComponentProvider(),
    "Component",
    _inputs(ComponentProvider(), COMPONENT_HINTS, max_optional=5),
    _environment_and_application,
)

CCE_CLUSTERS = st.fixed_dictionaries(
    {"id": st.sampled_from(("cce-1", "cce-2")), "type": st.just("cce")},
    optional={
        "parameters": st.fixed_dictionaries(
            {}, optional={"namespace": st.sampled_from(("default", "shop", ""))}
        )
    },
)

IMPORTED_COMPONENT = Case(
    "imported_component",
    ImportedComponentProvider(),
    "ImportedComponent",
    _inputs(
        ImportedComponentProvider(),
        {
            "application_id": st.just(Ref("application_id")),
            "environment_id": st.just(Ref("environment_id")),
            "refer_resources": st.tuples(
                CCE_CLUSTERS,
                st.lists(plausible_model(ReferResource, "refer_resources.*", {}), max_size=1),
            ).map(lambda parts: [parts[0], *parts[1]]),
            "replica": as_given((1, 2, 3), (0,)),
            "workload_name": mostly(("legacy-web", "web", "名"), ("",)),
        },
    ),
    _environment_and_application,
)


def _running_component(live: Any) -> dict[str, str]:
    places = _environment_and_application(live)
    spec = ComponentSpec.model_validate(container_component(places["environment_id"]))
    component = live.backend.create_component(places["application_id"], spec, creator="tests")
    # Jobs take no time in these examples: the component runs at once.
    assert live.backend.show_component(places["application_id"], component.id).status == "RUNNING"
    return {**places, "component_id": component.id}


COMPONENT_ACTION = Case(
    "component_action",
    ComponentActionProvider(),
    "ComponentAction",
    _inputs(
        ComponentActionProvider(),
        {
            "application_id": st.just(Ref("application_id")),
            "component_id": st.just(Ref("component_id")),
            # The tasks a RUNNING container component takes without an earlier release.
            "action": st.sampled_from(("stop", "restart", "scale", "sync_workload")),
            "parameters.replica": as_given((1, 2, 3), (0,)),
        },
    ),
    _running_component,
)

COMPONENT_REFRESH = Case(
    "component_refresh",
    ComponentRefreshProvider(),
    "ComponentRefresh",
    _inputs(
        ComponentRefreshProvider(),
        {
            "application_id": st.just(Ref("application_id")),
            "component_id": st.just(Ref("component_id")),
        },
    ),
    _running_component,
)

RELEASE_COMPONENT_HINTS: Hints = {
    **{f"components.*.{key}": value for key, value in COMPONENT_HINTS.items()},
    "components.*.source": sources("components.*.source"),
    "components.*.multi_containers.*.source": sources("components.*.multi_containers.*.source"),
    # Each entry creates its component: there is none to upgrade.
    "components.*.component_id": OMIT,
    "components.*.create_mode": OMIT,
    "components.*.seq": as_given((1, 2), (0,)),
}

RELEASE_PLAN = Case(
    "release_plan",
    ReleasePlanProvider(),
    "ReleasePlan",
    _inputs(
        ReleasePlanProvider(),
        {
            "components": st.lists(
                plausible_model(ReleaseComponent, "components.*", RELEASE_COMPONENT_HINTS),
                min_size=1,
                max_size=2,
            ),
        },
    ),
    _environment_and_application,
)

# -- runtime stacks, configuration, plugins, Git --------------------------------------------------

RUNTIME_STACK = Case(
    "runtime_stack",
    RuntimeStackProvider(),
    "RuntimeStack",
    _inputs(RuntimeStackProvider(), {"released": BOOLEANS}),
    _nothing,
)

CONFIGURATION_GROUP = Case(
    "configuration_group",
    ConfigurationGroupProvider(),
    "ConfigurationGroup",
    _inputs(ConfigurationGroupProvider(), {}),
    _nothing,
)


def _configuration_group(live: Any) -> dict[str, str]:
    group = live.emulator.area(ConfigsBackend).create_config_group(name="shop", creator="tests")
    return {"config_group_id": group.id}


CONFIGURATION = Case(
    "configuration",
    ConfigurationProvider(),
    "Configuration",
    _inputs(
        ConfigurationProvider(),
        {
            "config_group_id": st.just(Ref("config_group_id")),
            "content": st.sampled_from(("a: 1", "db.password = s3cret", "", "名: 值", "x" * 500)),
        },
    ),
    _configuration_group,
)

PACKAGE_MEMBERS = st.tuples(
    mostly(("shop", "app", "ab", "a" * 64), ("9shop", "a" * 65, "名字")),
    mostly(("shop", "app", "ab", "a" * 64), ("9shop", "a" * 65, "名字")),
    mostly((".yaml", ".yml", ".properties", ".YAML"), (".txt", "")),
    st.sampled_from(("a: 1", "a = 1", "", "名: 值", "\ufeffa: 1")) | st.text(max_size=12),
).map(lambda parts: (f"{parts[0]}/{parts[1]}{parts[2]}", parts[3]))
PACKAGES = st.lists(PACKAGE_MEMBERS, min_size=1, max_size=3).map(
    lambda members: Package(tuple(members))
)

CONFIGURATION_IMPORT = Case(
    "configuration_import",
    ConfigurationImportProvider(),
    "ConfigurationImport",
    # Neither adoption nor timeouts apply to an import.
    _inputs(ConfigurationImportProvider(), {"archive_path": PACKAGES, "timeouts": OMIT}),
    _nothing,
)

PLUGIN = Case(
    "plugin",
    PluginProvider(),
    "Plugin",
    _inputs(
        PluginProvider(),
        {
            "environment_id": st.just(Ref("environment_id")),
            # The one plugin the reference documents, and the environment's engines.
            "name": st.just("sermantInjector"),
            "cce_id": st.sampled_from(("cce-1", "cce-9")),
            "cse_id": st.sampled_from(("cse-1", "cse-9")),
        },
        max_optional=4,
    ),
    _environment_with_resources,
)

GIT_TOKEN = "ghp_7QoYcNLFahSXSbhhuT8R5xHLKe0000006"
GIT_USER, GIT_PASSWORD = "tom-repo", "pa55word"


def _git_accounts(live: Any) -> dict[str, str]:
    git = live.emulator.area(RepoAuthorizationBackend)
    for repo_type in ("github", "gitlab", "gitee"):
        git.add_account(repo_type, GIT_USER, token=GIT_TOKEN)
    for repo_type in ("github", "bitbucket", "devcloud"):
        git.add_account(repo_type, GIT_USER, password=GIT_PASSWORD)
    return {}


AUTHORIZATION_NAMES = ("github-tom", "auth", "a.b-c_d", "abc", "x" * 63, "x" * 64, "名字abc")
REPO_TYPES = st.sampled_from(("github", "gitlab", "gitee", "bitbucket", "devcloud"))
# Self-hosted and public Git hosts, and addresses that are no URL: an unclosed IPv6 address
# and a port past 65535 (Check let them through and the emulator answered 500), no host,
# another scheme; and URL-like text.
GIT_HOSTS = mostly(
    (
        "https://github.com/tom-repo",
        "https://git.example.com:8443",
        "http://10.0.0.1/",
        "https://[fd00::1]:8443/git",
        "https://gitlab.com",
    ),
    ("http://[::1", "https://git.example.com:99999", "http:///git", "ftp://example.com"),
) | st.from_regex(r"\Ahttps?://\S{1,12}\Z")

REPO_AUTHORIZATION = Case(
    "repo_authorization",
    RepoAuthorizationProvider(),
    "RepoAuthorization",
    st.one_of(
        st.fixed_dictionaries(
            {
                "name": st.sampled_from(AUTHORIZATION_NAMES),
                "repo_type": REPO_TYPES,
                "token": st.just(GIT_TOKEN),
            },
            optional={"host": GIT_HOSTS, "timeouts": TIMEOUTS},
        ),
        st.fixed_dictionaries(
            {
                "name": st.sampled_from(AUTHORIZATION_NAMES),
                "repo_type": REPO_TYPES,
                "user": st.just(GIT_USER),
                "password": st.just(GIT_PASSWORD),
            },
            optional={"timeouts": TIMEOUTS},
        ),
    ),
    _git_accounts,
)


def deployment(
    replicas: st.SearchStrategy[Any], kinds: st.SearchStrategy[str]
) -> st.SearchStrategy[dict[str, Any]]:
    """Kubernetes Deployments as a grayscale release's template (numbers come as floats)."""
    container = st.fixed_dictionaries(
        {"name": st.just("web"), "image": st.sampled_from(("swr.example.com/shop/web:2", ""))}
    )
    return st.fixed_dictionaries(
        {
            "apiVersion": st.just("apps/v1"),
            "spec": st.fixed_dictionaries(
                {
                    "template": st.fixed_dictionaries(
                        {
                            "spec": st.fixed_dictionaries(
                                {"containers": st.lists(container, min_size=1, max_size=2)}
                            )
                        }
                    )
                },
                optional={"replicas": replicas},
            ),
        },
        optional={"kind": kinds},
    )


CLUSTER_IDS = mostly(("cce-1", "cce-2", "0a1b2c3d-4e5f-cluster", "c" * 128), ("c" * 129,))

GRAYSCALE_RELEASE = Case(
    "grayscale_release",
    GrayscaleReleaseProvider(),
    "GrayscaleRelease",
    _inputs(
        GrayscaleReleaseProvider(),
        {
            "name": mostly(("web-canary", "abcd", "a" * 64), ("abc", "a" * 65, "web-")),
            "namespace": mostly(("shop", "default", "a" * 63, "0"), ("a" * 64, "Shop", "-a")),
            "service_name": mostly(("web", "web-1", "a" * 63), ("1web", "Web")),
            "deployment_name": mostly(("web", "web.v2", "a" * 253), ("Web", "web.")),
            "version": mostly(("v2", "2.0.0", "v_2", "a" * 63), ("a" * 64, "-v")),
            "type": mostly(("canary", "blue-green"), ("",)),
            "mesh_id": mostly(("mesh-1", "0a1b2c3d-4e5f", "m" * 128), ("m" * 129, "a/b")),
            "cluster_id": CLUSTER_IDS,
            "gray_deployments": st.lists(
                st.fixed_dictionaries(
                    {
                        "cluster_id": CLUSTER_IDS,
                        "template": deployment(
                            st.sampled_from((1, 2, 2.0, 0.0)),
                            mostly(("Deployment",), ("StatefulSet",)),
                        ),
                    }
                ),
                min_size=1,
                max_size=2,
            ),
        },
    ),
    _nothing,
)

MICROSERVICE_ENGINE = Case(
    "microservice_engine",
    MicroserviceEngineProvider(),
    "MicroserviceEngine",
    _inputs(
        MicroserviceEngineProvider(),
        {
            "name": st.from_regex(r"[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]", fullmatch=True),
            "auth_cred": st.fixed_dictionaries({"pwd": st.text(min_size=1, max_size=16)}),
            "az_list": st.lists(
                st.sampled_from(["cn-north-4a", "cn-north-4b", "cn-north-4c", "cn-north-4d"]),
                min_size=1,
                max_size=4,
                unique=True,
            ),
        },
    ),
    _nothing,
)

ENGINE_PASSWORD = "Root-p4ss!word"


def _engine(live: Any) -> dict[str, str]:
    """An engine with security authentication, created and serving."""
    engines = live.emulator.area(CseBackend).engines
    request = EngineRequest.model_validate(
        {
            "name": "cse-props",
            "payment": "1",
            "flavor": "cse.s1.small2",
            "azList": ["cn-north-4a"],
            "authType": "RBAC",
            "auth_cred": {"pwd": ENGINE_PASSWORD},
            "vpc": "vpc-1",
            "vpcId": "vpc-1",
            "networkId": "subnet-1",
            "subnetCidr": "192.168.0.0/24",
            "specType": "CSE2",
        }
    )
    engine = engines.create_engine(request, user_name="tests")
    live.let_pass(live.emulator.jobs.default_duration * 2)
    return {"engine_id": engine.id}


ON_ENGINE: Hints = {
    "engine_id": st.just(Ref("engine_id")),
    "engine_password": st.just(ENGINE_PASSWORD),
}

CONFIG_ITEM = Case(
    "config_item",
    ConfigItemProvider(),
    "ConfigItem",
    _inputs(ConfigItemProvider(), ON_ENGINE),
    _engine,
)

MICROSERVICE = Case(
    "microservice",
    MicroserviceProvider(),
    "Microservice",
    _inputs(MicroserviceProvider(), ON_ENGINE),
    _engine,
)

ENGINE_CONFIGURATION = Case(
    "engine_configuration",
    EngineConfigurationProvider(),
    "EngineConfiguration",
    _inputs(EngineConfigurationProvider(), ON_ENGINE),
    _engine,
)

CASES = (
    ENVIRONMENT,
    APPLICATION,
    COMPONENT,
    ENVIRONMENT_RESOURCES,
    APPLICATION_CONFIGURATION,
    COMPONENT_ACTION,
    COMPONENT_REFRESH,
    IMPORTED_COMPONENT,
    RUNTIME_STACK,
    CONFIGURATION_GROUP,
    CONFIGURATION,
    CONFIGURATION_IMPORT,
    PLUGIN,
    REPO_AUTHORIZATION,
    RELEASE_PLAN,
    GRAYSCALE_RELEASE,
    MICROSERVICE_ENGINE,
    CONFIG_ITEM,
    MICROSERVICE,
    ENGINE_CONFIGURATION,
)


# -- what the properties saw ----------------------------------------------------------------------


@dataclass
class Counts:
    """Examples of one property and provider: tried, refused by Check, created."""

    tried: int = 0
    refused: int = 0
    created: int = 0


#: (property, case name) -> counts, reported at the end of the session.
TALLY: dict[tuple[str, str], Counts] = {}


def counts(prop: str, case: Case) -> Counts:
    return TALLY.setdefault((prop, case.name), Counts())
