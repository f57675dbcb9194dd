/**
 * Honest tailoring: the tailored CV keeps the base CV's order, its jobs and titles; the headline says the
 * candidate's real current title and real seniority (overlapping jobs counted once, internships not counted).
 */
import { describe, expect, it } from "vitest";
import { currentWork, tailorCv, yearsOfExperience } from "@/server/cv/tailor/tailor";
import type { CvContent } from "@/shared/cv";
import { noor } from "./tailor-fixtures";

const NOW = new Date("2026-11-15T12:00:00Z");

const INFERENCE_OFFER = {
  title: "Senior ML Inference Engineer",
  company: "Helios Robotics",
  text: `Senior ML Inference Engineer

You will own model inference: serving models with Triton and ONNX, scaling batch jobs with Ray on Kubernetes,
and quantization of vision models. Quantization experience matters. 5+ years of experience.`,
};

describe("tailoring keeps the CV honest", () => {
  it("keeps experience entries in the base CV's reverse-chronological order, even when an older job matches better", () => {
    const { content } = tailorCv(noor, INFERENCE_OFFER, NOW);
    // The ML job and the internship match the offer far better than the current role; the order stays.
    expect(content.work.map((w) => w.name)).toEqual(["Quillfire Labs", "Brightwave Analytics", "Institut Lumen"]);
    // Never renamed, never re-dated.
    for (const w of content.work) {
      const original = noor.work.find((b) => b.name === w.name)!;
      expect([w.position, w.startDate, w.endDate]).toEqual([original.position, original.startDate, original.endDate]);
    }
  });

  it("orders bullets by relevance inside an entry, and skills inside a group", () => {
    const { content } = tailorCv(noor, INFERENCE_OFFER, NOW);
    const ml = content.work.find((w) => w.name === "Brightwave Analytics")!;
    expect(ml.highlights![0]).toMatch(/Triton/);
    expect(ml.highlights!.at(-1)).toBe("Wrote the quarterly reports for the board");
    expect(content.skills[0]!.name).toBe("Machine learning");
  });

  it("hides an old irrelevant entry, lists it as hidden with its base index, and leaves the base CV whole", () => {
    const before = JSON.stringify(noor);
    const { content, report } = tailorCv(noor, INFERENCE_OFFER, NOW);
    expect(content.work.map((w) => w.name)).not.toContain("Corner Bakery Group");
    expect(report.hidden).toEqual([expect.objectContaining({ section: "work", index: 3, name: "Corner Bakery Group", position: "Data Analyst" })]);
    expect(JSON.stringify(noor)).toBe(before);
  });

  it("headline: the real current title and seniority, never the internship", () => {
    const { content } = tailorCv(noor, INFERENCE_OFFER, NOW);
    expect(currentWork(noor)?.position).toBe("Co-Founder & CTO");
    expect(content.basics.label).toMatch(/^Co-Founder & CTO/);
    expect(content.basics.label).not.toMatch(/Intern/);
    // 2018-01 → 2026-11 (the CTO years overlap the ML job: counted once) + 2011-01 → 2012-06 = 125 months.
    expect(content.basics.summary).toMatch(/^Co-Founder & CTO with 10 years of experience/);
  });

  it("seniority: overlapping jobs merged, internships not counted", () => {
    expect(yearsOfExperience(noor, NOW)).toBeCloseTo(125 / 12, 5);
    // Two jobs held at once over the same 2 years are 2 years, not 4.
    const twoAtOnce: CvContent = {
      ...noor,
      work: [
        { name: "A", position: "Engineer", startDate: "2020-01", endDate: "2021-12" },
        { name: "B", position: "Advisor", startDate: "2020-01", endDate: "2021-12" },
        { name: "C", position: "Summer Intern", startDate: "2019-06", endDate: "2019-08" },
      ],
    };
    expect(yearsOfExperience(twoAtOnce, NOW)).toBe(2);
  });

  it("when no job is open, the title is that of the job that ended last", () => {
    const past: CvContent = { ...noor, work: [noor.work[3]!, { ...noor.work[0]!, endDate: "2025-01" }, noor.work[2]!] };
    expect(currentWork(past)?.position).toBe("Co-Founder & CTO");
  });

  it("titles the tailored CV in its summary's language: the role and company, joined by the offer language's word", () => {
    expect(tailorCv(noor, INFERENCE_OFFER, NOW).title).toBe(`${noor.basics.name} – Senior ML Inference Engineer at Helios Robotics`);
    const french = {
      title: "Ingénieur inférence ML",
      company: "Helios Robotique",
      text: `Nous recherchons un ingénieur pour le service des modèles avec Triton et ONNX, la quantification des modèles de vision
et le passage à l'échelle des traitements avec Ray sur Kubernetes. Vous avez au moins cinq ans d'expérience dans une équipe produit.`,
    };
    const tailored = tailorCv(noor, french, NOW);
    expect(tailored.title).toBe(`${noor.basics.name} – Ingénieur inférence ML chez Helios Robotique`);
    expect(tailored.content.basics.summary).toMatch(/expérience/);
  });
});
