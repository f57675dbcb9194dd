/**
 * The editor's map of a CV: every JSON Resume section the app stores, its fields and their kinds, and the pure
 * operations on a draft (set a field, add, remove, move an entry). The form is drawn from this table.
 */
import type { CvContent } from "@/shared/cv";

export type FieldKind = "text" | "long" | "date" | "lines" | "words";

export interface FieldSpec {
  key: string;
  /** A message key under `editor.field`. */
  label: string;
  kind?: FieldKind;
  /** A date that may stay empty for "still going". */
  openEnd?: boolean;
}

/** Sections that are lists of entries; `profiles` lives in `basics`. */
export type ListKey = "profiles" | "work" | "education" | "skills" | "projects" | "languages" | "certificates" | "publications" | "awards" | "volunteer";

export interface ListSpec {
  key: ListKey;
  fields: FieldSpec[];
  /** What names an entry (in the move and remove buttons' labels, and the unplaced lines' targets). */
  nameOf(entry: Record<string, unknown>): string;
  /** The field a line from the import's unplaced lines goes to, when moved into an entry. */
  lines?: string;
}

const join = (...parts: unknown[]) => parts.filter((p) => typeof p === "string" && p.trim()).join(" · ");

export const BASICS_FIELDS: FieldSpec[] = [
  { key: "name", label: "name" },
  { key: "label", label: "label" },
  { key: "email", label: "email" },
  { key: "phone", label: "phone" },
  { key: "url", label: "website" },
  { key: "summary", label: "summary", kind: "long" },
];
export const LOCATION_FIELDS: FieldSpec[] = [
  { key: "address", label: "address" },
  { key: "postalCode", label: "postalCode" },
  { key: "city", label: "city" },
  { key: "region", label: "region" },
  { key: "countryCode", label: "countryCode" },
];

export const LISTS: ListSpec[] = [
  {
    key: "profiles",
    fields: [{ key: "network", label: "network" }, { key: "username", label: "username" }, { key: "url", label: "url" }],
    nameOf: (e) => join(e.network, e.username) || join(e.url),
  },
  {
    key: "work",
    fields: [
      { key: "position", label: "position" },
      { key: "name", label: "company" },
      { key: "location", label: "location" },
      { key: "url", label: "url" },
      { key: "startDate", label: "startDate", kind: "date" },
      { key: "endDate", label: "endDate", kind: "date", openEnd: true },
      { key: "summary", label: "description", kind: "long" },
      { key: "highlights", label: "highlights", kind: "lines" },
    ],
    nameOf: (e) => join(e.position, e.name),
    lines: "highlights",
  },
  {
    key: "education",
    fields: [
      { key: "institution", label: "institution" },
      { key: "studyType", label: "studyType" },
      { key: "area", label: "area" },
      { key: "score", label: "grade" },
      { key: "location", label: "location" },
      { key: "url", label: "url" },
      { key: "startDate", label: "startDate", kind: "date" },
      { key: "endDate", label: "endDate", kind: "date" },
      { key: "courses", label: "courses", kind: "lines" },
    ],
    nameOf: (e) => join(e.studyType, e.institution),
    lines: "courses",
  },
  {
    key: "skills",
    fields: [{ key: "name", label: "skillGroup" }, { key: "level", label: "level" }, { key: "keywords", label: "keywords", kind: "words" }],
    nameOf: (e) => join(e.name),
    lines: "keywords",
  },
  {
    key: "projects",
    fields: [
      { key: "name", label: "projectName" },
      { key: "url", label: "url" },
      { key: "startDate", label: "startDate", kind: "date" },
      { key: "endDate", label: "endDate", kind: "date" },
      { key: "description", label: "description", kind: "long" },
      { key: "highlights", label: "highlights", kind: "lines" },
      { key: "keywords", label: "keywords", kind: "words" },
    ],
    nameOf: (e) => join(e.name),
    lines: "highlights",
  },
  {
    key: "languages",
    fields: [{ key: "language", label: "language" }, { key: "fluency", label: "fluency" }],
    nameOf: (e) => join(e.language, e.fluency),
  },
  {
    key: "certificates",
    fields: [{ key: "name", label: "certificate" }, { key: "issuer", label: "issuer" }, { key: "date", label: "date", kind: "date" }, { key: "url", label: "url" }],
    nameOf: (e) => join(e.name, e.issuer),
  },
  {
    key: "publications",
    fields: [
      { key: "name", label: "publicationTitle" },
      { key: "publisher", label: "publisher" },
      { key: "releaseDate", label: "date", kind: "date" },
      { key: "url", label: "url" },
      { key: "summary", label: "description", kind: "long" },
    ],
    nameOf: (e) => join(e.name, e.publisher),
  },
  {
    key: "awards",
    fields: [{ key: "title", label: "awardTitle" }, { key: "awarder", label: "awarder" }, { key: "date", label: "date", kind: "date" }, { key: "summary", label: "description", kind: "long" }],
    nameOf: (e) => join(e.title, e.awarder),
  },
  {
    key: "volunteer",
    fields: [
      { key: "position", label: "position" },
      { key: "organization", label: "organization" },
      { key: "url", label: "url" },
      { key: "startDate", label: "startDate", kind: "date" },
      { key: "endDate", label: "endDate", kind: "date", openEnd: true },
      { key: "summary", label: "description", kind: "long" },
      { key: "highlights", label: "highlights", kind: "lines" },
    ],
    nameOf: (e) => join(e.position, e.organization),
    lines: "highlights",
  },
];

/** A new, empty entry of a section (the fields the schema requires, empty). */
export function emptyEntry(key: ListKey): Record<string, unknown> {
  switch (key) {
    case "skills":
    case "projects":
    case "certificates":
    case "publications":
      return { name: "" };
    case "languages":
      return { language: "" };
    case "awards":
      return { title: "" };
    default:
      return {};
  }
}

type Entry = Record<string, unknown>;

export function listOf(content: CvContent, key: ListKey): Entry[] {
  if (key === "profiles") return (content.basics.profiles ?? []) as Entry[];
  return ((content as Record<string, unknown>)[key] as Entry[] | undefined) ?? [];
}

export function withList(content: CvContent, key: ListKey, list: Entry[]): CvContent {
  if (key === "profiles") return { ...content, basics: { ...content.basics, profiles: list } };
  return { ...content, [key]: list } as CvContent;
}

/** The printed text that goes with a date field: it would override the date typed in, so an edit drops it. */
const PRINTED: Record<string, string> = { startDate: "startDateText", endDate: "endDateText", date: "dateText", releaseDate: "dateText" };

/** Sets one field of an object; an empty value removes it (optional fields), a date drops its printed text. */
export function setKey(entry: Entry, key: string, value: unknown, required = false): Entry {
  const next: Entry = { ...entry };
  const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  if (empty && !required) delete next[key];
  else next[key] = empty && required ? "" : value;
  const printed = PRINTED[key];
  if (printed) delete next[printed];
  return next;
}

/** Fields the schema requires (a string, possibly empty). */
export const REQUIRED: Partial<Record<ListKey, string>> = { skills: "name", projects: "name", certificates: "name", publications: "name", languages: "language", awards: "title" };

export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}
