// A confirmation in a native <dialog>: modal, focus kept inside, Escape cancels.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorNotice } from "./states";

export function ConfirmDialog({
  title,
  confirmLabel,
  children,
  onConfirm,
  onClose,
  destructive = false,
}: {
  title: string;
  confirmLabel: string;
  children: ComponentChildren;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  destructive?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onCancel={(e) => (busy ? e.preventDefault() : onClose())}>
      <h2 id="dialog-title">{title}</h2>
      <div class="dialog-body">{children}</div>
      {error ? <ErrorNotice error={error} /> : null}
      <div class="actions">
        <button type="button" class="button" onClick={onClose} disabled={busy}>
          Back
        </button>
        <button type="button" class={`button ${destructive ? "button-danger" : "button-primary"}`} onClick={confirm} disabled={busy} autofocus>
          {busy ? "Working…" : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
