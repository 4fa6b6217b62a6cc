"""The plugin's options, and what a tracked workflow's first argument says about its task."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from ._protocol import MAX_KEYWORD_LENGTH


@dataclasses.dataclass(frozen=True)
class TaskdeckOptions:
    """What ``TaskdeckPlugin(...)`` takes, checked once. Frozen: one worker's workflows all read
    the same options, from every workflow run at once."""

    #: Only these workflow types become tasks; ``None``: every workflow the worker runs.
    workflow_types: frozenset[str] | None = None
    #: These workflow types never become tasks (entity or helper workflows).
    exclude: frozenset[str] = frozenset()
    #: A tag given to every task (the Tag column and filter), unless its input names one.
    tag: str | None = None
    #: The field of a workflow's first argument that names the task.
    name_from: str | None = None
    #: Register Taskdeck's search attributes at worker start when they are missing.
    register_search_attributes: bool = True

    @staticmethod
    def of(
        workflow_types: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        tag: str | None = None,
        name_from: str | None = None,
        register_search_attributes: bool = True,
    ) -> TaskdeckOptions:
        """Options from the plugin's keyword arguments; a mistake fails at construction, not in a
        workflow task later."""
        return TaskdeckOptions(
            workflow_types=None if workflow_types is None else frozenset(_names("workflow_types", workflow_types)),
            exclude=frozenset(_names("exclude", exclude or ())),
            tag=_optional_text("tag", tag),
            name_from=_optional_text("name_from", name_from),
            register_search_attributes=bool(register_search_attributes),
        )


def _names(option: str, value: Sequence[str]) -> list[str]:
    # A lone string is a sequence of characters: a classic slip that would track nothing.
    if isinstance(value, (str, bytes)) or not all(isinstance(name, str) and name for name in value):
        raise TypeError(f"TaskdeckPlugin({option}=...) takes a list of workflow type names, got {value!r}")
    return list(value)


def _optional_text(option: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"TaskdeckPlugin({option}=...) takes a string, got {value!r}")
    return value.strip() or None


def is_tracked(workflow_type: str, options: TaskdeckOptions) -> bool:
    if workflow_type in options.exclude:
        return False
    return options.workflow_types is None or workflow_type in options.workflow_types


def field_of(value: Any, key: str) -> Any:
    """A field of a workflow's first argument: a dict's key, or an attribute of a dataclass or any
    other object (a Python workflow's argument is usually a dataclass). Scalars and lists have no
    fields."""
    if isinstance(value, Mapping):
        return value.get(key)
    if value is None or isinstance(value, (str, bytes, bytearray, int, float, bool, list, tuple, set, frozenset)):
        return None
    return getattr(value, key, None)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:MAX_KEYWORD_LENGTH]
    return None


def labels_of(args: Sequence[Any], options: TaskdeckOptions) -> dict[str, Any]:
    """``name`` (from ``name_from``), ``tag`` (the argument's, else the plugin's) and
    ``depends_on`` (a list of task ids, unique, in order), each only when it has a value: this is
    the task's ``meta`` in the state query, as in the TypeScript plugin."""
    first = args[0] if args else None
    named = field_of(first, options.name_from) if options.name_from else None
    # bool is an int in Python; a flag is no name.
    if isinstance(named, (int, float)) and not isinstance(named, bool):
        named = str(named)
    labels: dict[str, Any] = {}
    name = _text(named)
    if name:
        labels["name"] = name
    tag = _text(field_of(first, "tag")) or _text(options.tag)
    if tag:
        labels["tag"] = tag
    depends_on = field_of(first, "depends_on")
    if isinstance(depends_on, (list, tuple)):
        ids = [task_id for task_id in depends_on if isinstance(task_id, str) and task_id]
        if ids:
            labels["depends_on"] = list(dict.fromkeys(ids))
    return labels
