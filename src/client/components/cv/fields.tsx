"use client";

import { useId, useState } from "react";
import { formatUserDate, parseUserDate } from "@/shared/cv-fields";
import { isoDate } from "@/shared/cv";

/** A field's validation problem, already in the reader's language. */
export type FieldError = string | undefined;

interface Common {
  label: string;
  error: FieldError;
  hint?: string;
  /** The field's path in the CV ("work.0.startDate"): a stable name for tests and for focusing the first error. */
  path: string;
  onBlur?: () => void;
}

/** The label, the control, the hint and the error right under it (announced with the control). */
function Frame({ label, error, hint, path, children }: Common & { children: (ids: { id: string; describedBy?: string }) => React.ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field ${error ? "field--invalid" : ""}`} data-field={path}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy })}
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} className="field-error" data-testid={`error-${path}`}>
          {error}
        </span>
      )}
    </div>
  );
}

export function TextField(props: Common & { value: string | undefined; onChange(v: string): void; long?: boolean }) {
  return (
    <Frame {...props}>
      {({ id, describedBy }) =>
        props.long ? (
          <textarea
            id={id}
            rows={4}
            value={props.value ?? ""}
            aria-invalid={!!props.error || undefined}
            aria-describedby={describedBy}
            onChange={(e) => props.onChange(e.target.value)}
            onBlur={props.onBlur}
            name={props.path}
          />
        ) : (
          <input
            id={id}
            value={props.value ?? ""}
            aria-invalid={!!props.error || undefined}
            aria-describedby={describedBy}
            onChange={(e) => props.onChange(e.target.value)}
            onBlur={props.onBlur}
            name={props.path}
          />
        )
      }
    </Frame>
  );
}

/**
 * A list typed as text: one item per line, or comma separated. The text is kept as typed (an empty last line,
 * a trailing comma) while the CV gets the items.
 */
export function ListField(props: Common & { value: string[] | undefined; onChange(v: string[]): void; separator: "line" | "comma" }) {
  const split = (text: string) => (props.separator === "line" ? text.split("\n") : text.split(",")).map((s) => s.trim()).filter(Boolean);
  const joined = (props.value ?? []).join(props.separator === "line" ? "\n" : ", ");
  const [text, setText] = useState(joined);
  // The CV changed from elsewhere (a line moved in, a reset): show it.
  const shown = split(text).join("\u0000") === (props.value ?? []).join("\u0000") ? text : joined;
  return (
    <Frame {...props}>
      {({ id, describedBy }) =>
        props.separator === "line" ? (
          <textarea
            id={id}
            rows={Math.min(8, Math.max(3, (props.value?.length ?? 0) + 1))}
            value={shown}
            aria-invalid={!!props.error || undefined}
            aria-describedby={describedBy}
            onChange={(e) => {
              setText(e.target.value);
              props.onChange(split(e.target.value));
            }}
            onBlur={props.onBlur}
            name={props.path}
          />
        ) : (
          <input
            id={id}
            value={shown}
            aria-invalid={!!props.error || undefined}
            aria-describedby={describedBy}
            onChange={(e) => {
              setText(e.target.value);
              props.onChange(split(e.target.value));
            }}
            onBlur={props.onBlur}
            name={props.path}
          />
        )
      }
    </Frame>
  );
}

const isIso = (v: string | undefined) => !!v && isoDate.safeParse(v).success;

/**
 * A date as the reader writes it ("June 2023", "juin 2023", "06/2023", "2023"), kept in the CV as ISO. Text it
 * cannot read stays in the CV as typed, so validation (here and on the server) names it next to this field.
 */
export function DateField(props: Common & { value: string | undefined; onChange(v: string | undefined): void; locale: string }) {
  const [editing, setEditing] = useState<string | null>(null);
  const shown = editing ?? (isIso(props.value) ? formatUserDate(props.value, props.locale) : (props.value ?? ""));
  return (
    <Frame {...props}>
      {({ id, describedBy }) => (
        <input
          id={id}
          value={shown}
          inputMode="text"
          autoComplete="off"
          aria-invalid={!!props.error || undefined}
          aria-describedby={describedBy}
          onFocus={() => setEditing(shown)}
          onChange={(e) => {
            setEditing(e.target.value);
            const parsed = parseUserDate(e.target.value);
            props.onChange(parsed === null ? e.target.value.trim() : parsed);
          }}
          onBlur={() => {
            setEditing(null);
            props.onBlur?.();
          }}
          name={props.path}
        />
      )}
    </Frame>
  );
}
