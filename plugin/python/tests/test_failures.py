"""The failure message a task shows: causes unwrapped, exit codes kept."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError, RetryState

from taskdeck_temporal._failures import describe_failure


def activity_error(cause: BaseException) -> ActivityError:
    err = ActivityError(
        "Activity task failed",
        scheduled_event_id=5,
        started_event_id=6,
        identity="worker",
        activity_type="push_to_ledger",
        activity_id="1",
        retry_state=RetryState.NON_RETRYABLE_FAILURE,
    )
    err.__cause__ = cause
    return err


def child_error(cause: BaseException) -> ChildWorkflowError:
    err = ChildWorkflowError(
        "Child Workflow execution failed",
        namespace="default",
        workflow_id="child",
        run_id="run",
        workflow_type="RenderInvoice",
        initiated_event_id=5,
        started_event_id=6,
        retry_state=RetryState.NON_RETRYABLE_FAILURE,
    )
    err.__cause__ = cause
    return err


def test_activity_and_child_failures_are_unwrapped_to_their_cause() -> None:
    root = ApplicationError("The ledger refused the batch", non_retryable=True)
    assert describe_failure(child_error(activity_error(root)), "running") == {"message": "The ledger refused the batch", "step": "running"}


def test_an_exit_code_in_the_first_detail_is_kept() -> None:
    assert describe_failure(activity_error(ApplicationError("exit 3", {"exit_code": 3})), "running") == {
        "message": "exit 3",
        "step": "running",
        "exit_code": 3,
    }

    @dataclass
    class Detail:
        exit_code: int

    assert describe_failure(ApplicationError("exit 4", Detail(4)), "running")["exit_code"] == 4
    # Not an int: no exit code.
    assert "exit_code" not in describe_failure(ApplicationError("x", {"exit_code": "3"}), "running")
    assert "exit_code" not in describe_failure(ApplicationError("x", {"exit_code": True}), "running")


def test_other_exceptions_and_empty_messages() -> None:
    assert describe_failure(ValueError("bad input"), "pending") == {"message": "bad input", "step": "pending"}
    assert describe_failure(ApplicationError(""), "running")["message"] == "Task failed"
