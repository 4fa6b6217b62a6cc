"""In workflows: ``set_progress(50, "halfway")``."""

from __future__ import annotations

from ._tracker import current_tracker

__all__ = ["set_progress"]


def set_progress(percent: float, message: str | None = None) -> None:
    """Sets how far this workflow got, 0-100, with an optional message, from workflow code.

    Taskdeck shows it like an activity's ``report_progress``. It is written to the workflow's
    history only when the whole percentage moves up (at most about 100 times in a task's life);
    the task page's live state (the ``taskdeck.state`` query) always has the latest message. In a
    workflow the plugin does not track, or outside a workflow, it does nothing.
    """
    tracker = current_tracker()
    if tracker is not None:
        tracker.set_progress(percent, message)
