// What the console's forms share: a decimal field typed by hand, and saving (the submit button,
// what the last save said, why it failed).
import { useState } from "preact/hooks";
import { ErrorNotice } from "./states";

interface DecimalInputProps {
  value: string;
  onValue: (value: string) => void;
  required?: boolean;
  "aria-describedby"?: string;
}

/** A non-negative decimal (an amount in the currency's major unit, or a quantity), kept as typed. */
export function DecimalInput({ value, onValue, ...rest }: DecimalInputProps) {
  return <input {...rest} inputMode="decimal" pattern="[0-9]+([.][0-9]+)?" value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
}

/** A form's save: `run(message, save)` shows `message` once `save` resolved, then calls `onSaved`. */
export function useSave(onSaved: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [saved, setSaved] = useState<string>();
  const run = async (message: string, save: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      await save();
      setSaved(message);
      await onSaved();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, saved, run };
}

/** The submit button ("Saving…" while it runs), what the last save said, and its error. */
export function SaveBar({ save, label }: { save: Pick<ReturnType<typeof useSave>, "busy" | "saved" | "error">; label: string }) {
  return (
    <>
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={save.busy}>
          {save.busy ? "Saving…" : label}
        </button>
        {save.saved ? (
          <span role="status" class="muted">
            {save.saved}
          </span>
        ) : null}
      </div>
      {save.error ? <ErrorNotice error={save.error} /> : null}
    </>
  );
}
