"""CSE (Cloud Service Engine): exclusive microservice engines and what each engine serves.

Two parts, one state per project (`backend.CseBackend`):

- `engines`: engine management on the CSE endpoint (PDF 004 §6.3): flavors, engines, their jobs;
- `servicecomb`: what an engine serves itself: its configuration imported and exported through
  the CSE endpoint (§6.2, the engine named by the ``x-engine-id`` header), and on the engine's
  own address its token (§7.2.1), service registry (§7.3 to §7.6) and configuration center
  (§7.7).

An engine's own address is the emulator's, under ``/_engines/{project_id}/{engine_id}``: the
engine's detail reports it as its service-registry and configuration-center addresses, and a
client joins the documented paths to it (``.../_engines/p/e/v4/{project_id}/registry/...``)
exactly as it would to ``https://192.168.0.10:30100``.
"""
