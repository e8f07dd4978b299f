"""CSE engine management, ``/v2/{project_id}/enginemgr/...`` (004 §6.3): the flavor catalogue,
exclusive engines, and the jobs that create and delete them.

A create or delete answers ``{"id", "name", "jobId"}`` and starts a job of three stages
(表6-65 TaskSteps, one task each) that share the job's duration (`JobBackend.default_duration`,
as deploy jobs) on the emulator's clock; the engine's ``status`` follows its job:

================  ==========================================================================
create            ``Creating``, then ``Available``; a planned failure: ``CreateFailed``
delete            ``Deleting``, then the engine is gone (``SVCSTG.00501116``, also for its
                  jobs); a planned failure: ``DeleteFailed``
job ``status``    ``Executing``, then ``Finished`` or ``Error``; stages and tasks go ``Init``,
                  ``Executing``, ``Finished``; a failing one ends ``Error`` with the planned
                  message as its task's ``log``, the stages after it stay ``Init``
planned hang      the job stays ``Executing`` in its working (second) stage, and so does the
                  engine's ``Creating`` or ``Deleting``
================  ==========================================================================

An engine's service-center and configuration-center addresses (``externalEntrypoint
.serviceEndpoint.serviceCenter`` and ``.kie``, 表6-53; the list's ``serviceEndpoint``) are the
emulator's own URL + ``/_engines/{project_id}/{engine_id}`` (see `cse`), once the engine is
created; ``externalAddress`` is the emulator's host. `EngineBackend.engine_access` tells the
engine's own APIs whether it serves (Available, or DeleteFailed) and whether they need a token
(``authType`` RBAC with ``authConfig.sdkAuthEnabled``, which is on when authConfig is left out;
the password is ``auth_cred.pwd``).

Where the documents leave behaviour open, the emulator decides:

- Error bodies are ``{"error_code", "error_msg", "detail"}`` with the codes and messages of
  表11-2 (all 400), ``detail`` saying what exactly is wrong. 004 prints the fields as
  errorCode, errorMessage and detail; CSE's current create and retry pages print error_code and
  error_msg, Terraform's provider reads error_code for SVCSTG.00501116, and it is the spelling
  the official SDK reads. A body breaking a rule of ``payment``, ``flavor``, ``azList`` or
  ``specType`` gets that field's code of 表11-2 (00501103, 00501104, 00501105, 00501134); any
  other broken rule or malformed request gets the table's general parameter code
  ``SVCSTG.00500400``, answered 400 (the table gives it a 500, but each §6.3 operation
  answers a bad request with 400, and the emulator's 500s are its own faults).
- ``status`` takes the values of CSE's current detail page (004 lists none); deletion is
  refused (``SVCSTG.00501117``) while Creating or Deleting, the states 表11-2 asks to wait out.
  ``engineAdditionalActions`` is ``["Delete"]`` when the engine can be deleted, else empty.
- Both spec types (CSE, CSE2) offer the four flavors of 表6-38; a flavor's instance count is
  the engine's ``serviceLimit``, ``instanceLimit`` and ``totalInstance``. The flavors query
  is read as ``specType`` (表6-20) or ``spec_type`` (what the SDK sends); absent, it is not
  required (表6-20 marks it optional, though 00501134's message reads "left blank").
- ``azList`` holds 1 to 3 zones (00501105's "1-3"); each zone gets one node of the engine's
  CCE cluster (``cceSpec``, ``vmIds``), whose addresses, and the subnet gateway, are the
  subnet's first hosts.
- The list is newest first; ``offset`` skips engines, ``limit`` bounds the page (absent: all);
  ``type`` CSE lists every engine (all are exclusive), CSE_SHARE none.
- An engine's enterprise project is the create's ``X-Enterprise-Project-ID`` header (表6-37),
  else the body's ``enterpriseProject`` (the SDK's EngineCreateReq), else ``0``/``default``;
  its name is the body's, else ``default`` for ``0``, else empty (enterprise projects are not
  modelled). The header of other operations filters nothing. Names are unique in a project
  (``SVCSTG.00501111``); no engine quota (00501112) is kept.
- A new engine runs its spec type's latest version (CSE2 ``2.3.3``, CSE ``1.3.0``); job, task
  and ``cceSpec`` ids are integers from one project-wide sequence.

Control routes, without authentication, to plan coming jobs:

=======  ===========================================================  ========================
POST     /_emulator/projects/{project_id}/cse/engine-job-plans         body ``{"operation":
                                                                       "create", "outcome":
                                                                       "FAILED", "message":
                                                                       "...", "engine_name":
                                                                       null}``; outcome FAILED
                                                                       (default) or HANG
GET      /_emulator/projects/{project_id}/cse/engine-job-plans         ``{"plans": [...]}``
DELETE   /_emulator/projects/{project_id}/cse/engine-job-plans         drop the plans; 204
=======  ===========================================================  ========================

In Python: ``emulator.area(CseBackend).engines.plan("create", "FAILED", message=...)``,
``planned()``, ``clear_plans()``.
"""
