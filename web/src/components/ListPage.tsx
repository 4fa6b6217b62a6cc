import type { ReactNode } from 'react';
import { errorMessage } from '../api/client';

/** A table with the app's look: one header row of `headers`, the rows as children. */
export function DataTable({ headers, className, children }: { headers: readonly string[]; className?: string; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className={className ? `tasks ${className}` : 'tasks'}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

interface ListPageProps<T> {
  /** The page's heading, and in lower case what it lists ("Batches": "Could not load the batches"). */
  title: string;
  /** A button or link beside the heading. */
  action?: ReactNode;
  /** A sentence under the heading on what the page shows. */
  intro?: ReactNode;
  items: T[] | undefined;
  error: unknown;
  /** What an empty list says. */
  empty: ReactNode;
  headers: readonly string[];
  tableClass?: string;
  row: (item: T) => ReactNode;
}

/** A page that lists one kind of thing (datasets, batches, pipelines, nodes): loading, error, empty, or the table. */
export function ListPage<T>({ title, action, intro, items, error, empty, headers, tableClass, row }: ListPageProps<T>) {
  const id = `${title.toLowerCase()}-title`;
  const noun = title.toLowerCase();
  return (
    <section className="page" aria-labelledby={id}>
      <header className="page-header">
        <h1 id={id}>{title}</h1>
        {action}
      </header>
      {intro && <p className="page-intro">{intro}</p>}
      {error && !items ? (
        <p className="banner banner-error">
          Could not load the {noun}: {errorMessage(error)}
        </p>
      ) : null}
      {!items && !error && <p className="loading">Loading {noun}…</p>}
      {items?.length === 0 && <div className="empty">{empty}</div>}
      {items && items.length > 0 && (
        <DataTable headers={headers} className={tableClass}>
          {items.map(row)}
        </DataTable>
      )}
    </section>
  );
}
