import type { Handlers } from '../router';
import type { TaskService } from '../taskService';

export function nodeHandlers(service: TaskService): Pick<Handlers, 'listNodes' | 'getNode'> {
  return {
    listNodes: async () => ({ status: 200, body: await service.nodes.list() }),
    getNode: async ({ params }) => ({ status: 200, body: await service.nodes.get(params.name) }),
  };
}
