"""The decisions of release tasks and grayscale releases, as pure functions of what the service
answered: no emulator, no clock. The providers' waits loop over these."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_servicestage.grayscale_release import (
    ReleaseFailedError,
    runs_version,
    step_done,
    still_going_text,
)
from pulumi_servicestage.release_plan import (
    ReleaseState,
    abort_ended,
    failure_text,
    rollback_ended,
    run_ended,
    still_running_text,
)


def job(name: str, seq: Any, status: str | None, **extra: Any) -> dict[str, Any]:
    """A deploy-info entry (000's deploy-info example: `seq` documented String, sent a number)."""
    return {
        "name": name,
        "seq": seq,
        "id": f"id-{name}",
        "job_id": f"JOB-{name}" if status else None,
        "job_status": status,
        **extra,
    }


def state(
    status: str,
    *jobs: dict[str, Any],
    fail_strategy: str = "stop",
    execute_time: int = 1,
    entries: list[dict[str, Any]] | None = None,
) -> ReleaseState:
    plan = {
        "id": "plan-1",
        "name": "nightly",
        "status": status,
        "fail_strategy": fail_strategy,
        "execute_time": execute_time,
        "components": entries or [],
    }
    return ReleaseState.from_api(plan, {"components": list(jobs)})


# -- reading deploy-info ----------------------------------------------------------------------


def test_deploy_info_seq_is_read_as_a_number_whether_sent_as_string_or_number() -> None:
    read = state(
        "SUCCESS", job("a", "1", "SUCCEEDED"), job("b", 2, "SUCCEEDED"), job("c", "x", None)
    )
    assert [d["seq"] for d in read.deployments] == [1, 2, None]


def test_application_of_an_entry_is_known_unless_two_entries_share_name_and_batch() -> None:
    entries = [
        {"name": "web", "seq": 1, "application_id": "app-1"},
        {"name": "api", "seq": 1, "application_id": "app-1"},
        {"name": "api", "seq": "1", "application_id": "app-2"},
    ]
    read = state("SUCCESS", job("web", 1, "SUCCEEDED"), job("api", 1, "SUCCEEDED"), entries=entries)
    assert [d["application_id"] for d in read.deployments] == ["app-1", None]


def test_released_all_needs_the_task_success_and_every_job_succeeded() -> None:
    assert state("SUCCESS", job("a", 1, "succeeded"), job("b", 2, "SUCCEEDED")).released_all
    assert not state("SUCCESS", job("a", 1, "SUCCEEDED"), job("b", 2, None)).released_all
    assert not state("PARTIALLY_FAILED", job("a", 1, "SUCCEEDED")).released_all


# -- failure texts ----------------------------------------------------------------------------


def test_failure_text__stop_names_the_failed_batch_and_what_it_kept_from_release() -> None:
    read = state(
        "FAILED",
        job("web", 1, "SUCCEEDED"),
        job("api", 2, "FAILED", fail_message="image pull failed"),
        job("worker", 3, None),
    )
    assert failure_text(read) == (
        "release task 'nightly' (plan-1) ended FAILED; component 'api' (batch 2) failed: image "
        "pull failed; with fail_strategy 'stop', batch 2 stopped the release; not released: "
        "'worker' (batch 3)"
    )


def test_failure_text__continue_says_the_other_batches_went_on() -> None:
    read = state(
        "PARTIALLY_FAILED",
        job("api", 1, "FAILED"),
        job("web", 2, "SUCCEEDED"),
        fail_strategy="continue",
    )
    assert failure_text(read) == (
        "release task 'nightly' (plan-1) ended PARTIALLY_FAILED; component 'api' (batch 1) "
        "failed: FAILED; with fail_strategy 'continue', the release went on with the other "
        "batches"
    )


def test_failure_text__an_aborted_task_lists_what_was_not_released() -> None:
    read = state("ABORTED", job("web", 1, "SUCCEEDED"), job("api", 2, None))
    assert failure_text(read) == (
        "release task 'nightly' (plan-1) ended ABORTED; not released: 'api' (batch 2)"
    )


def test_still_running_text_names_running_jobs_waiting_batches_and_the_timeout() -> None:
    read = state("EXECUTING", job("web", 1, "RUNNING"), job("api", 2, None))
    assert still_running_text(read, 600.0, "create") == (
        "release task 'nightly' (plan-1) was still EXECUTING after 600 s; running: 'web' "
        "(batch 1) (job JOB-web, RUNNING); not released yet: 'api' (batch 2); raise this "
        "resource's `timeouts.create` to wait longer"
    )


# -- end of a run -----------------------------------------------------------------------------


def test_run_ended__an_ended_status_from_before_the_execute_is_not_the_new_run() -> None:
    before = state("SUCCESS", job("web", 1, "SUCCEEDED"), execute_time=1)
    ended = run_ended(before)
    # The execute was heard but the task still shows the previous run.
    assert not ended(state("SUCCESS", job("web", 1, "SUCCEEDED"), execute_time=1))
    # A new execution time is the new run, ended once its jobs have.
    assert not ended(state("SUCCESS", job("web", 1, "RUNNING"), execute_time=2))
    assert ended(state("SUCCESS", job("web", 1, "SUCCEEDED"), execute_time=2))


def test_run_ended__a_task_once_seen_busy_has_ended_when_it_shows_an_end_again() -> None:
    before = state("SUCCESS", execute_time=1)
    ended = run_ended(before)
    assert not ended(state("EXECUTING", job("web", 1, "RUNNING"), execute_time=1))
    # The service kept the execution time: having seen the task busy is enough.
    assert ended(state("FAILED", job("web", 1, "FAILED"), execute_time=1))


@pytest.mark.parametrize(
    ("status", "job_status", "ended"),
    [
        ("ABORTED", "SUCCEEDED", True),
        ("ABORTED", "RUNNING", False),
        ("EXECUTING", "SUCCEEDED", False),
        ("FAILED", "CANCELLED", True),
    ],
)
def test_abort_ended_when_the_task_ended_and_no_job_runs(
    status: str, job_status: str, ended: bool
) -> None:
    assert abort_ended(state(status, job("web", 1, job_status))) is ended


@pytest.mark.parametrize(
    ("status", "rollback_status", "ended"),
    [
        ("ROLLBACK_SUCCEED", "SUCCEEDED", True),
        ("ROLLBACK_FAILED", "FAILED", True),
        ("ROLLBACK_SUCCEED", "RUNNING", False),
        ("ROLLBACKING", "SUCCEEDED", False),
        ("FAILED", None, False),
    ],
)
def test_rollback_ended_when_the_rollback_ended_and_no_rollback_job_runs(
    status: str, rollback_status: str | None, ended: bool
) -> None:
    entry = job(
        "web",
        1,
        "FAILED",
        rollback_job_id="JOB-rb" if rollback_status else None,
        rollback_job_status=rollback_status,
    )
    assert rollback_ended(state(status, entry)) is ended


# -- grayscale releases -----------------------------------------------------------------------


def release(phase: str, version: str = "v2", message: str | None = None) -> dict[str, Any]:
    return {"spec": {"version": version}, "status": {"phase": phase, "message": message}}


def test_runs_version__only_a_running_release_of_that_version() -> None:
    assert runs_version(release("Running", "v2"), "v2")
    assert not runs_version(release("Running", "v1"), "v2")
    assert not runs_version(release("Pending", "v2"), "v2")
    assert not runs_version(None, "v2")


def test_step_done__settled_is_done_even_when_gone() -> None:
    assert step_done(None, True, step="delete the release", release_id="r-1")
    assert step_done(release("Running"), True, step="start", release_id="r-1")


def test_step_done__an_unsettled_release_in_progress_is_looked_at_again() -> None:
    assert not step_done(release("Pending"), False, step="start", release_id="r-1")


def test_step_done__a_failed_phase_raises_with_asm_reason() -> None:
    with pytest.raises(ReleaseFailedError) as failed:
        step_done(release("Failed", message="quota"), False, step="start", release_id="r-1")
    assert str(failed.value) == (
        "grayscale release r-1: ASM could not start; its phase became Failed: quota"
    )
    with pytest.raises(ReleaseFailedError, match="ASM gave no reason"):
        step_done(release("failed"), False, step="start", release_id="r-1")


def test_step_done__a_release_gone_before_it_settled_raises() -> None:
    with pytest.raises(ReleaseFailedError, match="r-1 disappeared while ASM was to start"):
        step_done(None, False, step="start", release_id="r-1")


def test_still_going_text_names_the_last_phase_and_the_timeout() -> None:
    text = still_going_text(
        release("Pending"), release_id="r-1", step="start", timeout=90.0, timeout_name="create"
    )
    assert text == (
        "grayscale release r-1 was still Pending 90 s after ASM was asked to start; raise this "
        "resource's `timeouts.create` to wait longer"
    )
    unseen = still_going_text(
        None, release_id="r-1", step="start", timeout=90.0, timeout_name="create"
    )
    assert "still without a phase" in unseen
