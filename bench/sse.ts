import { request, type ClientRequest } from 'node:http';

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
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: task')) {
            const data = block.split('\n').find((line) => line.startsWith('data: '));
            if (data) onTask(JSON.parse(data.slice(6)) as TaskEvent, at);
          }
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => undefined);
      resolve({ close: () => req?.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
