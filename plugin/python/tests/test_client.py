"""The client interceptor's start attributes, without a server: what it hands the next interceptor."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import temporalio.client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy, WorkflowIDReusePolicy, Priority

from taskdeck_temporal._client import TaskStartInterceptor, labelled
from taskdeck_temporal._options import TaskdeckOptions

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def start_input(workflow: str, args: list[Any], **changes: Any) -> temporalio.client.StartWorkflowInput:
    fields: dict[str, Any] = dict(
        workflow=workflow,
        args=args,
        id="wf-1",
        task_queue="q",
        execution_timeout=None,
        run_timeout=None,
        task_timeout=None,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.UNSPECIFIED,
        retry_policy=None,
        cron_schedule="",
        memo=None,
        search_attributes=None,
        start_delay=None,
        headers={},
        start_signal=None,
        start_signal_args=[],
        static_summary=None,
        static_details=None,
        ret_type=None,
        rpc_metadata={},
        rpc_timeout=None,
        request_eager_start=False,
        priority=Priority.default,
    )
    fields.update(changes)
    return temporalio.client.StartWorkflowInput(**fields)


def attributes(input: temporalio.client.StartWorkflowInput) -> dict[str, Any]:
    assert isinstance(input.search_attributes, TypedSearchAttributes)
    return {pair.key.name: pair.value for pair in input.search_attributes}


@dataclass
class Run:
    customer: str
    tag: str | None = None


def test_a_tracked_start_lists_as_pending_with_its_type_tag_and_name() -> None:
    out = labelled(start_input("ProcessInvoices", [Run("ACME")]), TaskdeckOptions.of(name_from="customer", tag="invoices"), NOW)
    assert attributes(out) == {
        "TaskdeckType": "ProcessInvoices",
        "TaskdeckStatus": "pending",
        "TaskdeckProgress": 0,
        "TaskdeckUpdatedAt": NOW,
        "TaskdeckTag": "invoices",
    }
    assert out.memo == {"name": "ACME"}


def test_what_the_caller_set_is_kept() -> None:
    mine = TypedSearchAttributes([SearchAttributePair(SearchAttributeKey.for_keyword("TaskdeckTag"), "mine"), SearchAttributePair(SearchAttributeKey.for_keyword("Other"), "x")])
    out = labelled(
        start_input("ProcessInvoices", [{"customer": "ACME", "tag": "q3"}], search_attributes=mine, memo={"name": "Named", "k": 1}),
        TaskdeckOptions.of(name_from="customer"),
        NOW,
    )
    assert attributes(out)["TaskdeckTag"] == "mine"
    assert attributes(out)["Other"] == "x"
    assert out.memo == {"name": "Named", "k": 1}


def test_the_untyped_form_is_answered_in_the_untyped_form() -> None:
    out = labelled(start_input("Train", [], search_attributes={"Custom": ["x"]}), TaskdeckOptions(), NOW)
    assert out.search_attributes == {
        "Custom": ["x"],
        "TaskdeckType": ["Train"],
        "TaskdeckStatus": ["pending"],
        "TaskdeckProgress": [0],
        "TaskdeckUpdatedAt": [NOW],
    }


def test_an_untracked_start_is_left_alone() -> None:
    given = start_input("Heartbeat", [{"customer": "ACME"}])
    assert labelled(given, TaskdeckOptions.of(exclude=["Heartbeat"]), NOW) is given
    assert labelled(given, TaskdeckOptions.of(workflow_types=["Train"]), NOW) is given


def test_the_interceptor_passes_the_labelled_input_on() -> None:
    seen: list[temporalio.client.StartWorkflowInput] = []

    class Next(temporalio.client.OutboundInterceptor):
        def __init__(self) -> None:  # no next of its own
            pass

        async def start_workflow(self, input: temporalio.client.StartWorkflowInput) -> Any:
            seen.append(input)
            return "handle"

    outbound = TaskStartInterceptor(TaskdeckOptions.of(tag="t")).intercept_client(Next())
    assert asyncio.run(outbound.start_workflow(start_input("Train", [{}]))) == "handle"
    assert attributes(seen[0])["TaskdeckTag"] == "t"
