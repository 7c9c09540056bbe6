// The "message to the agent" panel shared by the consent popup (deny with a message) and the
// result review (replace with a message): one textarea, Back, and the one submit that sends it.

export function MessageForm({
  id,
  value,
  onChange,
  onBack,
  onSubmit,
  submitLabel,
  busy,
}: {
  /** The textarea's id (the label points at it; tests and a11y find it by this). */
  id: string;
  value: string;
  onChange: (text: string) => void;
  onBack: () => void;
  onSubmit: (text: string) => void;
  submitLabel: string;
  busy: boolean;
}) {
  return (
    <form
      className="panel"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(value);
      }}
    >
      <label htmlFor={id}>Message to the agent</label>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={3}
        autoFocus
      />
      <div className="panel-actions">
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="danger" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
