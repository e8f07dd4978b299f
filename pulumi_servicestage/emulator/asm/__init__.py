"""ASM (Application Service Mesh) grayscale releases, ``/v2/meshes/{mesh_id}/...releases``.

A release is a grayscale version of one workload (Deployment) of a mesh's service, running next
to the original version. Its phase moves over time on the emulator's clock, each step taking as
long as a deploy job (`JobBackend.default_duration`):

========================  =====================================================================
create (POST)             ``Creating``, then ``Running``
change version (PUT)      ``Updating``, then ``Running``
cancel / end (DELETE)     ``Canceling`` / ``Ending``, then the release is gone (404)
planned failure           the step ends in ``Failed`` instead, with ``status.message`` saying why
========================  =====================================================================

The reference documents neither the phase names, nor the ``action`` values of a delete (taken
as ``cancel``: the original version takes all traffic back; ``end``: the grayscale version takes
it all), nor a PUT body (taken as the Release object, of which only ``spec.version`` and
``spec.grayDeployments`` may change), nor ``status.message``; these are the emulator's choices.
Meshes are not modelled: any mesh id is accepted. A namespace's release names are unique, and a
workload is in at most one release at a time (409 ``ASM.01010003``).

The paths carry no project: API Gateway scopes them by ``X-Project-Id`` or the token (see
`auth.CredentialStore.authenticate`). Errors are ASM's ``{"errorCode", "errorMsg"}``.

Control routes, without authentication, to make coming steps fail:

=======  ======================================================  ================================
POST     /_emulator/projects/{project_id}/asm/release-failures   body ``{"operation": "create",
                                                                 "message": "...",
                                                                 "release_name": null}``
GET      /_emulator/projects/{project_id}/asm/release-failures   ``{"failures": [...]}``
DELETE   /_emulator/projects/{project_id}/asm/release-failures   drop the planned failures; 204
=======  ======================================================  ================================

In Python: ``emulator.area(AsmBackend).plan_failure("create", message=...)``; and
``ended_releases()`` tells which version took all traffic when each release went.
"""
