"use client";

import { SIDEBAR_SECTIONS, headingsFor, type CvTemplate, type ExportEntry, type ExportModel, type ExportSection, type Paper } from "@/shared/cv-sections";

function Entry({ e }: { e: ExportEntry }) {
  return (
    <div className="cvdoc-entry">
      {(e.title || e.dates) && (
        <div className="cvdoc-row">
          {e.title && <span className="cvdoc-title">{e.title}</span>}
          {e.dates && <span className="cvdoc-dates">{e.dates}</span>}
        </div>
      )}
      {e.subtitle && <div className="cvdoc-subtitle">{e.subtitle}</div>}
      {e.text && <p className="cvdoc-text">{e.text}</p>}
      {!!e.bullets?.length && (
        <ul className="cvdoc-bullets">
          {e.bullets.map((b, i) => (
            <li key={i}>{b}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Section({ s }: { s: ExportSection }) {
  return (
    <section data-section={s.key}>
      <h2 className="cvdoc-heading">{s.heading}</h2>
      {s.list
        ? s.entries.map((e, i) => (
            <p key={i} className="cvdoc-list">
              {e.text ? `${e.title}: ${e.text}` : e.title}
            </p>
          ))
        : s.entries.map((e, i) => <Entry key={i} e={e} />)}
    </section>
  );
}

/**
 * A CV drawn from the section model every export uses, in one of the export's templates: what the PDF and the
 * DOCX will say, in the same order, with the same headings and dates, on a page of the paper's proportions
 * (longer when the CV is).
 */
export function CvDocument({ model, template, paper = "a4" }: { model: ExportModel; template: CvTemplate; paper?: Paper }) {
  const className = ["cvdoc-page", `cvdoc-${template}`, paper === "letter" ? "cvdoc-letter" : ""].join(" ");
  const header = (
    <header>
      <h1 className="cvdoc-name">{model.name}</h1>
      {model.label && <p className="cvdoc-label">{model.label}</p>}
      {template !== "modern" && model.contact.length > 0 && <p className="cvdoc-contact">{model.contact.join("  ·  ")}</p>}
    </header>
  );
  if (template === "modern") {
    const contact: ExportSection = { key: "contact", heading: headingsFor(model.lang).contact, entries: model.contact.map((c) => ({ title: c })), list: true };
    const side = [...(contact.entries.length ? [contact] : []), ...model.sections.filter((s) => SIDEBAR_SECTIONS.has(s.key))];
    return (
      <article className={className} lang={model.lang} data-testid="cv-document" data-template={template}>
        {header}
        <div className="cvdoc-columns">
          <div className="cvdoc-side">
            {side.map((s) => (
              <Section key={s.key} s={s} />
            ))}
          </div>
          <div>
            {model.sections
              .filter((s) => !SIDEBAR_SECTIONS.has(s.key))
              .map((s) => (
                <Section key={s.key} s={s} />
              ))}
          </div>
        </div>
      </article>
    );
  }
  return (
    <article className={className} lang={model.lang} data-testid="cv-document" data-template={template}>
      {header}
      {model.sections.map((s) => (
        <Section key={s.key} s={s} />
      ))}
    </article>
  );
}
