import { request, type ClientRequest } from 'node:http';
import { takeEvents } from '../test/support/sse';

export interface TaskEvent {
  id: string;
  status: string;
}

/**
 * A raw SSE client of `/events` (no browser): calls `onTask` with the arrival time of every
 * `task` event. Many of these stand in for many open browsers.
 */
export function followEvents(apiUrl: string, onTask: (event: TaskEvent, at: number) => void): Promise<{ close: () => void }> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined = undefined;
    req = request(`${apiUrl}/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        const taken = takeEvents(buffer + chunk);
        buffer = taken.rest;
        for (const event of taken.events) if (event.event === 'task') onTask(JSON.parse(event.data) as TaskEvent, at);
      });
      res.on('error', () => undefined);
      resolve({ close: () => req?.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
