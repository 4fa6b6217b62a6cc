import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where the recorded histories live; each folder with an index.json is one recording. */
export const HISTORIES_DIR = join(__dirname, 'histories');
export const INDEX_FILE = 'index.json';

/** One recorded history, as the recording's index.json describes it. */
export interface CorpusEntry {
  /** The history file, next to index.json. */
  file: string;
  /** What was driven through the API to get this history. */
  scenario: string;
  workflow_type: string;
  /** The replayer needs it: workflowInfo().workflowId feeds signals and lease requests. */
  workflow_id: string;
  /** Open histories are what a deploy replays: workflows still in flight when new code takes over. */
  state: 'open' | 'closed';
  /** How a closed workflow ended (completed, failed, canceled, ...); null while open. */
  close_event: string | null;
  events: number;
}

export interface CorpusIndex {
  recorded_at: string;
  /** The commit whose workflow code made these histories, and whether that code had uncommitted edits. */
  commit: string;
  workflow_code_dirty: boolean;
  sdk_version: string;
  histories: CorpusEntry[];
}

/** A history file with its entry, named by its path under histories/ for failure messages. */
export interface CorpusHistory extends CorpusEntry {
  path: string;
  history: unknown;
}

/** Every recording under `root`, its own folder and any subfolder kept from earlier recordings. */
export function loadCorpus(root = HISTORIES_DIR): CorpusHistory[] {
  const found: CorpusHistory[] = [];
  const visit = (dir: string): void => {
    const indexPath = join(dir, INDEX_FILE);
    if (existsSync(indexPath)) {
      const index = JSON.parse(readFileSync(indexPath, 'utf8')) as CorpusIndex;
      for (const entry of index.histories) {
        const file = join(dir, entry.file);
        found.push({ ...entry, path: relative(root, file), history: JSON.parse(readFileSync(file, 'utf8')) });
      }
    }
    for (const child of readdirSync(dir, { withFileTypes: true })) {
      if (child.isDirectory()) visit(join(dir, child.name));
    }
  };
  if (existsSync(root)) visit(root);
  return found;
}
