"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "@/client/api";
import { useFocusAfterRender } from "@/client/focus-after-render";
import { useI18n } from "@/client/i18n";
import { ConfirmDialog } from "./confirm-dialog";
import { CvDocument } from "./cv/cv-document";
import { CvEditor, TemplatePicker, type EditorPrefs } from "./cv/cv-editor";
import { EngineLine, MatchReportCard } from "./cv/match-report";
import { useUnsavedGuard } from "./cv/unsaved-guard";
import { type Cv, type CvResponse } from "@/shared/cv";
import { buildExportModel, PAPERS, TEMPLATES, type CvTemplate, type Paper } from "@/shared/cv-sections";

const PREFS_KEY = "cv-tasks.export-prefs";

/** The template and paper last chosen on this browser (they drive the preview and the downloads). */
function usePrefs(): [EditorPrefs, (p: EditorPrefs) => void] {
  const [prefs, setPrefs] = useState<EditorPrefs>({ template: "classic", paper: "a4" });
  useEffect(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(PREFS_KEY) ?? "null") as Partial<EditorPrefs> | null;
      if (saved && TEMPLATES.includes(saved.template as CvTemplate) && PAPERS.includes(saved.paper as Paper))
        // eslint-disable-next-line react-hooks/set-state-in-effect
        setPrefs(saved as EditorPrefs);
    } catch {
      // a damaged value: keep the defaults
    }
  }, []);
  const update = useCallback((p: EditorPrefs) => {
    setPrefs(p);
    localStorage.setItem(PREFS_KEY, JSON.stringify(p));
  }, []);
  return [prefs, update];
}

/** The CV's title, renamed in place. */
function TitleForm({ cv, onRenamed }: { cv: Cv; onRenamed(cv: Cv): void }) {
  const { t, errorText } = useI18n();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(cv.title);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  if (!editing)
    return (
      <div className="cv-title">
        <h1 className="cv-title__text" data-testid="cv-title">
          {cv.title}
        </h1>
        <button
          ref={renameButton}
          type="button"
          onClick={() => {
            setTitle(cv.title);
            setEditing(true);
            focusAfterRender(() => input.current, true);
          }}
          data-testid="rename-cv"
        >
          {t("editor.rename")}
        </button>
      </div>
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setProblem(t("fieldError.required"));
      return;
    }
    try {
      const res = await api<CvResponse>(`/api/cvs/${cv.id}`, { method: "PATCH", body: JSON.stringify({ title: title.trim() }) });
      onRenamed(res.cv);
      setEditing(false);
      focusAfterRender(() => renameButton.current);
    } catch (err) {
      setProblem(err instanceof ApiError ? (err.fields?.[0] ? t(`fieldError.${err.fields[0].code}` as "fieldError.invalid", { max: err.fields[0].max ?? 0 }) : errorText(err.code, err.message)) : t("error.offline"));
    }
  };
  return (
    <form className="cv-title" onSubmit={submit} data-testid="rename-form">
      <div className={`field ${problem ? "field--invalid" : ""}`}>
        <label htmlFor="cv-title-input">{t("editor.titleLabel")}</label>
        <input
          id="cv-title-input"
          ref={input}
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={!!problem || undefined}
          aria-describedby={problem ? "cv-title-error" : undefined}
          onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
        />
        {problem && (
          <span id="cv-title-error" className="field-error">
            {problem}
          </span>
        )}
      </div>
      <div className="actions">
        <button type="button" onClick={() => setEditing(false)}>
          {t("editor.cancel")}
        </button>
        <button type="submit" className="primary" data-testid="rename-save">
          {t("editor.renameSave")}
        </button>
      </div>
    </form>
  );
}

