import * as Menu from '@radix-ui/react-dropdown-menu';
import { useNavigate } from 'react-router';
import type { TaskRecord } from '../api/types';
import { temporalUiWorkflowUrl } from '../../../core/temporalUi';
import { useUiConfig } from '../lib/uiConfig';
import { useTaskActions } from './useTaskActions';

/** The row's three-dots menu: only the actions the task's state allows. */
export function ActionsMenu({ task }: { task: TaskRecord }) {
  const actions = useTaskActions(task);
  const navigate = useNavigate();
  const template = useUiConfig()?.temporal_ui_workflow_url;
  const detailPath = `/tasks/${encodeURIComponent(task.id)}`;
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger className="icon-button" aria-label={`Actions for ${task.name ?? task.id}`}>
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="3" cy="8" r="1.5" />
          <circle cx="8" cy="8" r="1.5" />
          <circle cx="13" cy="8" r="1.5" />
        </svg>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="menu" align="end" sideOffset={4} collisionPadding={8}>
          <Menu.Item className="menu-item" onSelect={() => void actions.copyId()}>
            Copy Task ID
          </Menu.Item>
          <Menu.Item className="menu-item" onSelect={() => void navigate(detailPath)}>
            Details / Logs
          </Menu.Item>
          {actions.canDecide && (
            <Menu.Item className="menu-item" onSelect={() => void actions.approve()}>
              Approve
            </Menu.Item>
          )}
          {actions.canDecide && (
            <Menu.Item className="menu-item menu-danger" onSelect={() => void actions.reject()}>
              Reject
            </Menu.Item>
          )}
          {actions.canPause && (
            <Menu.Item className="menu-item" onSelect={() => void actions.pause()}>
              Pause
            </Menu.Item>
          )}
          {actions.canResume && (
            <Menu.Item className="menu-item" onSelect={() => void actions.resume()}>
              Resume
            </Menu.Item>
          )}
          {actions.canAbort && (
            <Menu.Item className="menu-item menu-danger" onSelect={() => void actions.abort()}>
              Abort
            </Menu.Item>
          )}
          {actions.canRetry && (
            <Menu.Item className="menu-item" onSelect={() => void actions.retry()}>
              Retry
            </Menu.Item>
          )}
          {template && (
            <Menu.Item className="menu-item" asChild>
              <a href={temporalUiWorkflowUrl(template, task.id, task.run_id)} target="_blank" rel="noreferrer">
                Open in Temporal UI ↗
              </a>
            </Menu.Item>
          )}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
