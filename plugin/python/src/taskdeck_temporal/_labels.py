"""Readable labels: a workflow type as words, and the Temporal Web UI's current details."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._protocol import STATUS_LABEL


def type_label(workflow_type: str) -> str:
    """``processInvoices``, ``process_invoices`` and ``ProcessInvoices`` all read "Process
    Invoices"; ``HTTPFetch`` reads "HTTP Fetch". The same rules as the TypeScript ``typeLabel``."""
    text = re.sub(r"[_\-.\s]+", " ", workflow_type)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    words = [word for word in text.strip().split() if word]
    return " ".join(word[0].upper() + word[1:] for word in words) or workflow_type


def current_details(state: Mapping[str, Any]) -> str:
    """``**<label>** · <progress>% · <message> · error in <step>: <message>``, the parts without a
    value left out: what the Temporal Web UI shows as a task workflow's current details."""
    parts = [f"**{STATUS_LABEL[state['status']]}**", f"{state['progress']}%"]
    if state.get("message"):
        parts.append(state["message"])
    error = state.get("error")
    if error:
        parts.append(f"error in {error['step']}: {error['message']}")
    return " · ".join(parts)
