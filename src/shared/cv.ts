/**
 * The CV model: JSON Resume (https://jsonresume.org/schema), validated with Zod, shared by server and client.
 * Each date keeps its normalised form (YYYY, YYYY-MM or YYYY-MM-DD; no endDate means current) and, next to it,
 * the text the CV printed (`startDateText`, `endDateText`, `dateText`).
 */
import { z } from "zod";

const text = (max = 500) => z.string().trim().max(max);
const optionalText = (max = 500) => text(max).optional();
const url = z.string().trim().max(500).optional();
export const isoDate = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, { message: "dates are YYYY, YYYY-MM or YYYY-MM-DD" });

const dated = {
  startDate: isoDate.optional(),
  /** Absent: still current. */
  endDate: isoDate.optional(),
  startDateText: optionalText(100),
  endDateText: optionalText(100),
};
const highlights = z.array(text(1000)).max(50).optional();

export const profileSchema = z.object({ network: optionalText(100), username: optionalText(200), url });
export const locationSchema = z.object({
  address: optionalText(300),
  postalCode: optionalText(30),
  city: optionalText(100),
  region: optionalText(100),
  countryCode: optionalText(10),
});

export const basicsSchema = z.object({
  name: optionalText(200),
  label: optionalText(300),
  image: url,
  email: optionalText(254),
  phone: optionalText(60),
  url,
  summary: optionalText(5000),
  location: locationSchema.optional(),
  profiles: z.array(profileSchema).max(30).optional(),
});

export const workSchema = z.object({
  name: optionalText(300),
  position: optionalText(300),
  location: optionalText(200),
  url,
  summary: optionalText(5000),
  highlights,
  ...dated,
});
export const volunteerSchema = z.object({
  organization: optionalText(300),
  position: optionalText(300),
  url,
  summary: optionalText(5000),
  highlights,
  ...dated,
});
export const educationSchema = z.object({
  institution: optionalText(300),
  url,
  area: optionalText(300),
  studyType: optionalText(300),
  score: optionalText(100),
  location: optionalText(200),
  courses: z.array(text(300)).max(50).optional(),
  ...dated,
});
export const skillSchema = z.object({ name: text(200), level: optionalText(100), keywords: z.array(text(100)).max(100).optional() });
export const languageSchema = z.object({ language: text(100), fluency: optionalText(100) });
export const projectSchema = z.object({
  name: text(300),
  description: optionalText(5000),
  highlights,
  keywords: z.array(text(100)).max(50).optional(),
  url,
  ...dated,
});
export const certificateSchema = z.object({
  name: text(300),
  date: isoDate.optional(),
  dateText: optionalText(100),
  issuer: optionalText(300),
  url,
});
export const awardSchema = z.object({
  title: text(300),
  date: isoDate.optional(),
  dateText: optionalText(100),
  awarder: optionalText(300),
  summary: optionalText(2000),
});
export const publicationSchema = z.object({
  name: text(500),
  publisher: optionalText(300),
  releaseDate: isoDate.optional(),
  dateText: optionalText(100),
  url,
  summary: optionalText(2000),
});
export const interestSchema = z.object({ name: text(200), keywords: z.array(text(100)).max(50).optional() });

export const cvContentSchema = z.object({
  basics: basicsSchema.default({}),
  work: z.array(workSchema).max(100).default([]),
  volunteer: z.array(volunteerSchema).max(100).default([]),
  education: z.array(educationSchema).max(50).default([]),
  awards: z.array(awardSchema).max(100).default([]),
  certificates: z.array(certificateSchema).max(100).default([]),
  skills: z.array(skillSchema).max(200).default([]),
  languages: z.array(languageSchema).max(50).default([]),
  interests: z.array(interestSchema).max(100).default([]),
  projects: z.array(projectSchema).max(100).default([]),
  publications: z.array(publicationSchema).max(200).optional(),
  /** Lines of an imported PDF the parser could not place in any field, for the person to place by hand. */
  unplaced: z.array(text(1000)).max(500).optional(),
});

export type CvContent = z.infer<typeof cvContentSchema>;
export type CvWork = z.infer<typeof workSchema>;
export type CvEducation = z.infer<typeof educationSchema>;
export type CvSkill = z.infer<typeof skillSchema>;

export const CV_SOURCES = ["imported", "generated"] as const;
export type CvSource = (typeof CV_SOURCES)[number];

export const jobOfferSchema = z.object({
  text: z
    .string()
    .trim()
    .min(50, { message: "each job offer needs at least 50 characters of text" })
    .max(50_000, { message: "each job offer may have at most 50,000 characters" }),
  title: z.string().trim().max(300).optional(),
  company: z.string().trim().max(300).optional(),
  url: z.string().trim().max(2000).optional(),
});
export type JobOffer = z.infer<typeof jobOfferSchema>;