export function CvPage({ id }: { id: string }) {
  const { t, errorText } = useI18n();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const router = useRouter();
  const [cv, setCv] = useState<Cv | null | "missing">(null);
  const [editing, setEditing] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [prefs, setPrefs] = usePrefs();
  const guard = useUnsavedGuard(editing && dirty);

  useEffect(() => {
    api<CvResponse>(`/api/cvs/${id}`)
      .then((res) => setCv(res.cv))
      .catch(() => setCv("missing"));
  }, [id]);

  const model = useMemo(() => (cv && cv !== "missing" ? buildExportModel(cv.content) : null), [cv]);

  if (cv === null) return <p className="muted">…</p>;
  if (cv === "missing")
    return (
      <div className="card">
        <p>{t("cv.notFound")}</p>
        <Link href="/">{t("cv.back")}</Link>
      </div>
    );

  const act = async (run: () => Promise<void>) => {
    setProblem(null);
    try {
      await run();
    } catch (err) {
      setProblem(err instanceof ApiError ? errorText(err.code, err.message) : t("error.offline"));
    }
  };
  const setMain = (main: boolean) =>
    act(async () => {
      const res = await api<CvResponse>(`/api/cvs/${cv.id}`, { method: "PATCH", body: JSON.stringify({ main }) });
      setCv(res.cv);
      setNotice(main ? t("editor.madeMain") : t("editor.unmadeMain"));
    });
  const duplicate = () =>
    guard.confirmLeave(() =>
      void act(async () => {
        const res = await api<CvResponse>(`/api/cvs/${cv.id}/duplicate`, { method: "POST", body: JSON.stringify({ title: t("editor.copyTitle", { title: cv.title }).slice(0, 200) }) });
        setEditing(false);
        router.push(`/cvs/${res.cv.id}`);
      }),
    );
  const download = (format: "pdf" | "docx") => `/api/cvs/${cv.id}/export?format=${format}&template=${prefs.template}&paper=${prefs.paper}`;
  const unplaced = cv.content.unplaced?.length ?? 0;

  return (
    <div className="cv-page">
      <div className="actions">
        <Link href="/">← {t("cv.back")}</Link>
      </div>
      <TitleForm key={cv.title} cv={cv} onRenamed={setCv} />
      <div className="actions cv-page__actions">
        {cv.isMain ? (
          <>
            <span className="pill pill--main" data-testid="is-main">
              {t("editor.mainCv")}
            </span>
            <button type="button" onClick={() => void setMain(false)} data-testid="unset-main">
              {t("editor.unsetMain")}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => void setMain(true)} data-testid="set-main">
            {t("editor.setMain")}
          </button>
        )}
        <button type="button" onClick={duplicate} data-testid="duplicate-cv">
          {t("editor.duplicate")}
        </button>
        <span className="spacer" />
        <a className="button" href={`/api/cvs/${cv.id}/export?format=json`} download>
          {t("cv.downloadJson")}
        </a>
        <a className="button" href={download("pdf")} download data-testid="download-pdf">
          {t("cv.downloadPdf")}
        </a>
        <a className="button" href={download("docx")} download data-testid="download-docx">
          {t("editor.downloadDocx")}
        </a>
        {!editing && (
          <button type="button" className="primary" onClick={() => setEditing(true)} data-testid="edit-cv">
            {t("cv.edit")}
          </button>
        )}
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {notice}
      </p>
      {problem && (
        <p className="notice-error" role="alert" data-testid="cv-problem">
          {problem}
        </p>
      )}
      {cv.matchReport ? <MatchReportCard cv={cv} editing={editing} onChange={setCv} /> : cv.engine && <EngineLine engine={cv.engine} />}
      {editing ? (
        <CvEditor
          key={cv.updatedAt}
          cv={cv}
          prefs={prefs}
          onPrefs={setPrefs}
          onDirty={setDirty}
          onCancel={() => {
            setEditing(false);
            setDirty(false);
          }}
          onSaved={(saved) => {
            setCv(saved);
            setEditing(false);
            setDirty(false);
            setNotice(t("cv.saved"));
          }}
        />
      ) : (
        <div className="cv-view">
          {unplaced > 0 && (
            <p className="notice" data-testid="unplaced-notice">
              {t("editor.unplacedNotice", { n: unplaced })}{" "}
              <button type="button" onClick={() => setEditing(true)}>
                {t("editor.placeLines")}
              </button>
            </p>
          )}
          <TemplatePicker prefs={prefs} onPrefs={setPrefs} />
          <div data-testid="cv-view">{model && <CvDocument model={model} template={prefs.template} paper={prefs.paper} />}</div>
        </div>
      )}
      <button type="button" className="danger" onClick={() => setConfirmDelete(true)} data-testid="delete-cv">
        {t("cv.delete")}
      </button>
      {guard.dialog}
      <ConfirmDialog
        open={confirmDelete}
        title={t("confirm.deleteCvTitle")}
        body={t("confirm.deleteCvBody", { title: cv.title })}
        confirmLabel={t("confirm.deleteCvConfirm")}
        cancelLabel={t("confirm.keepCv")}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={async () => {
          setConfirmDelete(false);
          try {
            await api(`/api/cvs/${cv.id}`, { method: "DELETE" });
          } catch (err) {
            // Already deleted (on another device) is what the user asked for; anything else is said where they clicked.
            if (!(err instanceof ApiError && err.code === "cv_not_found")) {
              setProblem(err instanceof ApiError ? errorText(err.code, err.message) : t("error.offline"));
              return;
            }
          }
          router.replace("/");
        }}
        testId="confirm-delete-cv"
      />
    </div>
  );
}
