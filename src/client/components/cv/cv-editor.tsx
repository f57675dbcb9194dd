"use client";

import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "@/client/api";
import { useFocusAfterRender } from "@/client/focus-after-render";
import { useI18n, type MessageKey } from "@/client/i18n";
import { cvContentSchema, type Cv, type CvContent, type CvResponse } from "@/shared/cv";
import { fieldIssues, type FieldIssue } from "@/shared/cv-fields";
import { buildExportModel, TEMPLATES, PAPERS, type CvTemplate, type Paper } from "@/shared/cv-sections";
import { CvDocument } from "./cv-document";
import { DateField, ListField, TextField } from "./fields";
import {
  BASICS_FIELDS,
  emptyEntry,
  LISTS,
  listOf,
  LOCATION_FIELDS,
  move,
  REQUIRED,
  setKey,
  withList,
  type FieldSpec,
  type ListKey,
  type ListSpec,
} from "./sections";

type Entry = Record<string, unknown>;
type Keys = Record<ListKey, number[]>;

let nextKey = 1;
const keysFor = (content: CvContent): Keys =>
  Object.fromEntries(LISTS.map((s) => [s.key, listOf(content, s.key).map(() => nextKey++)])) as Keys;

/** "work.0.startDate" for the field of an entry; "basics.location.city" for basics. */
const pathOf = (list: ListKey, index: number, key: string) => (list === "profiles" ? `basics.profiles.${index}.${key}` : `${list}.${index}.${key}`);

export interface EditorPrefs {
  template: CvTemplate;
  paper: Paper;
}

/**
 * The whole CV in a form, every section the app stores, beside a live preview in the chosen export template.
 * Entries are added, removed and moved with buttons (keyboard reachable; focus follows the entry moved).
 * Problems show next to their field in the reader's language, from the same codes the server sends.
 */
