"""The client side of the plugin: a tracked workflow started through a client with the plugin
lists in Taskdeck as pending from the moment it is started, before any worker has run it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

import temporalio.client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from ._options import TaskdeckOptions, is_tracked, labels_of
from ._protocol import SA

_Input = TypeVar("_Input", temporalio.client.StartWorkflowInput, temporalio.client.UpdateWithStartStartWorkflowInput)


def labelled(input: _Input, options: TaskdeckOptions, now: datetime | None = None) -> _Input:
    """The start input with the task's attributes at start (``TaskdeckType``, ``TaskdeckStatus``
    pending, ``TaskdeckProgress`` 0, ``TaskdeckUpdatedAt``, the tag) and the memo ``name``. What
    the caller set itself is kept: ours only fill gaps."""
    if not is_tracked(input.workflow, options):
        return input
    labels = labels_of(input.args, options)
    moment = now or datetime.now(timezone.utc)
    ours: list[SearchAttributePair[Any]] = [
        SearchAttributePair(SA.type, input.workflow),
        SearchAttributePair(SA.status, "pending"),
        SearchAttributePair(SA.progress, 0),
        SearchAttributePair(SA.updated_at, moment),
    ]
    if "tag" in labels:
        ours.append(SearchAttributePair(SA.tag, labels["tag"]))
    memo = input.memo
    if "name" in labels and not (memo and memo.get("name")):
        memo = {**(memo or {}), "name": labels["name"]}
    return dataclasses.replace(input, search_attributes=_merged(input.search_attributes, ours), memo=memo)


def _merged(
    given: TypedSearchAttributes | Mapping[str, Sequence[Any]] | None,
    ours: list[SearchAttributePair[Any]],
) -> TypedSearchAttributes | dict[str, Any]:
    if isinstance(given, Mapping):
        # The SDK's older, untyped form (name -> list of values): answer in the same form, since
        # the SDK refuses to mix the two.
        merged: dict[str, Any] = dict(given)
        for pair in ours:
            merged.setdefault(pair.key.name, [pair.value])
        return merged
    pairs = list(given.search_attributes) if given is not None else []
    have = {pair.key.name for pair in pairs}
    pairs.extend(pair for pair in ours if pair.key.name not in have)
    return TypedSearchAttributes(pairs)


class _TaskStartOutbound(temporalio.client.OutboundInterceptor):
    def __init__(self, next: temporalio.client.OutboundInterceptor, options: TaskdeckOptions) -> None:
        super().__init__(next)
        self._options = options

    async def start_workflow(self, input: temporalio.client.StartWorkflowInput) -> temporalio.client.WorkflowHandle[Any, Any]:
        # Also signal-with-start: it is a start_workflow with start_signal set.
        return await super().start_workflow(labelled(input, self._options))

    async def start_update_with_start_workflow(
        self, input: temporalio.client.StartWorkflowUpdateWithStartInput
    ) -> temporalio.client.WorkflowUpdateHandle[Any]:
        # Changed in place: the input carries the SDK's own callbacks for the handle it returns.
        input.start_workflow_input = labelled(input.start_workflow_input, self._options)
        return await super().start_update_with_start_workflow(input)


class TaskStartInterceptor(temporalio.client.Interceptor):
    """Client interceptor (only: the worker side has its own), added by ``TaskdeckPlugin``."""

    def __init__(self, options: TaskdeckOptions) -> None:
        self.options = options

    def intercept_client(self, next: temporalio.client.OutboundInterceptor) -> temporalio.client.OutboundInterceptor:
        return _TaskStartOutbound(next, self.options)
