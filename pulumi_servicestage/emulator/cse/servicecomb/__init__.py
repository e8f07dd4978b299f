"""What an exclusive microservice engine serves (004 §6.2 and §7), per engine.

On the engine's own address, ``/_engines/{project_id}/{engine_id}`` followed by the documented
path (``{engine_project}`` below is the documents' ``{project_id}`` of those paths, the fixed
value ``default``): its token (§7.2.1, ``POST /v4/token``), its service registry
(``/v4/{engine_project}/registry/...``: microservices §7.3, schemas §7.4, instances §7.5,
providers §7.6.1) and its configuration center (``/v1/{engine_project}/kie/kv``, §7.7). These
routes are not behind API Gateway: no IAM token or signature; the engine checks its own. On the
CSE endpoint, behind the gateway, ``POST /v1/{project_id}/kie/file`` imports configuration items
and ``POST /v1/{project_id}/kie/download`` exports them (§6.2), for the engine the
``x-engine-id`` header names. Modules: `schemas` (request bodies, `REGISTRY_RULES` and
`CONFIG_RULES`), `state` (objects and how the API shows them), `registry` and `config_center`
(one engine's operations), `backend` (the project's engines, tokens, lock and clock),
`responses` (routes), `errors` (each API's error body).

Security authentication. An engine with RBAC (`access.EngineAccess.rbac_enabled`) wants
``Authorization: Bearer {token}`` on every request but the token request; a token is issued to
``root`` with the engine's password, is opaque, belongs to that engine and lasts 12 hours
(表7-2) on the emulator's clock. Without the header: 401 ``401204``; with a token that is
unknown, of another engine or expired: 401 ``401201``; a wrong name or password: 401
``401202``; an engine without RBAC issues no token (404 ``404001``) and ignores the header.

Engines that do not answer. Where the real client would meet a refused connection, the emulator
answers 404 ``EMULATOR.0404`` for an engine that does not exist (what Huawei's Terraform
provider makes of that connection error) and 503 ``EMULATOR.0503`` for one being created or
deleted. Through the CSE endpoint: ``SVCSTG.00501116`` (no such engine, 表11-2),
``SVCSTG.00501149`` (engine not available) and ``SVCSTG.00400100`` (no ``x-engine-id``). An
engine that is gone is forgotten with all it held.

Where the documents leave behaviour open, the emulator decides:

- Each ``{engine_project}`` of an engine is its own namespace, as in ServiceComb; §6.2 works on
  ``default``.
- A microservice registered without them gets appId ``default``, version ``0.0.1``, environment
  ``development`` (表7-29), status ``UP``; a framework without a name is ``UNKNOWN`` (表7-30).
  Registering the same microservice again (environment, appId, serviceName, version) answers its
  id, as ServiceComb's service center does, registering the body's instances to it; another
  serviceId for it, or a serviceId in use, is ``400010``. Black and white list rules are checked
  (表7-32) but not applied to discovery; tags are kept and filter the instance queries. A
  service's or an instance's properties are replaced by each update. A batch delete deletes
  what it can and, if any failed, answers ``400001`` naming each failure.
- A production microservice takes only the schemas it declares, each written once
  (``400014``, ``400015``); others declare the schemas written to them and may rewrite them.
- Heartbeats: an instance registered without ``healthCheck`` gets the examples' push every 30 s,
  3 times; an interval below 5 s is registered as 5 s (表7-34). A push instance is deregistered
  when ``interval * (times + 1)`` seconds pass without a heartbeat (ServiceComb's lease; 120 s
  by default); registration and each heartbeat start it anew. A pull instance is never
  expired: the registry would check it on its port, which the emulator cannot reach.
  Registering again with the instance's own instanceId, or without one but with the same
  endpoints, overwrites that instance (§7.5.1), keeping its ``timestamp``.
- Looking a provider up (§7.5.8, §7.5.9) with ``X-ConsumerId`` records a dependency on the
  provider's environment, appId and serviceName, so every version of it is one of the
  consumer's providers (§7.6.1). A consumer id that names no microservice is ``400012``; so is a
  provider that does not exist. ``noSelf`` follows 表7-150's text (1 shows a dependency on
  itself, 0 leaves it out); ``sameDomain`` is checked only (no shared services here). The
  undocumented ``version`` query of §7.5.8 is not read: every version answers.
- A batch query's ``rev`` is a hash of the answered instances; an entry without serviceId and
  instanceId fails with ``400001``; failures with the same error share one entry.
- Configuration items are unique by key and labels (409 ``409001``). One created without them
  gets value ``""``, status ``disabled`` (servicecomb-kie's; the documents name no status
  values, and any string is kept) and value_type ``text``. Every change counts one revision of
  the engine's configuration; a list with the current revision answers 304. Create, modify and
  show answer the item itself, as the examples and Huawei's Terraform provider read it (表7-161
  wraps it in ``kie``); revisions are spelled ``create_revision``/``update_revision`` as the
  examples and the SDK's GetKieConfigs (the tables print ``*_version``); times are epoch
  seconds. Deleting one answers 200 (the tables; the example shows 204); deleting several
  answers 204, or 404 when no id names an item.
- An import's ``label`` replaces the labels of every item. Items fail alone (``failure``, with
  表11-3's code): key or value empty or not a string ``SVCSTG.00400652``; key or value breaking
  the length and character rule ``SVCSTG.00400649``; other malformed fields
  ``SVCSTG.00400100``. A duplicate is an item with the key and labels of one stored (or imported
  earlier from the same file): ``force`` overwrites its value (status and value_type when the
  file gives them), ``skip`` reports it failed (``SVCSTG.00400107``), ``abort`` reports it and
  every later item failed and stops. A file not named ``*.json`` or empty is
  ``SVCSTG.00400651``; one that is not ``{"data": [...]}`` JSON is ``SVCSTG.00400650``.
- An export's ``metadata`` is ``{"version": "2.0.0"}`` (the example); ids of no item are left
  out; ``match`` other than ``exact`` means containment, as for a list.

Control route, without authentication: ``DELETE /_emulator/projects/{project_id}/cse/engine-tokens``
makes every token of the project's engines expire at once (204). In Python:
``emulator.area(CseBackend).servicecomb.expire_tokens()``.
"""
