"""The resource configurations of the Terraform provider's ServiceStage acceptance tests, said in
this package's arguments (`corpus_translation`), deployed on the emulator, refreshed without
change, updated to the test's next step where it has one, and deleted without leftovers.

Each step runs as the engine runs it, through `ProviderInProcess` on virtual time: check, then
create; read, then check and diff against the declared inputs; check, diff, then update (or
replace, where the diff says so); delete in reverse order of creation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import pytest
from corpus_translation import (
    Configuration,
    DeclaredResource,
    Names,
    References,
    TranslationError,
    load_corpus,
    translate,
)
from pulumi.dynamic import ResourceProvider

from pulumi_servicestage.emulator.servicestage.configs.backend import ConfigsBackend
from pulumi_servicestage.emulator.servicestage.repo_authorizations.backend import (
    RepoAuthorizationBackend,
)
from pulumi_servicestage.testing import (
    DiffChanges,
    ProviderCallError,
    ProviderInProcess,
    strip_secrets,
)

CORPUS = load_corpus()
#: Configurations this package cannot say yet, and what it lacks, as the translation reports it.
#: Each is checked to fail for exactly that reason: the day support comes, its test fails and
#: the configuration moves to the deployable ones.
NOT_EXPRESSIBLE = {
    # Not in 004 表4-113 nor the SDK's models, though the peer sends it.
    "application_configuration.assign_strategy": "configuration.assign_strategy",
}
DEPLOYABLE = [
    c for c in CORPUS.configurations if not c.expect_error and c.id not in NOT_EXPRESSIBLE
]
REFUSED = [c for c in CORPUS.configurations if c.expect_error]
UNSAID = [c for c in CORPUS.configurations if c.id in NOT_EXPRESSIBLE]
SECRET_KEYS = ["servicestage:accessKey", "servicestage:secretKey"]

_T = TypeVar("_T")


@pytest.fixture
def host(live: Any) -> ProviderInProcess:
    in_process = ProviderInProcess()
    in_process.configure(live.stack_config(), secret_keys=SECRET_KEYS)
    return in_process


@pytest.mark.parametrize("configuration", DEPLOYABLE, ids=lambda c: c.id)
def test_configuration_deploys_refreshes_without_change_and_deletes(
    configuration: Configuration, live: Any, host: ProviderInProcess
) -> None:
    before = inventory(live)
    deployment = Deployment(configuration, host, live)
    register_git_accounts(live, deployment.references)

    deployment.create_all()
    deployment.refresh_shows_no_change()
    next_step = CORPUS.next_step(configuration)
    if next_step is not None and next_step.id not in NOT_EXPRESSIBLE:
        deployment.apply(next_step)
        deployment.refresh_shows_no_change()
    deployment.delete_all()

    assert inventory(live) == before, f"{configuration.id}: the emulator still holds objects"


@pytest.mark.parametrize("configuration", UNSAID, ids=lambda c: c.id)
def test_configuration_not_yet_expressible_fails_for_the_recorded_reason(
    configuration: Configuration, live: Any, host: ProviderInProcess
) -> None:
    deployment = Deployment(configuration, host, live)
    subjects = [r for r in configuration.resources if r.alias in configuration.subjects]
    for declared in configuration.resources:
        if declared not in subjects:
            deployment.create(declared)
    for subject in subjects:
        with pytest.raises(TranslationError, match=NOT_EXPRESSIBLE[configuration.id]):
            translate(subject, deployment.references)
    deployment.delete_all()


@pytest.mark.parametrize("configuration", REFUSED, ids=lambda c: c.id)
def test_configuration_the_peer_refuses_is_refused(
    configuration: Configuration, live: Any, host: ProviderInProcess
) -> None:
    before = inventory(live)
    deployment = Deployment(configuration, host, live)
    [subject] = [r for r in configuration.resources if r.alias in configuration.subjects]
    dependencies = [r for r in configuration.resources if r is not subject]

    for declared in dependencies:
        deployment.create(declared)
    message = deployment.create_failure(subject, configuration.expect_error or "")

    # The peer's expected error names the object it could not find; so should this one.
    given = [v for v in deployment.inputs_of(subject).values() if isinstance(v, str)]
    assert any(value in message for value in given), (
        f"{configuration.id}: the refusal names none of {given}: {message}"
    )
    deployment.delete_all()
    assert inventory(live) == before, f"{configuration.id}: the emulator still holds objects"


# -- a deployment ----------------------------------------------------------------------------


@dataclass
class Deployed:
    declared: DeclaredResource
    provider: ResourceProvider
    id: str
    inputs: dict[str, Any]
    outs: dict[str, Any]


class Deployment:
    """The resources of one configuration, as the engine's state would hold them."""

    def __init__(self, configuration: Configuration, host: ProviderInProcess, live: Any):
        self.configuration = configuration
        #: Where failures say they happened: the configuration, or its update to the next step.
        self.stage = configuration.id
        self.host = host
        self.references = References(
            names=Names.for_test(configuration.test, configuration.name_style),
            fixtures=CORPUS.fixtures,
            mapping=CORPUS.mapping,
            runtime_stacks=live.backend.list_runtime_stacks,
        )
        self.deployed: dict[str, Deployed] = {}

    def create_all(self) -> None:
        for declared in self.configuration.resources:
            self.create(declared)

    def create(self, declared: DeclaredResource) -> None:
        provider, checked = self._checked(declared, olds=None)
        created = self._attempt(declared, "create", lambda: self.host.create(provider, checked))
        self._record(Deployed(declared, provider, created.id, checked, created.outs))

    def create_failure(self, declared: DeclaredResource, expected: str) -> str:
        """The provider's error text of a create that the peer's test expects to fail."""
        provider, checked = self._checked(declared, olds=None)
        try:
            created = self.host.create(provider, checked)
        except ProviderCallError as error:
            return provider_error(error)
        self._record(Deployed(declared, provider, created.id, checked, created.outs))
        self._fail(declared, "create", f"succeeded, where the peer fails with /{expected}/")

    def inputs_of(self, declared: DeclaredResource) -> dict[str, Any]:
        self._target(declared)
        return self._attempt(declared, "translate", lambda: translate(declared, self.references))

    def refresh_shows_no_change(self) -> None:
        for alias in self.configuration.subjects:
            self._refresh(self.deployed[alias])

    def apply(self, next_step: Configuration) -> None:
        """Take the deployment to `next_step`, as `pulumi up` with the next step's program."""
        self.stage = f"{self.configuration.id}, updated to its next step {next_step.id}"
        self.configuration = next_step
        wanted = {declared.alias for declared in next_step.resources}
        for alias in reversed(list(self.deployed)):
            if alias not in wanted:
                self._delete(self.deployed.pop(alias))
        for declared in next_step.resources:
            if declared.alias in self.deployed:
                self._change(self.deployed[declared.alias], declared)
            else:
                self.create(declared)

    def delete_all(self) -> None:
        for alias in reversed(list(self.deployed)):
            self._delete(self.deployed.pop(alias))

    # -- steps -----------------------------------------------------------------------------------

    def _checked(
        self, declared: DeclaredResource, olds: Mapping[str, Any] | None
    ) -> tuple[ResourceProvider, dict[str, Any]]:
        provider = self._target(declared)
        inputs = self.inputs_of(declared)
        checked = self._attempt(declared, "check", lambda: self.host.check(provider, olds, inputs))
        if checked.failures:
            self._fail(declared, "check", f"failures {checked.failures}")
        return provider, checked.inputs

    def _refresh(self, resource: Deployed) -> None:
        declared = resource.declared
        read = self._attempt(
            declared,
            "refresh",
            lambda: self.host.read(resource.provider, resource.id, resource.outs, resource.inputs),
        )
        if read.id != resource.id or read.inputs is None:
            self._fail(declared, "refresh", f"read answered id {read.id!r}, inputs {read.inputs}")
        resource.outs, resource.inputs = read.outs, read.inputs
        _, checked = self._checked(declared, olds=read.inputs)
        diff = self._attempt(
            declared,
            "refresh diff",
            lambda: self.host.diff(resource.provider, resource.id, read.outs, checked),
        )
        if diff.changes is not DiffChanges.NONE:
            self._fail(
                declared,
                "refresh diff",
                f"{diff.changes.name} (replaces {diff.replaces}); refreshed and declared inputs "
                f"differ in {differing(read.inputs, checked)}",
            )

    def _change(self, resource: Deployed, declared: DeclaredResource) -> None:
        _, checked = self._checked(declared, olds=resource.inputs)
        diff = self._attempt(
            declared,
            "update diff",
            lambda: self.host.diff(resource.provider, resource.id, resource.outs, checked),
        )
        resource.declared = declared
        if diff.replaces:
            self._replace(resource, checked, delete_first=diff.delete_before_replace)
            return
        if diff.changes is not DiffChanges.NONE:
            resource.outs = self._attempt(
                declared,
                "update",
                lambda: self.host.update(resource.provider, resource.id, resource.outs, checked),
            )
        resource.inputs = checked
        self._record(resource)

    def _replace(self, resource: Deployed, checked: dict[str, Any], *, delete_first: bool) -> None:
        if delete_first:
            self._delete(resource)
        created = self._attempt(
            resource.declared,
            "replace (create)",
            lambda: self.host.create(resource.provider, checked),
        )
        if not delete_first:
            self._delete(resource)
        resource.id, resource.inputs, resource.outs = created.id, checked, created.outs
        self._record(resource)

    def _delete(self, resource: Deployed) -> None:
        self._attempt(
            resource.declared,
            "delete",
            lambda: self.host.delete(resource.provider, resource.id, resource.outs),
        )

    # -- plumbing --------------------------------------------------------------------------------

    def _target(self, declared: DeclaredResource) -> ResourceProvider:
        return self._attempt(
            declared, "translate", lambda: CORPUS.mapping.target(declared.tf_type).provider()
        )

    def _record(self, resource: Deployed) -> None:
        self.deployed[resource.declared.alias] = resource
        self.references.outputs[resource.declared.alias] = (
            resource.declared.tf_type,
            strip_secrets(resource.outs),
        )

    def _attempt(self, declared: DeclaredResource, step: str, call: Callable[[], _T]) -> _T:
        """`call()`, or the test's failure naming the step and the provider's error."""
        try:
            return call()
        except TranslationError as error:
            reason = str(error)
        except ProviderCallError as error:
            reason = provider_error(error)
        # Failed outside the handler, so that the report is not a chain of two exceptions.
        self._fail(declared, step, reason)

    def _fail(self, declared: DeclaredResource, step: str, reason: str) -> NoReturn:
        pytest.fail(
            f"{self.stage}: {declared.alias} ({declared.tf_type}): {step}: {reason}",
            pytrace=False,
        )


