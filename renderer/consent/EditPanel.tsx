// The popup's Edit… panel: the call's arguments as a form built from the tool's pinned
// inputSchema, and as raw JSON, then "Approve edited". The gate checks the edit against the
// same schema; its refusal is shown here and the call keeps waiting.
//
// The state is the arguments value itself; fields edit one path each (lib/schemaForm), so an
// untouched form holds the agent's very arguments. Everything the server supplied (names,
// descriptions, values) is shown as text, never markup.
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { DiffView } from '../components/DiffView';
import { VisibleText } from '../components/VisibleText';
import { argumentEditPairs } from '../lib/diff';
import {
  buildForm,
  defaultFor,
  jsonEqual,
  jsonText,
  optionText,
  parseJson,
  parseNumber,
  removeAt,
  setAt,
  type Field,
  type FieldPath,
  type MissingField,
} from '../lib/schemaForm';

type Mode = 'form' | 'json';

export interface EditPanelProps {
  original: unknown;
  /** The tool's pinned inputSchema; null or undefined: raw JSON only. */
  schema: unknown;
  /** The approve delay has passed. */
  armed: boolean;
  /** High or critical: Enter never approves. */
  high: boolean;
  onCancel(): void;
  /** Resolves to null once approved, else the reason it was not (shown here). */
  onApprove(args: unknown): Promise<string | null>;
}

