"""Type labels and the Temporal Web UI's current details, beyond the protocol's examples."""

from __future__ import annotations

import pytest

from taskdeck_temporal import type_label
from taskdeck_temporal._labels import current_details


@pytest.mark.parametrize(
    ("workflow_type", "label"),
    [
        ("ExportArchive", "Export Archive"),
        ("export.archive", "Export Archive"),
        ("parse_HTMLPage", "Parse HTML Page"),
        ("v2Upload", "V2 Upload"),
        ("x", "X"),
        ("___", "___"),
    ],
)
def test_type_label(workflow_type: str, label: str) -> None:
    assert type_label(workflow_type) == label


def test_current_details_leaves_out_what_has_no_value() -> None:
    assert current_details({"status": "pending", "progress": 0, "message": None, "error": None}) == "**Pending** · 0%"
    assert (
        current_details({"status": "upstream_failed", "progress": 0, "message": "Upstream task A failed", "error": {"step": "pending", "message": "Upstream task A failed"}})
        == "**Upstream failed** · 0% · Upstream task A failed · error in pending: Upstream task A failed"
    )
