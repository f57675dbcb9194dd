"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "@/client/api";
import { useI18n } from "@/client/i18n";
import { ConfirmDialog } from "./confirm-dialog";
import { formatDateRange, type Cv, type CvContent, type CvResponse } from "@/shared/cv";

type T = ReturnType<typeof useI18n>["t"];

/** The CV, rendered. */
function CvView({ content, t }: { content: CvContent; t: T }) {
  const b = content.basics;
  return (
    <article className="cv" data-testid="cv-view">
      <header>
        <h1>{b.name}</h1>
        {b.label && <p className="cv__label">{b.label}</p>}
        <p className="muted">{[b.email, b.phone, b.location?.city, b.url].filter(Boolean).join(" · ")}</p>
      </header>
      {b.summary && (
        <section>
          <h2>{t("cv.summary")}</h2>
          <p>{b.summary}</p>
        </section>
      )}
      {content.work.length > 0 && (
        <section>
          <h2>{t("cv.experience")}</h2>
          {content.work.map((w, i) => (
            <div key={i} className="cv__entry">
              <div className="cv__row">
                <strong>{[w.position, w.name].filter(Boolean).join(" — ")}</strong>
                <span className="muted">{formatDateRange(w, t("cv.present"))}</span>
              </div>
              {w.location && <div className="muted small">{w.location}</div>}
              {w.summary && <p>{w.summary}</p>}
              {w.highlights && (
                <ul>
                  {w.highlights.map((h, j) => (
                    <li key={j}>{h}</li>
                  ))}
                </ul>
              )}
            </div>
          ))}
        </section>
      )}
      {content.education.length > 0 && (
        <section>
          <h2>{t("cv.education")}</h2>
          {content.education.map((e, i) => (
            <div key={i} className="cv__entry">
              <div className="cv__row">
                <strong>{e.institution}</strong>
                <span className="muted">{formatDateRange(e, t("cv.present"))}</span>
              </div>
              {e.studyType && <div>{e.studyType}</div>}
            </div>
          ))}
        </section>
      )}
      {content.skills.length > 0 && (
        <section>
          <h2>{t("cv.skills")}</h2>
          <ul className="chips">
            {content.skills.map((s, i) => (
              <li key={i}>{s.keywords?.length ? `${s.name}: ${s.keywords.join(", ")}` : s.name}</li>
            ))}
          </ul>
        </section>
      )}
      {content.languages.length > 0 && (
        <section>
          <h2>{t("cv.languages")}</h2>
          <p>{content.languages.map((l) => (l.fluency ? `${l.language} (${l.fluency})` : l.language)).join(", ")}</p>
        </section>
      )}
      {content.projects.length > 0 && (
        <section>
          <h2>{t("cv.projects")}</h2>
          {content.projects.map((p, i) => (
            <div key={i} className="cv__entry">
              <strong>{p.name}</strong>
              {p.description && <p>{p.description}</p>}
            </div>
          ))}
        </section>
      )}
    </article>
  );
}

const lines = (s: string) => s.split("\n").map((l) => l.trim()).filter(Boolean);
const orUndefined = (s: string) => (s.trim() === "" ? undefined : s.trim());

