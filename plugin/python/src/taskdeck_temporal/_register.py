"""Registers Taskdeck's search attributes in a namespace where they are missing."""

from __future__ import annotations

import logging

from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType

from ._protocol import ALL_SEARCH_ATTRIBUTES

logger = logging.getLogger("taskdeck_temporal")


def _type_name(key_type: SearchAttributeIndexedValueType) -> str:
    # KEYWORD, INT, DATETIME: as the protocol and `temporal operator search-attribute create` say.
    return key_type.name


async def _missing(client: Client, namespace: str) -> list[str]:
    listed = await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
    return [key.name for key in ALL_SEARCH_ATTRIBUTES.values() if key.name not in listed.custom_attributes]


async def register_search_attributes(client: Client, namespace: str | None = None) -> list[str]:
    """Registers the missing ones and returns their names; safe to run from every worker at once.

    Works on any self-hosted cluster (the OperatorService). Where the cluster refuses (Temporal
    Cloud manages attributes through its own control plane) it raises naming each attribute to
    create, and its type.
    """
    namespace = namespace or client.namespace
    absent = await _missing(client, namespace)
    if not absent:
        return []
    types = {key.name: key.indexed_value_type for key in ALL_SEARCH_ATTRIBUTES.values()}
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace,
                # The SDK's SearchAttributeIndexedValueType has the API's IndexedValueType numbers.
                search_attributes={name: int(types[name]) for name in absent},
            )
        )
        logger.info("taskdeck: registered search attributes %s in %s", ", ".join(absent), namespace)
        return absent
    except Exception as err:
        # Another worker may have registered them a moment ago; only a real gap is an error.
        still = await _missing(client, namespace)
        if not still:
            return []
        listing = ", ".join(f"{name} ({_type_name(types[name])})" for name in still)
        raise RuntimeError(
            f"Search attributes {listing} are missing in namespace {namespace} and could not be "
            f"registered: {err}. Register them with `temporal operator search-attribute create` "
            f"(or tcld on Temporal Cloud)."
        ) from err
