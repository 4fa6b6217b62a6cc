"""Registering the search attributes at worker start, against a stand-in OperatorService."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType

from taskdeck_temporal import register_search_attributes


class FakeOperator:
    def __init__(self, present: dict[str, int], refuse: bool = False, racer: dict[str, int] | None = None) -> None:
        self.present = dict(present)
        self.refuse = refuse
        self.racer = racer
        self.added: list[dict[str, int]] = []

    async def list_search_attributes(self, request: Any) -> Any:
        assert request.namespace == "ns"

        class Listed:
            custom_attributes = dict(self.present)

        return Listed()

    async def add_search_attributes(self, request: Any) -> None:
        if self.racer is not None:
            # Another worker registered them a moment before us: the server refuses ours.
            self.present.update(self.racer)
            raise RuntimeError("already exists")
        if self.refuse:
            raise RuntimeError("PermissionDenied: use tcld")
        self.added.append(dict(request.search_attributes))
        self.present.update(request.search_attributes)


class FakeClient:
    namespace = "ns"

    def __init__(self, operator: FakeOperator) -> None:
        self.operator_service = operator


ALL = {
    "TaskdeckType": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckStatus": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckDataset": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckDatasetId": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckUser": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckTag": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckRetryOf": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckBatch": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckPipeline": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "TaskdeckProgress": IndexedValueType.INDEXED_VALUE_TYPE_INT,
    "TaskdeckStartedAt": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "TaskdeckUpdatedAt": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
}


def register(operator: FakeOperator) -> list[str]:
    return asyncio.run(register_search_attributes(FakeClient(operator)))  # type: ignore[arg-type]


def test_registers_the_missing_ones_with_their_types() -> None:
    operator = FakeOperator({"TaskdeckType": ALL["TaskdeckType"], "Unrelated": 2})
    added = register(operator)
    assert set(added) == set(ALL) - {"TaskdeckType"}
    assert operator.added == [{name: ALL[name] for name in added}]


def test_does_nothing_when_all_are_there() -> None:
    operator = FakeOperator(ALL)
    assert register(operator) == []
    assert operator.added == []


def test_a_refusal_names_each_attribute_to_create_and_its_type() -> None:
    operator = FakeOperator({name: kind for name, kind in ALL.items() if name != "TaskdeckProgress" and name != "TaskdeckTag"}, refuse=True)
    with pytest.raises(RuntimeError) as raised:
        register(operator)
    message = str(raised.value)
    assert "TaskdeckTag (KEYWORD), TaskdeckProgress (INT)" in message
    assert "namespace ns" in message and "PermissionDenied" in message and "tcld" in message


def test_another_worker_registering_them_first_is_no_error() -> None:
    operator = FakeOperator({}, racer=ALL)
    assert register(operator) == []
