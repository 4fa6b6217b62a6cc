export interface Chip {
  key: string;
  text: string;
  /** The remove button's accessible name, saying what it undoes. */
  removeLabel: string;
  onRemove: () => void;
}

/** A list of chips, each with an × that removes what it stands for (a table filter, an expanded group). */
export function RemovableChips({ label, removeTitle, chips }: { label: string; removeTitle: string; chips: readonly Chip[] }) {
  if (chips.length === 0) return null;
  return (
    <ul className="filter-chips" aria-label={label}>
      {chips.map((chip) => (
        <li key={chip.key} className="filter-chip">
          <span>{chip.text}</span>
          <button type="button" className="filter-chip-remove" aria-label={chip.removeLabel} title={removeTitle} onClick={chip.onRemove}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
