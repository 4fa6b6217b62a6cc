"""The message a user can act on, from whatever a workflow raised."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError, FailureError


def describe_failure(err: BaseException, step: str) -> dict[str, Any]:
    """``{message, step, exit_code?}``: activity and child-workflow failures unwrapped to their
    cause (an ActivityError says only "Activity task failed"), and an exit code in an
    ApplicationError's first detail kept (``ApplicationError("...", {"exit_code": 3})``)."""
    cause: BaseException = err
    while isinstance(cause, (ActivityError, ChildWorkflowError)) and cause.cause is not None:
        cause = cause.cause
    message = cause.message if isinstance(cause, FailureError) else str(cause)
    failure: dict[str, Any] = {"message": message or "Task failed", "step": step}
    if isinstance(cause, ApplicationError) and cause.details:
        detail = cause.details[0]
        exit_code = detail.get("exit_code") if isinstance(detail, Mapping) else getattr(detail, "exit_code", None)
        # bool is an int in Python; True is no exit code.
        if isinstance(exit_code, int) and not isinstance(exit_code, bool):
            failure["exit_code"] = exit_code
    return failure
