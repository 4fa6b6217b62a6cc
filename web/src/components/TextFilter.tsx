import { useEffect, useState } from 'react';

interface Props {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  placeholder?: string;
  type?: 'text' | 'search';
}

const COMMIT_AFTER_MS = 350;

/** A text filter that updates the view once typing pauses (or on Enter), not on every key. */
export function TextFilter({ label, value, onCommit, placeholder, type = 'text' }: Props) {
  const [draft, setDraft] = useState(value);
  // A new value from outside (Reset, back button) replaces what was typed.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }
  useEffect(() => {
    if (draft === value) return;
    const timer = window.setTimeout(() => onCommit(draft.trim()), COMMIT_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [draft, value, onCommit]);
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        type={type}
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && onCommit(draft.trim())}
      />
    </label>
  );
}
