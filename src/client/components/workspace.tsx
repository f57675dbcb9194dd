"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { api } from "@/client/api";
import { useI18n } from "@/client/i18n";
import { useTaskSync } from "@/client/task-sync/provider";
import type { CvListResponse, CvSummary, JobOffer } from "@/shared/cv";

/**
 * The user's CVs, page by page (newest first); the first page is refreshed whenever an import or a generation
 * completes, on any device, and `loadMore` appends the next page.
 */
export function useCvList() {
  const { cvRevision } = useTaskSync();
  const [cvs, setCvs] = useState<CvSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [main, setMain] = useState<CvSummary | null>(null);
  const load = useCallback(async () => {
    const page = await api<CvListResponse>("/api/cvs");
    setCvs(page.cvs);
    setNextCursor(page.nextCursor);
    setMain(page.main);
  }, []);
  const loadMore = useCallback(async () => {
    if (!nextCursor) return;
    const page = await api<CvListResponse>(`/api/cvs?cursor=${encodeURIComponent(nextCursor)}`);
    setCvs((current) => {
      const seen = new Set((current ?? []).map((cv) => cv.id));
      return [...(current ?? []), ...page.cvs.filter((cv) => !seen.has(cv.id))];
    });
    setNextCursor(page.nextCursor);
    setMain(page.main);
  }, [nextCursor]);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load, cvRevision]);
  return { cvs, main, hasMore: nextCursor !== null, loadMore };
}

function ImportCard() {
  const { t, errorText } = useI18n();
  const { startImport } = useTaskSync();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  /** Why the last upload was refused, said where the file was chosen (the toast says it too). */
  const [problem, setProblem] = useState<{ file: string; code: string; message: string } | null>(null);
  const take = (files: FileList | null) => {
    const list = Array.from(files ?? []);
    if (list.length) setProblem(null);
    for (const file of list)
      void startImport(file).then((res) => {
        if (!res.ok) setProblem(res.offline ? { file: file.name, code: "offline", message: "" } : { file: file.name, code: res.code, message: res.message });
      });
  };
  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">{t("import.title")}</h2>
      <div
        className={`dropzone ${over ? "dropzone--over" : ""}`}
        onDragOver={(e: DragEvent) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e: DragEvent) => {
          e.preventDefault();
          setOver(false);
          take(e.dataTransfer.files);
        }}
        data-testid="dropzone"
      >
        <p>{t("import.hint")}</p>
        <button type="button" className="primary" onClick={() => input.current?.click()}>
          {t("import.choose")}
        </button>
        <input
          ref={input}
          type="file"
          accept="application/pdf,.pdf"
          className="sr-only"
          aria-label={t("import.choose")}
          // One tab stop for choosing a file: the button above opens this input.
          tabIndex={-1}
          data-testid="import-input"
          onChange={(e) => {
            take(e.target.files);
            e.target.value = "";
          }}
        />
        <p className="muted small">{t("import.limits")}</p>
        {problem && (
          <p className="notice-error" role="alert" data-testid="import-error">
            <strong>{problem.file}</strong>: {errorText(problem.code, problem.message)}
          </p>
        )}
      </div>
    </section>
  );
}

interface OfferDraft {
  text: string;
  title: string;
  company: string;
}
const emptyOffer = (): OfferDraft => ({ text: "", title: "", company: "" });

/**
 * Tailors a base CV to job offers. The base is the user's main CV unless they pick another here: the main
 * one (marked, else the latest imported) even when it is not on the list's first page.
 */