export function CvEditor({
  cv,
  prefs,
  onPrefs,
  onDirty,
  onSaved,
  onCancel,
}: {
  cv: Cv;
  prefs: EditorPrefs;
  onPrefs(p: EditorPrefs): void;
  onDirty(dirty: boolean): void;
  onSaved(cv: Cv): void;
  onCancel(): void;
}) {
  const { t, locale, errorText } = useI18n();
  const [draft, setDraftState] = useState<CvContent>(cv.content);
  const [keys, setKeys] = useState<Keys>(() => keysFor(cv.content));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [announce, setAnnounce] = useState("");
  const form = useRef<HTMLFormElement>(null);
  const saved = useRef(JSON.stringify(cv.content));

  const setDraft = (update: (d: CvContent) => CvContent) => setDraftState(update);
  useEffect(() => {
    onDirty(JSON.stringify(draft) !== saved.current);
  }, [draft, onDirty]);
  const touch = (path: string) => setTouched((s) => (s.has(path) ? s : new Set(s).add(path)));

  // ---- validation: the shared schema, with the codes the server would send ----
  const localIssues = useMemo(() => {
    const parsed = cvContentSchema.safeParse(draft);
    return parsed.success ? [] : fieldIssues(parsed.error);
  }, [draft]);
  const issueText = (issue: FieldIssue) =>
    issue.max !== undefined ? t(`fieldError.${issue.code}` as MessageKey, { max: issue.max }) : t(`fieldError.${issue.code}` as MessageKey);
  const errorAt = (path: string): string | undefined => {
    const local = localIssues.find((i) => i.path === path);
    if (local && (submitted || touched.has(path))) return issueText(local);
    const server = serverIssues.find((i) => i.path === `content.${path}`);
    return server ? issueText(server) : undefined;
  };

  // ---- edits ----
  const setBasics = (key: string, value: unknown) => setDraft((d) => ({ ...d, basics: setKey(d.basics, key, value) as CvContent["basics"] }));
  const setLocation = (key: string, value: unknown) =>
    setDraft((d) => {
      const location = setKey(d.basics.location ?? {}, key, value);
      return { ...d, basics: setKey(d.basics, "location", Object.keys(location).length ? location : undefined) as CvContent["basics"] };
    });
  const setEntry = (list: ListKey, index: number, key: string, value: unknown) =>
    setDraft((d) => withList(d, list, listOf(d, list).map((e, i) => (i === index ? setKey(e, key, value, REQUIRED[list] === key) : e))));
  const focusAfterRender = useFocusAfterRender();
  const focusLater = (selector: string) => focusAfterRender(() => form.current?.querySelector<HTMLElement>(selector));
  const add = (list: ListKey, entry: Entry = emptyEntry(list)) => {
    const key = nextKey++;
    setDraft((d) => withList(d, list, [...listOf(d, list), entry]));
    setKeys((k) => ({ ...k, [list]: [...k[list], key] }));
    focusLater(`[data-entry-key="${key}"] input, [data-entry-key="${key}"] textarea`);
  };
  const remove = (spec: ListSpec, index: number) => {
    const name = spec.nameOf(listOf(draft, spec.key)[index] ?? {}) || t("editor.entryN", { n: index + 1 });
    const after = keys[spec.key][index + 1] ?? keys[spec.key][index - 1];
    setDraft((d) => withList(d, spec.key, listOf(d, spec.key).filter((_, i) => i !== index)));
    setKeys((k) => ({ ...k, [spec.key]: k[spec.key].filter((_, i) => i !== index) }));
    setAnnounce(t("editor.removed", { name }));
    focusLater(after !== undefined ? `[data-entry-key="${after}"] input` : `[data-testid="add-${spec.key}"]`);
  };
  const moveEntry = (spec: ListSpec, index: number, to: number) => {
    const key = keys[spec.key][index];
    setDraft((d) => withList(d, spec.key, move(listOf(d, spec.key), index, to)));
    setKeys((k) => ({ ...k, [spec.key]: move(k[spec.key], index, to) }));
    setAnnounce(t("editor.moved", { n: to + 1 }));
    // Focus stays on the button pressed, on the entry's new place (or on the other one at an end).
    const direction = to < index ? "up" : "down";
    focusLater(`[data-entry-key="${key}"] [data-move="${direction}"]:not(:disabled), [data-entry-key="${key}"] [data-move]:not(:disabled)`);
  };

  // ---- the import's unplaced lines ----
  const unplaced = draft.unplaced ?? [];
  const takeLine = (index: number, target: string) => {
    const line = unplaced[index]!;
    setDraft((d) => {
      const rest = (d.unplaced ?? []).filter((_, i) => i !== index);
      let next: CvContent = { ...d, unplaced: rest.length ? rest : undefined };
      if (!rest.length) delete next.unplaced;
      if (target === "summary") next = { ...next, basics: { ...next.basics, summary: [next.basics.summary, line].filter(Boolean).join("\n") } };
      else if (target !== "drop") {
        const [list, at] = target.split(":") as [ListKey, string];
        const spec = LISTS.find((s) => s.key === list)!;
        const field = spec.lines!;
        next = withList(next, list, listOf(next, list).map((e, i) => (i === Number(at) ? { ...e, [field]: [...((e[field] as string[] | undefined) ?? []), line] } : e)));
      }
      return next;
    });
    setAnnounce(target === "drop" ? t("editor.lineDropped") : t("editor.lineMoved"));
  };

  // ---- save ----
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setProblem(null);
    const parsed = cvContentSchema.safeParse(draft);
    if (!parsed.success) {
      setProblem(t("editor.fixFields", { n: fieldIssues(parsed.error).length }));
      focusLater('[aria-invalid="true"]');
      return;
    }
    setSaving(true);
    try {
      const res = await api<CvResponse>(`/api/cvs/${cv.id}`, { method: "PATCH", body: JSON.stringify({ content: parsed.data }) });
      saved.current = JSON.stringify(res.cv.content);
      onDirty(false);
      onSaved(res.cv);
    } catch (err) {
      if (err instanceof ApiError && err.fields?.length) {
        setServerIssues(err.fields as FieldIssue[]);
        setProblem(t("editor.fixFields", { n: err.fields.length }));
        focusLater('[aria-invalid="true"]');
      } else setProblem(err instanceof ApiError ? errorText(err.code, err.message) : t("error.offline"));
    } finally {
      setSaving(false);
    }
  };

  const fieldLabel = (f: FieldSpec) => t(`editor.field.${f.label}` as MessageKey);
  const control = (f: FieldSpec, path: string, value: unknown, onChange: (v: unknown) => void) => {
    const common = { label: fieldLabel(f), path, error: errorAt(path), onBlur: () => touch(path) };
    switch (f.kind) {
      case "date":
        return (
          <DateField
            key={f.key}
            {...common}
            value={value as string | undefined}
            onChange={onChange}
            locale={locale}
            hint={f.openEnd ? t("editor.dateHintOpen") : t("editor.dateHint")}
          />
        );
      case "lines":
        return <ListField key={f.key} {...common} value={value as string[] | undefined} onChange={onChange} separator="line" hint={t("editor.onePerLine")} />;
      case "words":
        return <ListField key={f.key} {...common} value={value as string[] | undefined} onChange={onChange} separator="comma" hint={t("editor.commaSeparated")} />;
      default:
        return <TextField key={f.key} {...common} value={value as string | undefined} onChange={onChange} long={f.kind === "long"} />;
    }
  };

  const model = useMemo(() => buildExportModel(draft), [draft]);

  return (
    <div className="editor-layout">
      <form ref={form} className="card editor" onSubmit={save} noValidate data-testid="cv-editor">
        <p className="sr-only" role="status" aria-live="polite">
          {announce}
        </p>
        {problem && (
          <p className="notice-error" role="alert" data-testid="editor-problem">
            {problem}
          </p>
        )}
        {unplaced.length > 0 && (
          <fieldset className="editor__section" data-section="unplaced" data-testid="unplaced">
            <legend>{t("editor.unplacedTitle", { n: unplaced.length })}</legend>
            <p className="muted small">{t("editor.unplacedHint")}</p>
            <ul className="unplaced">
              {unplaced.map((line, i) => (
                <li key={`${i}:${line}`}>
                  <span className="unplaced__line">{line}</span>
                  <select
                    aria-label={t("editor.moveLineTo", { line: line.slice(0, 60) })}
                    value=""
                    onChange={(e) => e.target.value && takeLine(i, e.target.value)}
                    data-testid={`unplaced-target-${i}`}
                  >
                    <option value="">{t("editor.moveTo")}</option>
                    <option value="summary">{t("editor.field.summary")}</option>
                    {LISTS.filter((s) => s.lines).flatMap((s) =>
                      listOf(draft, s.key).map((e, j) => (
                        <option key={`${s.key}:${j}`} value={`${s.key}:${j}`}>
                          {t(`editor.section.${s.key}` as MessageKey)}: {s.nameOf(e) || t("editor.entryN", { n: j + 1 })}
                        </option>
                      )),
                    )}
                    <option value="drop">{t("editor.dropLine")}</option>
                  </select>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        <fieldset className="editor__section" data-section="basics">
          <legend>{t("editor.section.basics")}</legend>
          <div className="two">
            {BASICS_FIELDS.filter((f) => f.kind !== "long").map((f) =>
              control(f, `basics.${f.key}`, (draft.basics as Entry)[f.key], (v) => setBasics(f.key, v)),
            )}
          </div>
          {BASICS_FIELDS.filter((f) => f.kind === "long").map((f) => control(f, `basics.${f.key}`, (draft.basics as Entry)[f.key], (v) => setBasics(f.key, v)))}
          <fieldset className="editor__sub" data-section="location">
            <legend>{t("editor.section.location")}</legend>
            <div className="two">
              {LOCATION_FIELDS.map((f) => control(f, `basics.location.${f.key}`, (draft.basics.location as Entry | undefined)?.[f.key], (v) => setLocation(f.key, v)))}
            </div>
          </fieldset>
        </fieldset>
        {LISTS.map((spec) => {
          const list = listOf(draft, spec.key);
          const sectionName = t(`editor.section.${spec.key}` as MessageKey);
          return (
            <fieldset key={spec.key} className="editor__section" data-section={spec.key}>
              <legend>{sectionName}</legend>
              {list.length === 0 && <p className="muted small">{t("editor.emptySection")}</p>}
              <ol className="editor__entries">
                {list.map((entry, i) => {
                  const name = spec.nameOf(entry) || t("editor.entryN", { n: i + 1 });
                  return (
                    <li key={keys[spec.key][i]} className="editor__entry" data-entry-key={keys[spec.key][i]} data-testid={`entry-${spec.key}-${i}`}>
                      <div className="editor__entry-head">
                        <strong className="editor__entry-name">{name}</strong>
                        <span className="editor__entry-actions">
                          <button type="button" data-move="up" disabled={i === 0} onClick={() => moveEntry(spec, i, i - 1)} aria-label={t("editor.moveUp", { name })}>
                            ↑
                          </button>
                          <button
                            type="button"
                            data-move="down"
                            disabled={i === list.length - 1}
                            onClick={() => moveEntry(spec, i, i + 1)}
                            aria-label={t("editor.moveDown", { name })}
                          >
                            ↓
                          </button>
                          <button type="button" className="danger" onClick={() => remove(spec, i)} aria-label={t("editor.remove", { name })}>
                            {t("editor.removeShort")}
                          </button>
                        </span>
                      </div>
                      <div className="two">
                        {spec.fields
                          .filter((f) => f.kind !== "long" && f.kind !== "lines")
                          .map((f) => control(f, pathOf(spec.key, i, f.key), entry[f.key], (v) => setEntry(spec.key, i, f.key, v)))}
                      </div>
                      {spec.fields
                        .filter((f) => f.kind === "long" || f.kind === "lines")
                        .map((f) => control(f, pathOf(spec.key, i, f.key), entry[f.key], (v) => setEntry(spec.key, i, f.key, v)))}
                    </li>
                  );
                })}
              </ol>
              <button type="button" onClick={() => add(spec.key)} data-testid={`add-${spec.key}`}>
                {t("editor.add", { section: sectionName })}
              </button>
            </fieldset>
          );
        })}
        <div className="actions editor__bar">
          <button type="button" onClick={onCancel} data-testid="discard-edit">
            {t("cv.cancelEdit")}
          </button>
          <button type="submit" className="primary" disabled={saving} data-testid="save-cv">
            {saving ? t("editor.saving") : t("cv.save")}
          </button>
        </div>
      </form>
      <aside className="editor-preview" aria-label={t("editor.preview")} data-testid="preview">
        <TemplatePicker prefs={prefs} onPrefs={onPrefs} />
        <CvDocument model={model} template={prefs.template} paper={prefs.paper} />
      </aside>
    </div>
  );
}

/** The export template and paper: they drive the preview and the downloads. */
export function TemplatePicker({ prefs, onPrefs }: { prefs: EditorPrefs; onPrefs(p: EditorPrefs): void }) {
  const { t } = useI18n();
  return (
    <div className="template-picker">
      <label className="field">
        {t("editor.template")}
        <select value={prefs.template} onChange={(e) => onPrefs({ ...prefs, template: e.target.value as CvTemplate })} data-testid="template">
          {TEMPLATES.map((tpl) => (
            <option key={tpl} value={tpl}>
              {t(`editor.templateName.${tpl}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t("editor.paper")}
        <select value={prefs.paper} onChange={(e) => onPrefs({ ...prefs, paper: e.target.value as Paper })} data-testid="paper">
          {PAPERS.map((p) => (
            <option key={p} value={p}>
              {t(`editor.paperName.${p}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
