"""The Taskdeck plugin protocol (docs/plugin-protocol.md) as Python constants.

Pure: no Temporal imports beyond the search attribute keys, so the workflow sandbox, the worker and
the tests read it alike. ``tests/test_protocol.py`` checks every constant here against
``plugin/protocol.json``, the file the TypeScript plugin is tested against too.
"""

from __future__ import annotations

from typing import Final

from temporalio.common import SearchAttributeKey

TASK_STATUSES: Final = (
    "pending",
    "pending_approval",
    "assigning",
    "initializing",
    "running",
    "paused",
    "completed",
    "failed",
    "aborted",
    "rejected",
    "upstream_failed",
    "terminated",
    "timed_out",
)

STATUS_LABEL: Final = {
    "pending": "Pending",
    "pending_approval": "Pending approval",
    "assigning": "Assigning",
    "initializing": "Initializing",
    "running": "Running",
    "paused": "Paused",
    "completed": "Completed",
    "failed": "Failed",
    "aborted": "Aborted",
    "rejected": "Rejected",
    "upstream_failed": "Upstream failed",
    "terminated": "Terminated",
    "timed_out": "Timed out",
}

_FINISHED: Final = frozenset(
    {"completed", "failed", "aborted", "rejected", "upstream_failed", "terminated", "timed_out"}
)


def is_finished(status: str) -> bool:
    return status in _FINISHED


def is_task_status(value: object) -> bool:
    return isinstance(value, str) and value in TASK_STATUSES


def task_status_of(execution: str, attribute: str | None) -> str:
    """A task's status from its execution status (``RUNNING``, ``COMPLETED``, ...) and its own
    ``TaskdeckStatus``: the execution status wins where only the server knows the end (a terminated
    or timed-out workflow never set its own status)."""
    own = attribute if is_task_status(attribute) else None
    if execution == "RUNNING":
        return own or "pending"
    if execution == "COMPLETED":
        return "completed"
    if execution == "FAILED":
        return own if own in ("upstream_failed", "rejected") else "failed"
    if execution in ("CANCELED", "CANCELLED"):
        return own if own == "rejected" else "aborted"
    if execution == "TERMINATED":
        return "terminated"
    if execution == "TIMED_OUT":
        return "timed_out"
    return own or "pending"


class SA:
    """The search attributes of a Taskdeck task (9 Keyword, 1 Int, 2 Datetime of the namespace's
    budget). Attribute names follow protocol.json's keys."""

    type = SearchAttributeKey.for_keyword("TaskdeckType")
    status = SearchAttributeKey.for_keyword("TaskdeckStatus")
    dataset = SearchAttributeKey.for_keyword("TaskdeckDataset")
    dataset_id = SearchAttributeKey.for_keyword("TaskdeckDatasetId")
    user = SearchAttributeKey.for_keyword("TaskdeckUser")
    tag = SearchAttributeKey.for_keyword("TaskdeckTag")
    retry_of = SearchAttributeKey.for_keyword("TaskdeckRetryOf")
    batch = SearchAttributeKey.for_keyword("TaskdeckBatch")
    pipeline = SearchAttributeKey.for_keyword("TaskdeckPipeline")
    progress = SearchAttributeKey.for_int("TaskdeckProgress")
    started_at = SearchAttributeKey.for_datetime("TaskdeckStartedAt")
    updated_at = SearchAttributeKey.for_datetime("TaskdeckUpdatedAt")


#: Every attribute, keyed as protocol.json keys them (``started_at``, ``updated_at``, ...).
ALL_SEARCH_ATTRIBUTES: Final = {
    key: value for key, value in vars(SA).items() if isinstance(value, SearchAttributeKey)
}

#: Visibility keeps at most 255 characters of a keyword; longer user values are cut, not refused.
MAX_KEYWORD_LENGTH: Final = 255

MEMO_KEYS: Final = (
    "name",
    "message",
    "error",
    "failed_step",
    "exit_code",
    "triggered_by",
    "depends_on",
    "paused_ms",
    "paused_at",
)

PROGRESS_SIGNAL: Final = "taskdeck.progress"
STATE_QUERY: Final = "taskdeck.state"
UPSTREAM_WATCH_SIGNAL: Final = "taskdeck.upstream.watch"
UPSTREAM_DONE_SIGNAL: Final = "taskdeck.upstream.done"
INSPECT_UPSTREAM_ACTIVITY: Final = "taskdeckInspectUpstream"

#: An activity's progress reaches its workflow at most this often.
PROGRESS_THROTTLE_MS: Final = 1000

#: What the ``taskdeck.state`` query answers, in this order.
STATE_FIELDS: Final = (
    "task_type",
    "status",
    "input",
    "meta",
    "timeline",
    "progress",
    "message",
    "started_at",
    "finished_at",
    "paused_ms",
    "paused_at",
    "error",
    "approval",
    "result",
    "exit_code",
)
