import * as Menu from '@radix-ui/react-dropdown-menu';
import { COLUMNS, LAYOUTS } from './columns';

interface Props {
  shown: readonly string[];
  onChange: (keys: string[]) => void;
}

/** Shows or hides any column of the table; the two layouts are one click away. */
export function ColumnChooser({ shown, onChange }: Props) {
  const toggle = (key: string, on: boolean) => onChange(on ? withColumn(shown, key) : shown.filter((k) => k !== key));
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger className="button column-chooser-trigger">
        Columns <span aria-hidden="true">▾</span>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="menu column-chooser" align="end" sideOffset={4} collisionPadding={8}>
          <Menu.Label className="menu-label">Layout</Menu.Label>
          {Object.entries(LAYOUTS).map(([name, keys]) => (
            <Menu.Item key={name} className="menu-item" onSelect={() => onChange([...keys])}>
              {name}
            </Menu.Item>
          ))}
          <Menu.Separator className="menu-separator" />
          <Menu.Label className="menu-label">Columns</Menu.Label>
          {COLUMNS.map((column) => (
            <Menu.CheckboxItem
              key={column.key}
              className="menu-item menu-check"
              checked={shown.includes(column.key)}
              onSelect={(e) => e.preventDefault()}
              onCheckedChange={(checked) => toggle(column.key, checked)}
            >
              <Menu.ItemIndicator className="menu-indicator" aria-hidden="true">
                ✓
              </Menu.ItemIndicator>
              {column.label}
            </Menu.CheckboxItem>
          ))}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}

/** The shown columns with `key` added after the nearest column that comes before it in the catalog. */
function withColumn(shown: readonly string[], key: string): string[] {
  const order = COLUMNS.map((c) => c.key);
  const before = order.slice(0, order.indexOf(key)).reverse().find((k) => shown.includes(k));
  const at = before === undefined ? 0 : shown.indexOf(before) + 1;
  return [...shown.slice(0, at), key, ...shown.slice(at)];
}
