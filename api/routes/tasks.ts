import { Router } from 'express';
import { TASK_TYPES, type TaskTypeId } from '../../core';
import { principalOf } from '../auth';
import { HttpError, parseOr400 } from '../errors';
import { approvalBody, startTaskBody, taskIdParams } from '../schemas';
import type { TaskIndex } from '../taskIndex';
import { listTasksQuery, queryTasks } from '../taskQuery';
import type { TaskService } from '../taskService';

export function tasksRouter(index: TaskIndex, service: TaskService): Router {
  const router = Router();

  router.get('/tasks', async (req, res) => {
    const query = parseOr400(listTasksQuery, req.query);
    await index.whenReady();
    const page = queryTasks(index.all(), query);
    res.set('X-Total-Count', String(page.total)).json(page.items);
  });

  router.post('/tasks', async (req, res) => {
    const { type, input, ...meta } = parseOr400(startTaskBody, req.body);
    const validInput = parseOr400(TASK_TYPES[type as TaskTypeId].input, input, ['input']);
    const principal = principalOf(res);
    if (principal) {
      // The User column shows who really started the task: the token says, not the body.
      if (meta.user !== undefined && meta.user !== principal.user) {
        throw new HttpError(403, `user: signed in as ${principal.user}; a task cannot be started as ${meta.user}`, 'user');
      }
      meta.user = principal.user;
    }
    const record = await service.start(type as TaskTypeId, validInput, meta, principal);
    res.status(201).location(`/tasks/${encodeURIComponent(record.id)}`).json(record);
  });

  router.get('/tasks/:id', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    res.json(await service.detail(id));
  });

  // Kill is abort under the name operators look for next to pause and resume.
  for (const action of ['abort', 'kill'] as const) {
    router.post(`/tasks/:id/${action}`, async (req, res) => {
      const { id } = parseOr400(taskIdParams, req.params);
      const record = await service.abort(id, principalOf(res), action);
      res.status(202).json({ ...record, abort_requested: true });
    });
  }

  router.post('/tasks/:id/pause', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    res.json(await service.pause(id, principalOf(res)));
  });

  router.post('/tasks/:id/resume', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    res.json(await service.resume(id, principalOf(res)));
  });

  // Approval: an operator or admin lets a task in pending_approval go on, or ends it rejected.
  router.post('/tasks/:id/approve', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    const { note } = parseOr400(approvalBody, req.body);
    res.json(await service.approve(id, principalOf(res), note));
  });

  router.post('/tasks/:id/reject', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    const { note } = parseOr400(approvalBody, req.body);
    res.json(await service.reject(id, principalOf(res), note));
  });

  // The approval queue: what waits for a decision, with the input and resources to review.
  router.get('/approvals', async (_req, res) => {
    res.json(await service.approvals());
  });

  router.post('/tasks/:id/retry', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    const record = await service.retry(id, principalOf(res));
    res.status(201).location(`/tasks/${encodeURIComponent(record.id)}`).json(record);
  });

  return router;
}