export function EditPanel({ original, schema, armed, high, onCancel, onApprove }: EditPanelProps) {
  const [value, setValue] = useState<unknown>(original);
  const [mode, setMode] = useState<Mode>('form');
  const [json, setJson] = useState(() => jsonText(original));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(() => new Set());
  const [refused, setRefused] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Remounts the form's fields (and their typed drafts) after a change of shape.
  const [generation, setGeneration] = useState(0);
  const formTab = useRef<HTMLButtonElement>(null);
  const jsonTab = useRef<HTMLButtonElement>(null);
  const ids = useId();

  const form = useMemo(() => buildForm(schema, value), [schema, value]);
  const formUsable = form.kind === 'form';
  const shown: Mode = formUsable ? mode : 'json';
  const changed = !jsonEqual(value, original);
  const problems = shown === 'json' ? (jsonError ? 1 : 0) : invalid.size;

  useEffect(() => {
    // Only as the panel opens: later focus stays where the person put it.
    (formUsable ? formTab : jsonTab).current?.focus();
  }, []);

  const edit = (next: unknown, reshape = false) => {
    setValue(next);
    setRefused(null);
    if (reshape) setGeneration((g) => g + 1);
  };
  // Stable: fields report through it from their effects.
  const markValid = useCallback(
    (key: string, ok: boolean) =>
      setInvalid((prev) => {
        if (ok !== prev.has(key)) return prev;
        const next = new Set(prev);
        if (ok) next.delete(key);
        else next.add(key);
        return next;
      }),
    [],
  );

  const switchTo = (next: Mode) => {
    if (next === shown) return;
    if (next === 'json') {
      setJson(jsonText(value));
      setJsonError(null);
    } else if (jsonError) {
      return; // the text is not JSON yet: the form has nothing to show
    } else {
      setInvalid(new Set());
      setGeneration((g) => g + 1);
    }
    setMode(next);
  };
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = shown === 'form' ? 'json' : 'form';
    switchTo(next);
    (next === 'form' ? formTab : jsonTab).current?.focus();
  };

  const onJson = (text: string) => {
    setJson(text);
    setRefused(null);
    const parsed = parseJson(text);
    if (parsed.ok) {
      setJsonError(null);
      setValue(parsed.value);
    } else setJsonError(parsed.error);
  };

  const submit = async () => {
    if (!armed || busy || problems > 0 || !changed) return;
    setBusy(true);
    const why = await onApprove(value);
    setBusy(false);
    setRefused(why);
  };

  const hint = !changed
    ? 'Change an argument first (or Cancel, then Approve once).'
    : problems > 0
      ? 'Fix the fields marked in red first.'
      : null;
  const status = `${ids}-status`;

  return (
    <form
      className="panel edit-panel"
      aria-labelledby={`${ids}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        // Enter in a field never approves an edit half made (a text box keeps its new line);
        // on Approve edited, Enter never approves a high or critical call.
        if (e.key !== 'Enter') return;
        const target = e.target as HTMLElement;
        if (target instanceof HTMLTextAreaElement) return;
        if (target instanceof HTMLButtonElement) {
          if (high && target.type === 'submit') e.preventDefault();
          return;
        }
        e.preventDefault();
      }}
    >
      <h3 id={`${ids}-title`}>Edit the arguments</h3>
      <p className="muted edit-note">
        Checked against the tool&apos;s schema; only the arguments change. History keeps what the
        agent asked and what you approved.
      </p>
      <div className="edit-tabs" role="tablist" aria-label="Edit as">
        <button
          ref={formTab}
          type="button"
          role="tab"
          id={`${ids}-tab-form`}
          aria-selected={shown === 'form'}
          aria-controls={`${ids}-panel`}
          tabIndex={shown === 'form' ? 0 : -1}
          disabled={!formUsable}
          onClick={() => switchTo('form')}
          onKeyDown={onTabKey}
        >
          Form
        </button>
        <button
          ref={jsonTab}
          type="button"
          role="tab"
          id={`${ids}-tab-json`}
          aria-selected={shown === 'json'}
          aria-controls={`${ids}-panel`}
          tabIndex={shown === 'json' ? 0 : -1}
          onClick={() => switchTo('json')}
          onKeyDown={onTabKey}
        >
          JSON
        </button>
      </div>
      <div
        id={`${ids}-panel`}
        role="tabpanel"
        aria-labelledby={`${ids}-tab-${shown}`}
        className="edit-body"
      >
        {form.kind === 'raw' ? (
          <p className="muted">
            <VisibleText text={form.why} /> Edit the arguments as JSON.
          </p>
        ) : null}
        {shown === 'form' && form.kind === 'form' ? (
          <ObjectFields
            key={generation}
            field={form.root}
            root={value}
            onEdit={edit}
            onValidity={markValid}
          />
        ) : null}
        {shown === 'json' ? (
          <div className="edit-field">
            <label htmlFor={`${ids}-json`}>Arguments (JSON)</label>
            <textarea
              id={`${ids}-json`}
              className="mono"
              value={json}
              onChange={(e) => onJson(e.target.value)}
              rows={12}
              spellCheck={false}
              aria-invalid={jsonError !== null}
              aria-describedby={jsonError ? `${ids}-json-error` : undefined}
            />
            {jsonError ? (
              <p id={`${ids}-json-error`} className="field-error">
                {jsonError}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>

      {changed ? (
        <details className="edit-changes">
          <summary>Your changes</summary>
          {argumentEditPairs(original, value).map((p) => (
            <DiffView key={p.label} before={p.before} after={p.after} label={p.label} />
          ))}
        </details>
      ) : null}
      {refused ? (
        <p className="edit-refused" role="alert" data-testid="edit-refused">
          Not approved: <VisibleText text={refused} />
        </p>
      ) : null}
      <p id={status} className="muted edit-status" aria-live="polite">
        {hint ?? (armed ? '' : 'Approve is enabled in a moment.')}
      </p>
      <div className="panel-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className="primary"
          disabled={!armed || busy || problems > 0 || !changed}
          aria-describedby={status}
        >
          Approve edited
        </button>
      </div>
    </form>
  );
}

interface FieldProps {
  root: unknown;
  onEdit(next: unknown, reshape?: boolean): void;
  onValidity(key: string, ok: boolean): void;
}

function ObjectFields({ field, ...rest }: FieldProps & { field: Field & { kind: 'object' } }) {
  return (
    <>
      {field.fields.map((f) => (
        <FieldView key={keyOf(f.path)} field={f} {...rest} />
      ))}
      {field.missing.length ? (
        <div className="edit-missing">
          {field.missing.map((m) => (
            <AddButton key={keyOf(m.path)} missing={m} {...rest} />
          ))}
        </div>
      ) : null}
    </>
  );
}

function AddButton({ missing, root, onEdit }: FieldProps & { missing: MissingField }) {
  return (
    <button
      type="button"
      className="small"
      onClick={() => onEdit(setAt(root, missing.path, defaultFor(missing.schema)), true)}
      aria-label={`Add ${missing.label}${missing.description ? `: ${missing.description}` : ''}`}
    >
      + <VisibleText text={missing.label} />
    </button>
  );
}

function FieldView({ field, root, onEdit, onValidity }: FieldProps & { field: Field }) {
  const id = useId();
  const descId = `${id}-desc`;
  const errId = `${id}-err`;
  const [error, setError] = useState<string | null>(null);
  // Decided once: a line growing into a box under the cursor would lose the cursor.
  const [multiline] = useState(field.kind === 'string' && field.multiline);
  const key = keyOf(field.path);
  // A field that goes away (removed, or the form remounts) no longer holds back the approval.
  useEffect(() => () => onValidity(key, true), [key, onValidity]);
  const report = (err: string | null) => {
    setError(err);
    onValidity(key, err === null);
  };
  const describedBy =
    [field.description ? descId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined;
  const set = (v: unknown) => onEdit(setAt(root, field.path, v));
  const remove = field.required ? null : (
    <button
      type="button"
      className="small link"
      onClick={() => onEdit(removeAt(root, field.path), true)}
      aria-label={`Remove ${field.label}`}
    >
      Remove
    </button>
  );
  const label = (
    <span className="edit-label">
      <label htmlFor={id}>
        <VisibleText text={field.label} />
        {field.required ? <span className="edit-req"> (required)</span> : null}
      </label>
      {remove}
    </span>
  );
  const description = field.description ? (
    <p id={descId} className="muted field-desc">
      <VisibleText text={field.description} />
    </p>
  ) : null;
  const errorText = error ? (
    <p id={errId} className="field-error">
      {error}
    </p>
  ) : null;

  switch (field.kind) {
    case 'string':
      return (
        <div className="edit-field">
          {label}
          {description}
          {multiline ? (
            <textarea
              id={id}
              value={field.value}
              rows={Math.min(10, Math.max(3, field.value.split('\n').length))}
              onChange={(e) => set(e.target.value)}
              aria-describedby={describedBy}
              spellCheck={false}
            />
          ) : (
            <input
              id={id}
              type="text"
              value={field.value}
              onChange={(e) => set(e.target.value)}
              aria-describedby={describedBy}
              spellCheck={false}
            />
          )}
        </div>
      );
    case 'number':
      return (
        <TypedField
          id={id}
          initial={String(field.value)}
          parse={(t) => parseNumber(t, field.integer)}
          onValue={set}
          onError={report}
          label={label}
          description={description}
          errorText={errorText}
          describedBy={describedBy}
          inputMode={field.integer ? 'numeric' : 'decimal'}
        />
      );
    case 'boolean':
      return (
        <div className="edit-field edit-check">
          <input
            id={id}
            type="checkbox"
            checked={field.value}
            onChange={(e) => set(e.target.checked)}
            aria-describedby={describedBy}
          />
          {label}
          {description}
        </div>
      );
    case 'enum':
      return (
        <div className="edit-field">
          {label}
          {description}
          <select
            id={id}
            value={optionText(field.value)}
            onChange={(e) => {
              const picked = field.options.find((o) => optionText(o) === e.target.value);
              set(picked);
            }}
            aria-describedby={describedBy}
          >
            {field.options.map((o) => (
              <option key={optionText(o)} value={optionText(o)}>
                {typeof o === 'string' ? o : optionText(o)}
              </option>
            ))}
          </select>
        </div>
      );
    case 'object':
      return (
        <fieldset className="edit-group" aria-describedby={describedBy}>
          <legend>
            <VisibleText text={field.label} />
            {remove}
          </legend>
          {description}
          <ObjectFields field={field} root={root} onEdit={onEdit} onValidity={onValidity} />
        </fieldset>
      );
    case 'array':
      return (
        <fieldset className="edit-group" aria-describedby={describedBy}>
          <legend>
            <VisibleText text={field.label} />{' '}
            <span className="muted">
              ({field.items.length} {field.items.length === 1 ? 'item' : 'items'})
            </span>
            {remove}
          </legend>
          {description}
          {field.items.map((item) => (
            <FieldView
              key={keyOf(item.path)}
              field={{ ...item, required: false }}
              root={root}
              onEdit={onEdit}
              onValidity={onValidity}
            />
          ))}
          <button
            type="button"
            className="small"
            onClick={() =>
              onEdit(
                setAt(root, [...field.path, field.items.length], defaultFor(field.itemSchema)),
                true,
              )
            }
          >
            Add an item to <VisibleText text={field.label} />
          </button>
        </fieldset>
      );
    case 'raw':
      return (
        <TypedField
          id={id}
          initial={jsonText(field.value)}
          parse={parseJson}
          onValue={set}
          onError={report}
          label={label}
          description={
            <>
              {description}
              <p id={`${id}-why`} className="muted field-desc">
                As JSON: <VisibleText text={field.why} />
              </p>
            </>
          }
          errorText={errorText}
          describedBy={[describedBy, `${id}-why`].filter(Boolean).join(' ')}
          multiline
        />
      );
  }
}

/** A field typed as text and checked as it is typed: a number, or JSON. */
function TypedField(props: {
  id: string;
  initial: string;
  parse(text: string): ReturnType<typeof parseJson>;
  onValue(v: unknown): void;
  onError(error: string | null): void;
  label: ReactNode;
  description: ReactNode;
  errorText: ReactNode;
  describedBy: string | undefined;
  inputMode?: 'numeric' | 'decimal';
  multiline?: boolean;
}) {
  const [text, setText] = useState(props.initial);
  const onChange = (t: string) => {
    setText(t);
    const parsed = props.parse(t);
    if (parsed.ok) {
      props.onError(null);
      props.onValue(parsed.value);
    } else props.onError(parsed.error);
  };
  const common = {
    id: props.id,
    value: text,
    'aria-describedby': props.describedBy,
    'aria-invalid': props.errorText ? true : undefined,
    spellCheck: false,
  };
  return (
    <div className="edit-field">
      {props.label}
      {props.description}
      {props.multiline ? (
        <textarea
          {...common}
          className="mono"
          rows={Math.min(8, Math.max(2, text.split('\n').length))}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          {...common}
          type="text"
          inputMode={props.inputMode}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {props.errorText}
    </div>
  );
}

function keyOf(path: FieldPath): string {
  return JSON.stringify(path);
}
