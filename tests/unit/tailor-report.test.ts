/**
 * The match report: no employer names, places or stop words as requirements; accent- and case-insensitive
 * matching with light stemming and a translation lexicon; each match with its CV line; suggestions for the rest.
 */
import { describe, expect, it } from "vitest";
import { stem } from "@/server/cv/tailor/lexicon";
import { extractRequirements } from "@/server/cv/tailor/requirements";
import { tailorCv } from "@/server/cv/tailor/tailor";
import { noor } from "./tailor-fixtures";

const NOW = new Date("2026-11-15T12:00:00Z");

const FRENCH_OFFER = {
  text: `Ingénieur(e) inférence — Helios

Helios recrute un(e) ingénieur(e) pour son équipe inférence à Paris. Chez Helios, vous déploierez nos modèles
d'apprentissage automatique avec Triton et ONNX, sur Kubernetes. La quantification et la latence de
l'inférence sont au cœur du poste. Poste basé à Paris, déplacements à Lyon et Berlin.
Quantification, latence : vous aimez mesurer.`,
};

const all = (report: ReturnType<typeof tailorCv>["report"]) => [...report.matched, ...report.missing].map((r) => r.requirement.toLowerCase());

describe("the match report", () => {
  it("never counts the employer's name or a place as a requirement (company named only in the text)", () => {
    const req = extractRequirements(FRENCH_OFFER.text);
    expect(req.employerWords).toContain("helios");
    const { report } = tailorCv(noor, FRENCH_OFFER, NOW);
    const asked = all(report);
    for (const word of ["helios", "paris", "lyon", "berlin"]) expect(asked).not.toContain(word);
    // Stop words neither.
    for (const word of ["vous", "poste", "pour", "avec", "sont"]) expect(asked).not.toContain(word);
  });

  it("excludes the company field's words, even when the text never introduces the company", () => {
    const offer = {
      company: "Northwind Traders",
      text: "Northwind Traders needs a data engineer. Northwind runs Spark on AWS; traders at Northwind read the reports in Madrid and Madrid only.",
    };
    const asked = all(tailorCv(noor, offer, NOW).report);
    for (const word of ["northwind", "traders", "madrid"]) expect(asked).not.toContain(word);
    expect(asked).toEqual(expect.arrayContaining(["spark", "aws"]));
  });

  it("matches a French offer to an English CV, accents and case aside: inférence is inference, apprentissage automatique is machine learning", () => {
    const { report } = tailorCv(noor, FRENCH_OFFER, NOW);
    const inference = report.matched.find((m) => m.requirement === "Inference");
    expect(inference).toBeDefined();
    // The evidence is the CV's own line, shown as is.
    expect(noor.work.flatMap((w) => w.highlights ?? [])).toContain(inference!.evidence);
    expect(inference!.evidence).toMatch(/inference/i);
    expect(report.matched.map((m) => m.requirement)).toEqual(expect.arrayContaining(["Machine learning", "Triton", "ONNX", "Kubernetes"]));
    expect(report.missing.map((m) => m.requirement)).not.toContain("Inference");
  });

  it("keywords match by light stem, case and accents aside: a forecast in the offer, forecasting in the CV", () => {
    expect(stem("inférence")).toBe(stem("Inference"));
    expect(stem("managing")).toBe(stem("management"));
    expect(stem("Forecasts")).toBe(stem("forecasting"));
    const offer = { text: "We need forecasts of demand. Forecasts drive the weekly plan; dashboards show them, and dashboards must be clear." };
    const { report } = tailorCv(noor, offer, NOW);
    expect(report.matched.find((m) => m.requirement === "dashboards")).toMatchObject({ evidence: "Built weekly sales dashboards", source: "Data Analyst — Corner Bakery Group" });
    expect(report.missing.find((m) => m.requirement === "forecasts")).toBeDefined();
  });

  it("translates common engineering terms: latence is latency, quantification is quantization", () => {
    const { report } = tailorCv(noor, FRENCH_OFFER, NOW);
    expect(report.matched.find((m) => m.requirement === "Latency")?.evidence).toMatch(/latency/);
    expect(report.matched.find((m) => m.requirement === "Quantization")?.evidence).toBe("Quantized vision models for inference on phones");
  });

  it("suggests, for each missing requirement, what to add if it is true, in the offer's language", () => {
    const offer = { company: "Helios", text: "Helios recrute. Vous maîtrisez Rust et Terraform, et parlez allemand. Rust et Terraform au quotidien." };
    const { report } = tailorCv(noor, offer, NOW);
    const rust = report.missing.find((m) => m.requirement === "Rust");
    expect(rust?.suggestion).toMatch(/^Si c'est vrai, ajoutez « Rust »/);
    expect(report.missing.find((m) => m.requirement === "German")?.suggestion).toMatch(/langues/);
    for (const m of report.missing) expect(m.suggestion).toBeTruthy();
  });
});
