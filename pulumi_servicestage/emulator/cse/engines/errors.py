"""The engine-management error codes of CSE (004 §11.3, 表11-2) in use, and the shape of their
bodies."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import ApiError, ErrorCode


@dataclass(frozen=True)
class CseErrorCode(ErrorCode):
    """A row of 表11-2. The body carries the table's message as ``error_msg`` and what exactly
    went wrong as ``detail`` (the "详细定位信息" of every §6.3 error table)."""

    def error(self, detail: str | None = None) -> ApiError:
        body = {"error_code": self.code, "error_msg": self.message, "detail": detail or ""}
        return ApiError(self.status, body)


# The PDF prints each code with a stray space ("SVCSTG.0050 1111"); the codes have none.
ENGINE_TYPE_INVALID = CseErrorCode(400, "SVCSTG.00501134", "The engine type is left blank.")
ENGINE_NAME_EXISTS = CseErrorCode(400, "SVCSTG.00501111", "Duplicate engine instance name.")
PAYMENT_INVALID = CseErrorCode(400, "SVCSTG.00501103", "Engine payment is empty or is invalid.")
FLAVOR_INVALID = CseErrorCode(
    400, "SVCSTG.00501104", "Incorrect format of the engine instance specifications."
)
AVAILABILITY_ZONES_INVALID = CseErrorCode(400, "SVCSTG.00501105", "Incorrect AZ format.")
ENGINE_CANNOT_BE_DELETED = CseErrorCode(
    400, "SVCSTG.00501117", "The engine in the current state cannot be deleted."
)
JOB_ID_INVALID = CseErrorCode(400, "SVCSTG.00501152", "Incorrect task ID format.")
JOB_NOT_FOUND = CseErrorCode(400, "SVCSTG.00501153", "No task found.")
ENGINE_NOT_FOUND = CseErrorCode(400, "SVCSTG.00501116", "Failed to find the engine instance.")
# The table's one code for parameters in general (its measure: "if a parameter is invalid,
# check the input parameters"). The table gives it a 500; answered with the 400 that every §6.3
# operation documents for a bad request ("400 错误的请求"), since an emulator's 500 means a fault
# of its own (and clients retry 500s).
REQUEST_PARAMETER_INVALID = CseErrorCode(
    400, "SVCSTG.00500400", "Internal service request parameter error."
)