export const generateCvRequestSchema = z.object({
  cvId: z.uuid({ message: "cvId must be the id of one of your CVs" }),
  offers: z
    .array(jobOfferSchema)
    .min(1, { message: "send at least one job offer" })
    .max(10, { message: "send at most 10 job offers at once" }),
});

export type RequirementKind = "skill" | "language" | "keyword" | "seniority";

export interface MatchReport {
  /** 0-100. */
  score: number;
  /** `evidence`: the CV line that satisfies the requirement (shown inline); `source`: where that line sits. */
  matched: { requirement: string; kind: RequirementKind; evidence: string; source?: string; optional?: boolean }[];
  /** `suggestion`: what to add to the CV, if it is true, in the offer's language. */
  missing: { requirement: string; kind: RequirementKind; optional?: boolean; suggestion?: string }[];
  seniority?: { wanted: string; yearsOfExperience: number };
  /** Base CV entries the tailored CV leaves out (old and irrelevant); `index` is the entry's index in the base CV's section, to restore it. */
  hidden?: { section: "work"; index: number; name?: string; position?: string; startDate?: string; endDate?: string; reason: string }[];
}

/** Why a generation kept the offline result although a model was configured. */
export const ENGINE_FALLBACK_CODES = ["llm_unavailable", "llm_invalid_answer", "llm_rewrite_rejected"] as const;
export type EngineFallbackCode = (typeof ENGINE_FALLBACK_CODES)[number];

/**
 * Which engine wrote a generated CV: the offline engine, or the named model. `fallback`: a model was
 * configured but its result was not used (its code is translated; `reason` is the detail, in English).
 */
export interface CvEngine {
  kind: "offline" | "llm";
  model?: string;
  fallback?: { code: EngineFallbackCode; reason: string };
}

/** What a generate-cv task's `result` holds. */
export interface GenerateCvResult {
  cvId: string;
  score: number;
  engine: "offline" | "llm";
  model?: string;
  fallbackCode?: EngineFallbackCode;
  fallbackReason?: string;
}

export interface CvSummary {
  id: string;
  title: string;
  source: CvSource;
  baseCvId: string | null;
  matchScore: number | null;
  /** Marked by the user as their main CV (see CvListResponse.mainCvId for the default). */
  isMain: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Cv extends CvSummary {
  content: CvContent;
  jobOffer: JobOffer | null;
  matchReport: MatchReport | null;
  taskId: string | null;
  engine: CvEngine | null;
  /** The base CV of a generated one, with its current title; null when there is none or it was deleted. */
  baseCv: { id: string; title: string } | null;
}

export const cvTitleSchema = z.string().trim().min(1).max(200);

export const cvPatchSchema = z.object({
  title: cvTitleSchema.optional(),
  content: cvContentSchema.optional(),
  /** true: this becomes the main CV (the previous one is unmarked); false: unmarked, the default applies again. */
  main: z.boolean({ message: "main must be true or false" }).optional(),
});
export type CvPatch = z.infer<typeof cvPatchSchema>;

export const cvDuplicateSchema = z.object({ title: cvTitleSchema.optional() });

/** Puts an entry the tailoring hid back into the generated CV, from its base CV. */
export const restoreHiddenSchema = z.object({
  section: z.literal("work", { message: "section must be work" }),
  index: z.number({ message: "index must be a number" }).int().min(0).max(1000),
});

/** "Mar 2020 – Present": the printed text when there is one, else the normalised date; "" without a start. */
export function formatDateRange(
  item: { startDate?: string; endDate?: string; startDateText?: string; endDateText?: string },
  present: string,
): string {
  const start = item.startDateText ?? item.startDate;
  if (!start) return "";
  return `${start} – ${item.endDateText ?? item.endDate ?? present}`;
}

export const cvIdSchema = z.uuid({ message: "the CV id must be a UUID" });

export interface CvListResponse {
  cvs: CvSummary[];
  /** Pass back as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
  /**
   * The base CV to tailor from by default: the one marked main, else the latest imported one (else the
   * latest), on any page; null without CVs. Sent with every page, so a main CV beyond the first is known.
   */
  main: CvSummary | null;
}

export const cvListQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number({ message: "limit must be a number from 1 to 100" }).int().min(1, { message: "limit must be a number from 1 to 100" }).max(100, { message: "limit must be a number from 1 to 100" }).optional(),
});
export interface CvResponse {
  cv: Cv;
}
