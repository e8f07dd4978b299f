"""Deletes of one collection's objects waiting at once share list calls (`jobs.SHARED_READS`):
a failed list only delays the waits, and a collection that is gone has no objects left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_servicestage._lifecycle import ObjectRef
from pulumi_servicestage.client import clock
from pulumi_servicestage.client.errors import APIStatusError, NotFoundError, ServiceStageError
from pulumi_servicestage.component import ComponentProvider
from pulumi_servicestage.emulator import Emulator
from pulumi_servicestage.jobs import SHARED_READS
from pulumi_servicestage.testing import VirtualClock

PROVIDER = ComponentProvider()
REF = ObjectRef({"application_id": "app-1", "component_id": "c-1"})


def status_error(status: int) -> APIStatusError:
    kind = NotFoundError if status == 404 else APIStatusError
    return kind(
        status_code=status,
        method="GET",
        path="/components",
        error_code=None,
        error_msg=None,
        request_id=None,
    )


class ListingClient:
    """Answers the component list with the scripted answers, one per call."""

    def __init__(self, answers: list[object]) -> None:
        self.answers = answers
        self.lists = 0

    def paginate(self, path: str, items_key: str) -> Iterator[dict[str, str]]:
        answer = self.answers[min(self.lists, len(self.answers) - 1)]
        self.lists += 1
        if isinstance(answer, Exception):
            raise answer
        yield from answer  # type: ignore[misc]

    def get(self, path: str) -> object:
        raise AssertionError("with another wait on the collection, no object is read alone")


@pytest.fixture
def waiting_beside_another(monkeypatch: pytest.MonkeyPatch) -> Iterator[ListingClient]:
    PROVIDER.configure(ConfigureRequest(Config(Emulator.stack_config("http://127.0.0.1:9"), "t")))
    client = ListingClient([])
    monkeypatch.setattr(ComponentProvider, "client", lambda self: client)
    other = SHARED_READS.waiting((id(client), PROVIDER.collection_of(REF)))
    with clock.use(VirtualClock()), other:
        yield client


@pytest.mark.parametrize(
    "answers",
    [
        [[{"id": "c-1"}], status_error(503), []],  # listed, a 503, then no longer listed
        [[{"id": "c-1"}], status_error(404)],  # the application went too
    ],
    ids=["503-then-unlisted", "collection-gone"],
)
def test_a_shared_wait_ends_once_the_object_is_unlisted(waiting_beside_another, answers):
    waiting_beside_another.answers = answers

    # The wait itself is the subject: no delete is sent.
    PROVIDER._wait_until_gone(REF, timeout=60)

    assert waiting_beside_another.lists == len(answers)


def test_a_shared_wait_still_listing_the_object_times_out(waiting_beside_another):
    waiting_beside_another.answers = [[{"id": "c-1"}]]

    with pytest.raises(ServiceStageError, match="still exists 30 s after it was deleted"):
        PROVIDER._wait_until_gone(REF, timeout=30)