/** Edits basics, summary, work, education and skills; the server validates the whole CV. */
function CvEditor({ cv, t, onSaved, onCancel }: { cv: Cv; t: T; onSaved(cv: Cv): void; onCancel(): void }) {
  const [draft, setDraft] = useState<CvContent>(cv.content);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const basics = (patch: Partial<CvContent["basics"]>) => setDraft((d) => ({ ...d, basics: { ...d.basics, ...patch } }));
  const work = (i: number, patch: Partial<CvContent["work"][number]>) => setDraft((d) => ({ ...d, work: d.work.map((w, j) => (j === i ? { ...w, ...patch } : w)) }));
  const edu = (i: number, patch: Partial<CvContent["education"][number]>) =>
    setDraft((d) => ({ ...d, education: d.education.map((e, j) => (j === i ? { ...e, ...patch } : e)) }));
  const skill = (i: number, patch: Partial<CvContent["skills"][number]>) => setDraft((d) => ({ ...d, skills: d.skills.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const res = await api<CvResponse>(`/api/cvs/${cv.id}`, { method: "PATCH", body: JSON.stringify({ content: draft }) });
      onSaved(res.cv);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  const input = (label: string, value: string | undefined, onChange: (v: string) => void, testId?: string) => (
    <label className="field">
      {label}
      <input value={value ?? ""} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </label>
  );

  return (
    <form className="card editor" onSubmit={save} aria-describedby={error ? "editor-error" : undefined} data-testid="cv-editor">
      {error && (
        <p id="editor-error" className="error" role="alert">
          {error}
        </p>
      )}
      <fieldset>
        <legend>{t("field.name")}</legend>
        <div className="two">
          {input(t("field.name"), draft.basics.name, (v) => basics({ name: orUndefined(v) }), "edit-name")}
          {input(t("field.label"), draft.basics.label, (v) => basics({ label: orUndefined(v) }), "edit-label")}
          {input(t("field.email"), draft.basics.email, (v) => basics({ email: orUndefined(v) }))}
          {input(t("field.phone"), draft.basics.phone, (v) => basics({ phone: orUndefined(v) }))}
        </div>
        <label className="field">
          {t("field.summary")}
          <textarea rows={4} value={draft.basics.summary ?? ""} onChange={(e) => basics({ summary: orUndefined(e.target.value) })} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t("cv.experience")}</legend>
        {draft.work.map((w, i) => (
          <div key={i} className="editor__entry">
            <div className="two">
              {input(t("field.position"), w.position, (v) => work(i, { position: orUndefined(v) }))}
              {input(t("field.company"), w.name, (v) => work(i, { name: orUndefined(v) }))}
              {input(t("field.location"), w.location, (v) => work(i, { location: orUndefined(v) }))}
              {input(t("field.start"), w.startDate, (v) => work(i, { startDate: orUndefined(v), startDateText: undefined }), `edit-work-start-${i}`)}
              {input(t("field.end"), w.endDate, (v) => work(i, { endDate: orUndefined(v), endDateText: undefined }))}
            </div>
            <label className="field">
              {t("field.highlights")}
              <textarea rows={3} value={(w.highlights ?? []).join("\n")} onChange={(e) => work(i, { highlights: lines(e.target.value) })} />
            </label>
            <button type="button" onClick={() => setDraft((d) => ({ ...d, work: d.work.filter((_, j) => j !== i) }))}>
              {t("field.remove")}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setDraft((d) => ({ ...d, work: [...d.work, {}] }))}>
          {t("field.add")}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t("cv.education")}</legend>
        {draft.education.map((e, i) => (
          <div key={i} className="editor__entry two">
            {input(t("field.institution"), e.institution, (v) => edu(i, { institution: orUndefined(v) }))}
            {input(t("field.degree"), e.studyType, (v) => edu(i, { studyType: orUndefined(v) }))}
            {input(t("field.start"), e.startDate, (v) => edu(i, { startDate: orUndefined(v), startDateText: undefined }))}
            {input(t("field.end"), e.endDate, (v) => edu(i, { endDate: orUndefined(v), endDateText: undefined }))}
          </div>
        ))}
        <button type="button" onClick={() => setDraft((d) => ({ ...d, education: [...d.education, {}] }))}>
          {t("field.add")}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t("cv.skills")}</legend>
        {draft.skills.map((s, i) => (
          <div key={i} className="editor__entry two">
            {input(t("field.skillGroup"), s.name, (v) => skill(i, { name: v }))}
            {input(t("field.keywords"), (s.keywords ?? []).join(", "), (v) => skill(i, { keywords: v.split(",").map((k) => k.trim()).filter(Boolean) }))}
          </div>
        ))}
        <button type="button" onClick={() => setDraft((d) => ({ ...d, skills: [...d.skills, { name: "" }] }))}>
          {t("field.add")}
        </button>
      </fieldset>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("cv.cancelEdit")}
        </button>
        <button type="submit" className="primary" disabled={saving} data-testid="save-cv">
          {t("cv.save")}
        </button>
      </div>
    </form>
  );
}

export function CvPage({ id }: { id: string }) {
  const { t, errorText } = useI18n();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteProblem, setDeleteProblem] = useState<string | null>(null);
  const router = useRouter();
  const [cv, setCv] = useState<Cv | null | "missing">(null);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    api<CvResponse>(`/api/cvs/${id}`)
      .then((res) => setCv(res.cv))
      .catch(() => setCv("missing"));
  }, [id]);

  if (cv === null) return <p className="muted">…</p>;
  if (cv === "missing")
    return (
      <div className="card">
        <p>{t("cv.notFound")}</p>
        <Link href="/">{t("cv.back")}</Link>
      </div>
    );
  const report = cv.matchReport;
  return (
    <div className="cv-page">
      <div className="actions">
        <Link href="/">← {t("cv.back")}</Link>
        <span className="spacer" />
        <a className="button" href={`/api/cvs/${cv.id}/export?format=json`} download>
          {t("cv.downloadJson")}
        </a>
        <a className="button" href={`/api/cvs/${cv.id}/export?format=pdf`} download>
          {t("cv.downloadPdf")}
        </a>
        {!editing && (
          <button type="button" onClick={() => setEditing(true)} data-testid="edit-cv">
            {t("cv.edit")}
          </button>
        )}
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {notice}
      </p>
      {report && (
        <section className="card report" aria-labelledby="report-title" data-testid="match-report">
          <h2 id="report-title">
            {t("cv.matchReport")} · {t("cv.score")} <span data-testid="match-score">{report.score}</span>/100
          </h2>
          {cv.baseCvId && (
            <p>
              {t("cv.basedOn")} <Link href={`/cvs/${cv.baseCvId}`}>{t("cv.baseCv")}</Link>
            </p>
          )}
          <div className="two">
            <div>
              <h3>{t("cv.matched")}</h3>
              <ul className="chips chips--ok">
                {report.matched.map((m) => (
                  <li key={`${m.kind}:${m.requirement}`} title={m.evidence}>
                    {m.requirement}
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h3>{t("cv.missing")}</h3>
              <ul className="chips chips--missing">
                {report.missing.map((m) => (
                  <li key={`${m.kind}:${m.requirement}`}>{m.requirement}</li>
                ))}
              </ul>
            </div>
          </div>
        </section>
      )}
      {editing ? (
        <CvEditor
          cv={cv}
          t={t}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setCv(saved);
            setEditing(false);
            setNotice(t("cv.saved"));
          }}
        />
      ) : (
        <div className="card">
          <CvView content={cv.content} t={t} />
        </div>
      )}
      <button type="button" className="danger" onClick={() => setConfirmDelete(true)} data-testid="delete-cv">
        {t("cv.delete")}
      </button>
      {deleteProblem && (
        <p className="notice-error" role="alert" data-testid="delete-cv-error">
          {deleteProblem}
        </p>
      )}
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
              setDeleteProblem(err instanceof ApiError ? errorText(err.code, err.message) : t("error.offline"));
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
