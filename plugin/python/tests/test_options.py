"""Options, and what a workflow's first argument says about its task."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from taskdeck_temporal import TaskdeckPlugin
from taskdeck_temporal._options import TaskdeckOptions, field_of, is_tracked, labels_of


def test_defaults_track_every_workflow_and_register_attributes() -> None:
    options = TaskdeckPlugin().options
    assert options == TaskdeckOptions()
    assert is_tracked("Anything", options)
    assert options.register_search_attributes is True


def test_workflow_types_and_exclude() -> None:
    only = TaskdeckOptions.of(workflow_types=["Train", "Evaluate"])
    assert is_tracked("Train", only) and not is_tracked("Other", only)
    excluded = TaskdeckOptions.of(exclude=["Heartbeat"])
    assert not is_tracked("Heartbeat", excluded) and is_tracked("Train", excluded)
    # exclude wins over workflow_types.
    assert not is_tracked("Train", TaskdeckOptions.of(workflow_types=["Train"], exclude=["Train"]))
    # An empty list tracks nothing (not "all").
    assert not is_tracked("Train", TaskdeckOptions.of(workflow_types=[]))


def test_plugin_keyword_arguments_reach_the_options() -> None:
    plugin = TaskdeckPlugin(workflow_types=["Train"], exclude=["X"], tag=" ml ", name_from="model", register_search_attributes=False)
    assert plugin.options == TaskdeckOptions(
        workflow_types=frozenset({"Train"}), exclude=frozenset({"X"}), tag="ml", name_from="model", register_search_attributes=False
    )


@pytest.mark.parametrize(
    "kwargs",
    [{"workflow_types": "Train"}, {"exclude": "Train"}, {"workflow_types": [1]}, {"tag": 3}, {"name_from": ["a"]}],
)
def test_mistaken_options_fail_at_construction(kwargs: dict) -> None:
    with pytest.raises(TypeError):
        TaskdeckPlugin(**kwargs)


@dataclass
class Job:
    customer: str
    tag: str | None = None
    depends_on: list[str] = field(default_factory=list)


def test_labels_from_a_dict_and_from_a_dataclass_alike() -> None:
    options = TaskdeckOptions.of(name_from="customer", tag="default")
    as_dict = labels_of([{"customer": " ACME ", "tag": "q3", "depends_on": ["a", "b", "a", "", 3]}], options)
    as_dataclass = labels_of([Job("ACME", "q3", ["a", "b", "a"])], options)
    assert as_dict == as_dataclass == {"name": "ACME", "tag": "q3", "depends_on": ["a", "b"]}


def test_the_plugin_tag_is_the_default_and_empty_values_are_left_out() -> None:
    options = TaskdeckOptions.of(name_from="customer", tag="invoices")
    assert labels_of([{"customer": "  "}], options) == {"tag": "invoices"}
    assert labels_of([Job("", None, [])], TaskdeckOptions()) == {}
    assert labels_of([], options) == {"tag": "invoices"}


def test_a_number_names_a_task_but_a_flag_does_not() -> None:
    options = TaskdeckOptions.of(name_from="id")
    assert labels_of([{"id": 42}], options) == {"name": "42"}
    assert labels_of([{"id": True}], options) == {}


def test_long_labels_are_cut_to_the_keyword_limit() -> None:
    labels = labels_of([{"customer": "x" * 300}], TaskdeckOptions.of(name_from="customer"))
    assert len(labels["name"]) == 255


@pytest.mark.parametrize("first", ["text", 3, 2.5, None, ["depends_on"], ("a",), b"bytes"])
def test_scalars_and_lists_have_no_fields(first: object) -> None:
    assert field_of(first, "depends_on") is None
    assert labels_of([first], TaskdeckOptions.of(name_from="customer")) == {}
