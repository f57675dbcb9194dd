"use client";

import Link from "next/link";
import { useState } from "react";
import { api, ApiError } from "@/client/api";
import { useI18n, type MessageKey } from "@/client/i18n";
import { ENGINE_FALLBACK_CODES, type Cv, type CvEngine, type CvResponse, type EngineFallbackCode, type MatchReport as Report } from "@/shared/cv";
import { formatUserDate } from "@/shared/cv-fields";

/** A colour per score, on a continuous red → amber → green scale (hue 0 → 120), dark enough for text on white. */
export function scoreColor(score: number): string {
  const hue = Math.round(Math.max(0, Math.min(100, score)) * 1.2);
  // Yellows and greens are bright: each hue gets the lightest shade that still reads as small text on the
  // card (WCAG AA, 4.5:1 against white), not one lightness for all.
  for (let lightness = 40; lightness > 10; lightness--) {
    if (contrastOnWhite(hue, 0.7, lightness / 100) >= 4.6) return `hsl(${hue}, 70%, ${lightness}%)`;
  }
  return `hsl(${hue}, 70%, 10%)`;
}

function contrastOnWhite(hue: number, saturation: number, lightness: number): number {
  // HSL → sRGB (CSS Color 4), then relative luminance.
  const k = (n: number) => (n + hue / 30) % 12;
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => lightness - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * linear(channel(0)) + 0.7152 * linear(channel(8)) + 0.0722 * linear(channel(4));
  return 1.05 / (luminance + 0.05);
}

/** Which engine wrote the CV, and why it fell back to the offline one, in the reader's language. */
export function EngineLine({ engine }: { engine: CvEngine | null }) {
  const { t } = useI18n();
  if (!engine) return null;
  let text: string;
  if (engine.kind === "llm") text = t("report.engineModel", { model: engine.model ?? "?" });
  else if (engine.fallback) text = t("report.engineFallback", { why: t(`report.fallback.${engine.fallback.code}` as MessageKey) });
  else text = t("report.engineOffline");
  return (
    <p className="small" data-testid="engine">
      {text}
      {engine.fallback && <span className="muted"> ({engine.fallback.reason})</span>}
    </p>
  );
}

/** The engine of a finished import or generation, from its task's result (`engine`, `model`, `fallbackCode`, `fallbackReason`). */
export function engineOfResult(result: unknown): CvEngine | null {
  const r = result as { engine?: unknown; model?: unknown; fallbackCode?: unknown; fallbackReason?: unknown } | null;
  if (r?.engine !== "offline" && r?.engine !== "llm") return null;
  const code = ENGINE_FALLBACK_CODES.includes(r.fallbackCode as EngineFallbackCode) ? (r.fallbackCode as EngineFallbackCode) : undefined;
  return {
    kind: r.engine,
    ...(typeof r.model === "string" ? { model: r.model } : {}),
    ...(code ? { fallback: { code, reason: typeof r.fallbackReason === "string" ? r.fallbackReason : "" } } : {}),
  };
}

/**
 * The match report of a generated CV: the score on a colour scale, each matched requirement with the CV
 * line that satisfies it (inline), each missing one with what to add if it is true, and the entries the
 * tailoring hid, each restorable.
 */
export function MatchReportCard({ cv, editing, onChange }: { cv: Cv; editing: boolean; onChange(cv: Cv): void }) {
  const { t, locale, errorText } = useI18n();
  const [busy, setBusy] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const report = cv.matchReport as Report;
  const restore = async (index: number) => {
    setBusy(index);
    setProblem(null);
    try {
      const res = await api<CvResponse>(`/api/cvs/${cv.id}/restore-hidden`, { method: "POST", body: JSON.stringify({ section: "work", index }) });
      onChange(res.cv);
    } catch (err) {
      setProblem(err instanceof ApiError ? errorText(err.code, err.message) : t("error.offline"));
    } finally {
      setBusy(null);
    }
  };
  const color = scoreColor(report.score);
  return (
    <section className="card report" aria-labelledby="report-title" data-testid="match-report">
      <h2 id="report-title">{t("cv.matchReport")}</h2>
      <div className="score" data-testid="score" style={{ color }}>
        <span className="score__value">
          <span data-testid="match-score">{report.score}</span>
          <span className="score__of">/100</span>
        </span>
        <span className="score__bar" aria-hidden="true">
          <span style={{ width: `${report.score}%`, background: color }} />
        </span>
      </div>
      <p className="small">
        {cv.baseCv ? (
          <>
            {t("cv.basedOn")}{" "}
            <Link href={`/cvs/${cv.baseCv.id}`} data-testid="base-link">
              {cv.baseCv.title}
            </Link>
          </>
        ) : (
          cv.baseCvId && t("report.baseDeleted")
        )}
      </p>
      <EngineLine engine={cv.engine} />
      {report.seniority && (
        <p className="small">{t("report.seniority", { wanted: report.seniority.wanted, years: report.seniority.yearsOfExperience })}</p>
      )}
      <div className="two report__lists">
        <div>
          <h3>
            {t("cv.matched")} ({report.matched.length})
          </h3>
          <ul className="requirements" data-testid="matched">
            {report.matched.map((m) => (
              <li key={`${m.kind}:${m.requirement}`} className="requirement requirement--ok">
                <span className="requirement__name">
                  {m.requirement}
                  {m.optional && <span className="muted small"> · {t("report.optional")}</span>}
                </span>
                <q className="requirement__evidence">{m.evidence}</q>
                {m.source && <span className="muted small"> — {m.source}</span>}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>
            {t("cv.missing")} ({report.missing.length})
          </h3>
          <ul className="requirements" data-testid="missing">
            {report.missing.map((m) => (
              <li key={`${m.kind}:${m.requirement}`} className="requirement requirement--missing">
                <span className="requirement__name">
                  {m.requirement}
                  {m.optional && <span className="muted small"> · {t("report.optional")}</span>}
                </span>
                {m.suggestion && (
                  <span className="requirement__suggestion">
                    <strong>{t("report.addIfTrue")}</strong> {m.suggestion}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
      {!!report.hidden?.length && (
        <div data-testid="hidden-entries">
          <h3>{t("report.hiddenTitle", { n: report.hidden.length })}</h3>
          <p className="muted small">{t("report.hiddenHint")}</p>
          <ul className="requirements">
            {report.hidden.map((h) => (
              <li key={h.index} className="requirement">
                <span className="requirement__name">{[h.position, h.name].filter(Boolean).join(" — ")}</span>
                <span className="muted small">
                  {[formatUserDate(h.startDate, locale), formatUserDate(h.endDate, locale)].filter(Boolean).join(" – ")}
                </span>
                <span className="muted small">{t("report.hiddenReason")}</span>
                <button type="button" onClick={() => void restore(h.index)} disabled={busy !== null || editing} data-testid={`restore-${h.index}`}>
                  {t("report.restore")}
                </button>
              </li>
            ))}
          </ul>
          {editing && <p className="muted small">{t("report.restoreWhileEditing")}</p>}
        </div>
      )}
      {problem && (
        <p className="notice-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
