/** Server-sent events as a client reads them: blocks split on a blank line, fields per line. */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/**
 * Takes the complete events off the front of `buffer`; returns them and what is left, which
 * the next chunk continues. Comment blocks (`: keepalive`) are dropped.
 */
export function takeEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  let rest = buffer;
  let cut: number;
  while ((cut = rest.indexOf('\n\n')) !== -1) {
    const block = rest.slice(0, cut);
    rest = rest.slice(cut + 2);
    if (block.startsWith(':')) continue;
    const event: SseEvent = { event: 'message', data: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data += line.slice(6);
      else if (line.startsWith('id: ')) event.id = line.slice(4);
    }
    events.push(event);
  }
  return { events, rest };
}
