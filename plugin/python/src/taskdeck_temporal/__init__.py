"""taskdeck-temporal: Taskdeck for your own Temporal Python workers.

    from taskdeck_temporal import TaskdeckPlugin
    worker = Worker(client, task_queue="training", workflows=[Train], activities=[fit],
                    plugins=[TaskdeckPlugin()])

    from taskdeck_temporal.activity import report_progress   # in activities
    from taskdeck_temporal.workflow import set_progress      # in workflows

See plugin/python/README.md and docs/plugin.md; the protocol is docs/plugin-protocol.md.
"""

from ._labels import type_label
from ._plugin import TaskdeckPlugin
from ._register import register_search_attributes

__all__ = ["TaskdeckPlugin", "register_search_attributes", "type_label"]
__version__ = "0.1.0"
