"""What `pulumi up` shows when a provider call fails: the package's message on one line, not the
host's traceback (`_host.ReadableTracebacks`); a bug keeps its traceback."""

from __future__ import annotations

import pytest

from pulumi_servicestage._host import ReadableTracebacks
from pulumi_servicestage.application import ApplicationProvider
from pulumi_servicestage.client.errors import ServiceStageError
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.testing import DOCKER_STACK, ProviderCallError, ProviderHost

pytestmark = pytest.mark.real_time


def shown(raised: pytest.ExceptionInfo[ProviderCallError]) -> list[str]:
    return raised.value.details.strip().splitlines()


def component(place: tuple[str, str], **extra: object) -> dict[str, object]:
    environment_id, application_id = place
    return {
        "application_id": application_id,
        "environment_id": environment_id,
        "name": "web",
        "version": "1.0.0",
        "replica": 1,
        "runtime_stack": DOCKER_STACK,
        "source": {"kind": "image", "storage": "swr", "url": "swr.example.com/org/web:1"},
        "refer_resources": [{"id": "cce-1", "type": "cce"}],
        **extra,
    }


def test_a_failed_job_is_one_line(live, place):
    live.emulator.jobs.plan("FAILED", operation="create_component", message="image pull failed")
    with ProviderHost() as host:
        host.configure(live.stack_config())
        with pytest.raises(ProviderCallError) as raised:
            host.create(ComponentProvider(), component(place))

    [line] = shown(raised)
    assert "ended FAILED" in line
    assert "image pull failed" in line


def test_a_timeout_is_one_line_saying_what_to_raise(live, place):
    live.emulator.jobs.plan(operation="create_component", duration=30)
    with ProviderHost() as host:
        host.configure(live.stack_config())
        with pytest.raises(ProviderCallError) as raised:
            host.create(ComponentProvider(), component(place, timeouts={"create": 1}))

    [line] = shown(raised)
    assert "was still RUNNING after 1 s" in line
    assert "timeouts" in line


def test_a_wrong_secret_key_is_one_line_saying_what_to_check(live):
    with ProviderHost() as host:
        host.configure({**live.stack_config(), "servicestage:secretKey": "wrong"})
        with pytest.raises(ProviderCallError) as raised:
            host.create(ApplicationProvider(), {"name": "shop"})

    [line] = shown(raised)
    assert line.startswith("401 ")
    assert "check the credentials: servicestage:accessKey and servicestage:secretKey" in line


def test_the_package_s_errors_are_their_message_without_the_chain():
    try:
        try:
            raise ConnectionResetError("peer reset")
        except ConnectionResetError as cause:
            raise ServiceStageError("POST /v3/p/cas/applications: could not reach") from cause
    except ServiceStageError:
        text = ReadableTracebacks().format_exc()

    assert text == "POST /v3/p/cas/applications: could not reach"


def test_a_bug_keeps_its_traceback():
    try:
        {}["missing"]
    except KeyError:
        text = ReadableTracebacks().format_exc()

    assert text.startswith("Traceback (most recent call last):")
    assert text.rstrip().endswith("KeyError: 'missing'")