function GenerateCard({ cvs, main }: { cvs: CvSummary[]; main: CvSummary | null }) {
  const { t, errorText } = useI18n();
  const [sending, setSending] = useState(false);
  const { startGenerate } = useTaskSync();
  const [base, setBase] = useState("");
  const [offers, setOffers] = useState<OfferDraft[]>([emptyOffer()]);
  const [problem, setProblem] = useState<string | null>(null);
  const choices = main && !cvs.some((cv) => cv.id === main.id) ? [main, ...cvs] : cvs;
  const baseId = (base && choices.some((cv) => cv.id === base) ? base : "") || main?.id || cvs[0]?.id || "";

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (offers.some((o) => o.text.trim().length < 50)) {
      setProblem(t("generate.tooShort"));
      return;
    }
    setProblem(null);
    const payload: JobOffer[] = offers.map((o) => ({ text: o.text.trim(), ...(o.title.trim() ? { title: o.title.trim() } : {}), ...(o.company.trim() ? { company: o.company.trim() } : {}) }));
    const sent = offers;
    setSending(true);
    void startGenerate(baseId, payload).then((res) => {
      setSending(false);
      // The pasted offers are cleared only once the server took them; refused or unsent, they stay for another try.
      if (res.ok) setOffers((current) => (current === sent ? [emptyOffer()] : current));
      else setProblem(res.offline ? t("error.offline") : errorText(res.code, res.message));
    });
  };
  const update = (i: number, patch: Partial<OfferDraft>) => setOffers((list) => list.map((o, j) => (j === i ? { ...o, ...patch } : o)));

  return (
    <section className="card" aria-labelledby="generate-title">
      <h2 id="generate-title">{t("generate.title")}</h2>
      {cvs.length === 0 ? (
        <p className="muted">{t("generate.noBase")}</p>
      ) : (
        <form onSubmit={submit} data-testid="generate-form">
          <label className="field">
            {t("generate.base")}
            <select value={baseId} onChange={(e) => setBase(e.target.value)} data-testid="base-cv">
              {choices.map((cv) => (
                <option key={cv.id} value={cv.id} title={cv.title}>
                  {cv.id === main?.id ? t("generate.mainOption", { title: cv.title }) : cv.title}
                </option>
              ))}
            </select>
          </label>
          {offers.map((offer, i) => (
            <fieldset key={i} className="offer">
              <legend>{t("generate.offer", { n: i + 1 })}</legend>
              <label className="field">
                {t("generate.offerText")}
                <textarea rows={5} value={offer.text} onChange={(e) => update(i, { text: e.target.value })} data-testid={`offer-text-${i}`} />
              </label>
              <div className="two">
                <label className="field">
                  {t("generate.offerTitle")}
                  <input value={offer.title} onChange={(e) => update(i, { title: e.target.value })} />
                </label>
                <label className="field">
                  {t("generate.offerCompany")}
                  <input value={offer.company} onChange={(e) => update(i, { company: e.target.value })} />
                </label>
              </div>
              {offers.length > 1 && (
                <button type="button" onClick={() => setOffers((list) => list.filter((_, j) => j !== i))}>
                  {t("generate.removeOffer")}
                </button>
              )}
            </fieldset>
          ))}
          {problem && (
            <p className="notice-error" role="alert" data-testid="generate-error">
              {problem}
            </p>
          )}
          <div className="actions">
            {offers.length < 10 && (
              <button type="button" onClick={() => setOffers((list) => [...list, emptyOffer()])}>
                {t("generate.addOffer")}
              </button>
            )}
            <button type="submit" className="primary" data-testid="generate-submit" disabled={sending}>
              {t("generate.submit", { n: offers.length })}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function CvList({ cvs, mainId, hasMore, loadMore }: { cvs: CvSummary[]; mainId: string | null; hasMore: boolean; loadMore: () => Promise<void> }) {
  const { t, locale } = useI18n();
  if (cvs.length === 0) return <p className="muted">{t("list.empty")}</p>;
  return (
    <>
    <ul className="cv-list" data-testid="cv-list">
      {cvs.map((cv) => (
        <li key={cv.id} className="cv-item" data-cv-id={cv.id}>
          <Link href={`/cvs/${cv.id}`} className="cv-item__title" title={cv.title}>
            {cv.title}
          </Link>
          <span className={`pill pill--${cv.source}`}>{cv.source === "imported" ? t("list.imported") : t("list.generated")}</span>
          {cv.id === mainId && (
            <span className="pill pill--main" data-testid="main-pill">
              {t("editor.mainCv")}
            </span>
          )}
          {cv.matchScore !== null && <span className="pill pill--score">{t("list.match", { n: cv.matchScore })}</span>}
          <time className="muted small" dateTime={new Date(cv.createdAt).toISOString()}>
            {new Date(cv.createdAt).toLocaleString(locale)}
          </time>
        </li>
      ))}
    </ul>
    {hasMore && (
      <button type="button" onClick={() => void loadMore()} data-testid="cv-list-more">
        {t("list.more")}
      </button>
    )}
    </>
  );
}

export function Workspace() {
  const { t } = useI18n();
  const { cvs, main, hasMore, loadMore } = useCvList();
  return (
    <div className="workspace">
      <div className="grid">
        <ImportCard />
        <GenerateCard cvs={cvs ?? []} main={main} />
      </div>
      <section className="card" aria-labelledby="cvs-title">
        <h1 id="cvs-title">{t("home.title")}</h1>
        {cvs === null ? <p className="muted">…</p> : <CvList cvs={cvs} mainId={main?.id ?? null} hasMore={hasMore} loadMore={loadMore} />}
      </section>
    </div>
  );
}
