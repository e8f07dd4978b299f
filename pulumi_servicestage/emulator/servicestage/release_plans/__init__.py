"""Release tasks of the old release management (`/v3/{project_id}/cas/release-plans`).

A release task lists components, each with its release batch (`seq`) and its full specification.
Executing it releases the batches in ascending order through the project's core backend, so every
component gets a real deploy job and a real component: an entry that names a component
(`component_id`) upgrades it (a modify job), an entry without one creates and deploys a new
component, whose id the task then records in the entry. A batch starts once every job of the
previous one has ended; after a batch in which a component failed, `fail_strategy` `stop` ends
the release and `continue` goes on. A component is made to fail the way any job is, with
``emulator.jobs.plan("FAILED", component_name=...)``.

Where the reference is silent the emulator decides so (the assumptions the provider makes are
listed in `pulumi_servicestage.release_plan`):

* the create body is the edit body (name, desc, fail_strategy, components) and the answer is the
  task as GET shows it; a task starts CREATED, and an edit makes it CREATED again, with the
  entries exactly as sent;
* `fail_strategy` defaults to `stop`; `action` is `upgrade` when every entry names its component
  and `create` otherwise (lanes, and with them `clone`, are not emulated);
* while its batches run a task is RUNNING, during a rollback ROLLBACKING; it ends SUCCESS when
  every component was released, ABORTED when an abort stopped it first, PARTIALLY_FAILED when
  some component was released and FAILED when none was;
* a component operation the core refuses (a changed replica count, a name in use...) fails that
  entry at once, its error message becoming the entry's `fail_message`;
* abort lets the running batch finish and starts no other; rollback deletes the components the
  release created and restores the previous specification of those it upgraded, all at once;
* executing, editing or deleting a busy task (RUNNING, ROLLBACKING) is refused, and so is
  executing a task whose component another running task is releasing; credentials in a
  component's sources (its own, its containers', its template's) are not shown back.
"""
