"""The error answers of what an engine serves, in each API's own body.

Three bodies, as the reference prints them:

- the registry (§7.2 to §7.6): ServiceComb's ``{"errorCode", "errorMessage", "detail"}`` (表7-3,
  表7-11 and every registry table), codes of §11.4;
- the configuration center (§7.7): ``{"error_code", "error_message"}`` (表7-163, 表7-169, 表7-174,
  表7-182, 表7-186; only 表7-192 prints the registry's spelling), codes of §11.4, as each §7.7
  section refers to them;
- dynamic configuration on the CSE endpoint (§6.2): ``{"error_code", "error_msg", "detail"}``,
  codes of §11.3 (表11-2 for the engine, 表11-3 for the rest). 表6-8 and 表6-17 print
  ``error_message``; the official SDK reads ``error_code`` only beside ``error_msg``, and the
  CSE endpoint's engine management answers so too.

An address where no engine answers gets the emulator's own answer: there, the real client sees
no HTTP answer at all, only a connection that fails. No engine: 404 (what Huawei's Terraform
provider makes of the connection error to a deleted engine); an engine being created or deleted:
503, which clients retry as they would the refused connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import ApiError, ErrorCode


@dataclass(frozen=True)
class RegistryErrorCode(ErrorCode):
    """A row of §11.4 as the registry answers it: the table's message, and what went wrong in
    ``detail``."""

    def error(self, detail: str | None = None) -> ApiError:
        return ApiError(
            self.status,
            {
                "errorCode": self.code,
                "errorMessage": self.message,
                "detail": detail or self.message,
            },
        )


@dataclass(frozen=True)
class ConfigCenterErrorCode(ErrorCode):
    """A row of §11.4 as the configuration center answers it (its tables print no detail)."""

    def error(self, detail: str | None = None) -> ApiError:
        text = self.message if detail is None else f"{self.message}: {detail}"
        return ApiError(self.status, {"error_code": self.code, "error_message": text})


@dataclass(frozen=True)
class DynamicConfigErrorCode(ErrorCode):
    """A row of §11.3 as the CSE endpoint's dynamic configuration answers it."""

    def error(self, detail: str | None = None) -> ApiError:
        return ApiError(
            self.status,
            {"error_code": self.code, "error_msg": self.message, "detail": detail or ""},
        )


@dataclass(frozen=True)
class AuthErrors:
    """The answers of the engine's token check, in the body of the API that checks."""

    no_authorization: ErrorCode
    unauthorized: ErrorCode


# §11.4, public codes and the registry's (registry spelling).
INVALID_PARAMETERS = RegistryErrorCode(400, "400001", "Invalid parameter(s)")
# "Recoud" as §11.4 prints it.
RECORD_NOT_FOUND = RegistryErrorCode(404, "404001", "ErrRecoudNotExists")
SERVICE_EXISTS = RegistryErrorCode(400, "400010", "Micro-service already exists")
SERVICE_NOT_FOUND = RegistryErrorCode(400, "400012", "Micro-service does not exist")
SERVICE_HAS_INSTANCES = RegistryErrorCode(400, "400013", "Micro-service has deployed instance(s)")
UNDEFINED_SCHEMA_ID = RegistryErrorCode(400, "400014", "Undefined schema id")
SCHEMA_NOT_MODIFIABLE = RegistryErrorCode(400, "400015", "Not allowed to modify schema")
SCHEMA_NOT_FOUND = RegistryErrorCode(400, "400016", "Schema does not exist")
INSTANCE_NOT_FOUND = RegistryErrorCode(400, "400017", "Instance does not exist")
SERVICE_HAS_CONSUMERS = RegistryErrorCode(
    400, "400023", "Consumer(s) depends on this micro-service"
)
SERVICE_VERSION_NOT_FOUND = RegistryErrorCode(400, "400026", "Micro-service version does not exist")
REGISTRY_AUTH = AuthErrors(
    no_authorization=RegistryErrorCode(401, "401204", "No authorization header"),
    unauthorized=RegistryErrorCode(401, "401201", "Request unauthorized"),
)
WRONG_PASSWORD = RegistryErrorCode(401, "401202", "User name or password is wrong")

# §11.4 in the configuration center's spelling.
KV_INVALID_PARAMETERS = ConfigCenterErrorCode(400, "400001", "Invalid parameter(s)")
KV_NOT_FOUND = ConfigCenterErrorCode(404, "404001", "ErrRecoudNotExists")
KV_EXISTS = ConfigCenterErrorCode(409, "409001", "ErrRecordAlreadyExists")
CONFIG_CENTER_AUTH = AuthErrors(
    no_authorization=ConfigCenterErrorCode(401, "401204", "No authorization header"),
    unauthorized=ConfigCenterErrorCode(401, "401201", "Request unauthorized"),
)

# §11.3: 表11-2 (the engine named by x-engine-id) and 表11-3 (dynamic configuration).
ENGINE_NOT_FOUND = DynamicConfigErrorCode(
    400, "SVCSTG.00501116", "Failed to find the engine instance."
)
ENGINE_NODES_ABNORMAL = DynamicConfigErrorCode(400, "SVCSTG.00501149", "Abnormal node status.")
KV_TOO_LONG = DynamicConfigErrorCode(
    400, "SVCSTG.00400649", "Key/value length exceeds the upper limit."
)
FILE_INVALID = DynamicConfigErrorCode(400, "SVCSTG.00400650", "Invalid configuration file.")
FILE_EMPTY = DynamicConfigErrorCode(
    400, "SVCSTG.00400651", "The file is empty or in an incorrect format."
)
KV_NOT_STRING = DynamicConfigErrorCode(
    400, "SVCSTG.00400652", "Configuration item key/value is null or not a string."
)
LABEL_OR_BODY_INVALID = DynamicConfigErrorCode(400, "SVCSTG.00400653", "Invalid label or body.")
DYNAMIC_CONFIG_INVALID = DynamicConfigErrorCode(400, "SVCSTG.00400100", "Invalid parameter(s)")
DYNAMIC_CONFIG_EXISTS = DynamicConfigErrorCode(409, "SVCSTG.00400107", "Record already exist")

# No engine answers at the address (the emulator's own; see the module docstring).
ENGINE_UNREACHABLE = ErrorCode(404, "EMULATOR.0404", "no microservice engine at this address")
ENGINE_NOT_SERVING = ErrorCode(503, "EMULATOR.0503", "the microservice engine is not serving")
