import { describe, expect, it } from 'vitest';
import { mayAct, type TaskAction } from '../../core';

const OWN: TaskAction[] = ['abort', 'kill', 'pause', 'resume', 'retry'];

describe('mayAct', () => {
  it('lets anyone do anything with authentication off', () => {
    for (const action of [...OWN, 'approve', 'reject'] as TaskAction[]) expect(mayAct(undefined, action, 'ada')).toBe(true);
  });

  it('lets a user act only on its own tasks, and never approve or reject', () => {
    const ada = { user: 'ada', role: 'user' } as const;
    for (const action of OWN) {
      expect(mayAct(ada, action, 'ada')).toBe(true);
      expect(mayAct(ada, action, 'bob')).toBe(false);
      expect(mayAct(ada, action, null)).toBe(false);
    }
    expect(mayAct(ada, 'approve', 'ada')).toBe(false);
    expect(mayAct(ada, 'reject', 'bob')).toBe(false);
  });

  it('lets an operator or admin act on any task and approve or reject', () => {
    for (const role of ['operator', 'admin'] as const) {
      for (const action of [...OWN, 'approve', 'reject'] as TaskAction[]) expect(mayAct({ user: 'olga', role }, action, 'ada')).toBe(true);
    }
  });
});
