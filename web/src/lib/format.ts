import { formatMemoryMb } from '../../../core/nodes';

/** Display formats shared by the table and the detail page. Pure, so unit tests cover them. */

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const total = Math.floor(ms / 1000);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h ${pad(m)}m`;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatTime(iso: string | null): string {
  return iso ? timeFormat.format(new Date(iso)) : '—';
}

export function formatWindow(hours: number): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    return days === 1 ? '24 hours' : `${days} days`;
  }
  return `${hours} hours`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** What a task holds on its node, short: `2 cores · 512 MB · GPU 0,1`. */
export function formatAllocation(allocation: { cores: number[]; memory_mb: number | null; gpus: number[] } | null): string {
  if (!allocation) return '—';
  const parts = [
    allocation.cores.length ? `${allocation.cores.length} ${allocation.cores.length === 1 ? 'core' : 'cores'}` : '',
    allocation.memory_mb ? formatMemoryMb(allocation.memory_mb) : '',
    allocation.gpus.length ? `GPU ${allocation.gpus.join(',')}` : '',
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}