def provider_error(error: ProviderCallError) -> str:
    """The exception at the end of the host's traceback: the provider's own words."""
    lines = error.details.rstrip().splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
    tail = lines[frames[-1] + 1 :] if frames else lines
    while tail and tail[0].startswith("    "):  # the frame's source line and its ^^^ markers
        tail = tail[1:]
    return "\n".join(tail)


def differing(refreshed: Mapping[str, Any], declared: Mapping[str, Any]) -> dict[str, Any]:
    refreshed, declared = strip_secrets(refreshed), strip_secrets(declared)
    return {
        key: {"refreshed": refreshed.get(key), "declared": declared.get(key)}
        for key in sorted(set(refreshed) | set(declared))
        if not key.startswith("__") and refreshed.get(key) != declared.get(key)
    }


# -- the emulator ------------------------------------------------------------------------------


def register_git_accounts(live: Any, references: References) -> None:
    """The Git accounts the corpus's authorizations use: the real service checks them with the
    Git host, the emulator with its registered accounts."""
    git = live.emulator.area(RepoAuthorizationBackend)
    for account in CORPUS.git_accounts:
        resolved = references.resolve(account)
        git.add_account(
            resolved["repo_type"],
            resolved["user"],
            token=resolved.get("token"),
            password=resolved.get("password"),
        )


def inventory(live: Any) -> dict[str, list[str]]:
    """Every object the emulator holds, by kind."""
    backend = live.backend
    configs = live.emulator.area(ConfigsBackend)
    git = live.emulator.area(RepoAuthorizationBackend)
    return {
        "environments": [e.name for e in backend.list_environments().items],
        "applications": [a.name for a in backend.list_applications().items],
        "components": [c.name for c in backend.list_components().items],
        "configuration groups": [g.name for g in configs.list_config_groups().items],
        "configuration files": [f.name for f in configs.list_configs().items],
        "runtime stacks": [s["name"] for s in backend.list_runtime_stacks()],
        "repository authorizations": [a.name for a in git.list_authorizations()],
    }
