"""The Python plugin against the written protocol (plugin/protocol.json, explained in
docs/plugin-protocol.md), as test/unit/protocol.test.ts checks the TypeScript plugin."""

from __future__ import annotations

from typing import Any

from temporalio import activity

from taskdeck_temporal import _protocol as p
from taskdeck_temporal import type_label
from taskdeck_temporal._activities import taskdeck_inspect_upstream
from taskdeck_temporal._labels import current_details
from taskdeck_temporal._throttle import ProgressThrottle
from taskdeck_temporal._tracker import TaskTracker


def test_statuses_which_are_finished_and_their_labels(protocol: dict[str, Any]) -> None:
    assert list(p.TASK_STATUSES) == protocol["statuses"]
    assert [status for status in p.TASK_STATUSES if p.is_finished(status)] == protocol["finished"]
    assert p.STATUS_LABEL == protocol["status_labels"]


def test_search_attributes_by_name_and_type(protocol: dict[str, Any]) -> None:
    ours = {key: {"name": attribute.name, "type": attribute.indexed_value_type.name} for key, attribute in p.ALL_SEARCH_ATTRIBUTES.items()}
    assert ours == protocol["search_attributes"]


def test_memo_keys_message_names_activity_name_and_throttle(protocol: dict[str, Any]) -> None:
    assert list(p.MEMO_KEYS) == protocol["memo_keys"]
    assert [p.PROGRESS_SIGNAL, p.STATE_QUERY, p.UPSTREAM_WATCH_SIGNAL, p.UPSTREAM_DONE_SIGNAL] == [
        protocol["progress_signal"],
        protocol["state_query"],
        protocol["upstream_watch_signal"],
        protocol["upstream_done_signal"],
    ]
    # The name the worker registers the activity under, as the SDK reads it from the function.
    assert activity._Definition.must_from_callable(taskdeck_inspect_upstream).name == protocol["inspect_upstream_activity"]
    assert p.PROGRESS_THROTTLE_MS == protocol["progress_throttle_ms"]
    # The throttle's default interval is that one, in the seconds Python's clocks count in.
    throttle = ProgressThrottle(send=lambda update: None)  # type: ignore[arg-type,return-value]
    assert throttle._interval * 1000 == protocol["progress_throttle_ms"]


def test_state_fields(protocol: dict[str, Any], fake_workflow: Any) -> None:
    assert list(p.STATE_FIELDS) == protocol["state_fields"]
    # What the query answers: every field, no more, in the protocol's order.
    tracker = TaskTracker("ProcessInvoices", "pending", {"customer": "ACME"}, {})
    assert list(tracker.state) == protocol["state_fields"]
    assert fake_workflow.queries[protocol["state_query"]]() is tracker.state
    assert protocol["progress_signal"] in fake_workflow.signals


def test_execution_status_mapping(protocol: dict[str, Any]) -> None:
    for row in protocol["execution_status_mapping"]:
        assert p.task_status_of(row["execution"], row["attribute"]) == row["status"], row


def test_type_labels_and_current_details(protocol: dict[str, Any]) -> None:
    for workflow_type, label in protocol["type_labels"].items():
        assert type_label(workflow_type) == label, workflow_type
    for example in protocol["current_details_examples"]:
        assert current_details(example) == example["details"]
