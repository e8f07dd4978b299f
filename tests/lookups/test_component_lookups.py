"""Lookups of a component's release records and of deploy jobs, called from a program that also
runs a component task."""

import pulumi

from pulumi_servicestage.component import (
    ComponentRecord,
    DeployJob,
    get_component_records,
    get_deploy_job,
)
from pulumi_servicestage.component_action import ComponentAction
from pulumi_servicestage.testing import ProviderMocks


def test_lookups__records_and_jobs_of_a_component(live, deployed_component):
    application_id, component_id = deployed_component.values()
    deploy_job_id = live.backend.show_component(application_id, component_id).last_job_id

    found = {}

    def program():
        rollout = ComponentAction(
            "rollout",
            application_id=application_id,
            component_id=component_id,
            action="scale",
            parameters={"replica": 3},
        )
        found["records"] = get_component_records(application_id, component_id)
        found["deploy_job"] = get_deploy_job(deploy_job_id)
        scale_job = rollout.job_id.apply(get_deploy_job)
        pulumi.export("scale_job_type", scale_job.apply(lambda job: job.job.job_type))
        pulumi.export("scale_task", scale_job.apply(lambda job: job.tasks[1].task_name))
        pulumi.export("scale_status", rollout.job_status)

    exports = ProviderMocks(live.stack_config()).run(program)

    [record] = found["records"]
    assert isinstance(record, ComponentRecord)
    assert (record.instance_id, record.version, record.status) == (
        component_id,
        "1.0.0",
        "SUCCEEDED",
    )
    assert record.current_used is True
    assert [job.job_id for job in record.jobs] == [deploy_job_id]
    assert record.jobs[0].job_info is not None and record.jobs[0].job_info.replica == 2
    deploy_job = found["deploy_job"]
    assert isinstance(deploy_job, DeployJob)
    assert (deploy_job.job.job_id, deploy_job.job.execution_status) == (deploy_job_id, "SUCCEEDED")
    assert [task.task_status for task in deploy_job.tasks] == ["SUCCEEDED"] * 3
    assert exports == {
        "scale_job_type": "DAILY_OPERATION",
        "scale_task": "CCEAPP_SCALE_002",
        "scale_status": "SUCCEEDED",
    }


def test_get_component_records__ordered(live, deployed_component):
    application_id, component_id = deployed_component.values()
    spec = live.backend.show_component(application_id, component_id).spec
    live.backend.modify_component(
        application_id, component_id, spec.model_copy(update={"version": "1.0.1"})
    )

    def program():
        for order in ("asc", "desc"):
            records = get_component_records(application_id, component_id, order=order)
            pulumi.export(order, [record.version for record in records])
        pulumi.export(
            "default", [r.version for r in get_component_records(application_id, component_id)]
        )

    exports = ProviderMocks(live.stack_config()).run(program)

    assert exports["asc"] == ["1.0.0", "1.0.1"]
    assert exports["desc"] == exports["default"] == ["1.0.1", "1.0.0"]
