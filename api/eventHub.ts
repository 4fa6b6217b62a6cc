import type { Request, Response } from 'express';
import { openEventStream, type EventStream } from './eventStream';
import type { TaskIndex } from './taskIndex';
import { present } from './taskRecord';
import type { TaskRecord } from '../core/contract';

/** Events kept for clients that reconnect with Last-Event-ID. */
const REPLAY_EVENTS = 2000;

interface HubEvent {
  id: number;
  data: string;
}

/**
 * `GET /events`: server-sent events of task changes. Every client is fed from the task index's
 * one poller, so a hundred open browsers cost no more visibility calls than one. A client that
 * reconnects with Last-Event-ID gets what it missed, or a `resync` event when that is too old or
 * came from another API process (a restart, or another replica behind a load balancer): event
 * ids are `<process epoch>-<sequence>`, so one process never misreads another's numbers.
 */
export class EventHub {
  private readonly clients = new Set<EventStream>();
  private readonly recent: HubEvent[] = [];
  private sequence = 0;
  private readonly epoch = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  constructor(index: TaskIndex) {
    index.on('change', (record) => this.publish(record));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  connect(req: Request, res: Response): void {
    const stream = openEventStream(req, res);
    stream.write('retry: 2000\n');
    stream.send('hello', { last_event_id: this.eventId(this.sequence) });
    const header = req.get('Last-Event-ID');
    if (header) {
      const [epoch, seq] = header.split('-');
      const lastSeen = Number(seq);
      const oldest = this.recent[0]?.id ?? this.sequence + 1;
      if (epoch !== this.epoch || !Number.isInteger(lastSeen) || lastSeen > this.sequence || lastSeen + 1 < oldest) stream.send('resync', {});
      else for (const event of this.recent) if (event.id > lastSeen) stream.write(this.format(event));
    }
    this.clients.add(stream);
    req.on('close', () => this.clients.delete(stream));
  }

  close(): void {
    for (const stream of this.clients) stream.end();
    this.clients.clear();
  }

  private publish(record: TaskRecord): void {
    const event = { id: ++this.sequence, data: JSON.stringify(present(record)) };
    this.recent.push(event);
    if (this.recent.length > REPLAY_EVENTS) this.recent.shift();
    this.broadcast(this.format(event));
  }

  private eventId(sequence: number): string {
    return `${this.epoch}-${sequence}`;
  }

  private format(event: HubEvent): string {
    return `id: ${this.eventId(event.id)}\nevent: task\ndata: ${event.data}\n\n`;
  }

  private broadcast(chunk: string): void {
    for (const stream of this.clients) stream.write(chunk);
  }
}
