/**
 * What a task's title is made of. The server stores an English title (for API clients and logs) and these
 * parameters; the UI builds the title in the reader's language from the task's type and them.
 */
import type { JobOffer } from "./cv";

/** The offer a generate-cv task is for: its title, else its company, else its first line (60 characters). */
export function offerSubject(offer: Pick<JobOffer, "title" | "company" | "text">): string {
  return offer.title ?? offer.company ?? offer.text.trim().split("\n")[0]!.slice(0, 60);
}

export const importTitleParams = (fileName: string) => ({ file: fileName });
export const generateTitleParams = (offer: Pick<JobOffer, "title" | "company" | "text">) => ({ subject: offerSubject(offer) });
export const waitTitleParams = (durationMs: number) => ({ ms: String(durationMs) });

/** The message that builds each type's title (src/i18n/messages: taskTitle.*), and its English form as stored. */
export const TASK_TITLES = {
  "import-pdf": { key: "taskTitle.importPdf", english: (p: { file: string }) => `Import ${p.file}` },
  "generate-cv": { key: "taskTitle.generateCv", english: (p: { subject: string }) => `Tailor CV for ${p.subject}` },
  noop: { key: "taskTitle.wait", english: (p: { ms: string }) => (p.ms !== "0" ? `Wait ${p.ms} ms` : "No-op") },
} as const;
