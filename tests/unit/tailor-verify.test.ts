/**
 * The check on a language model's rewrite: it may rephrase the CV (also in the offer's language), never add a
 * number, a skill, an employer or a title the base CV does not state.
 */
import { describe, expect, it } from "vitest";
import { tailorCv } from "@/server/cv/tailor/tailor";
import { rejectRewrite } from "@/server/cv/tailor/verify";
import { noor } from "./tailor-fixtures";

const NOW = new Date("2026-11-15T12:00:00Z");
const OFFER = {
  company: "Helios Robotics",
  text: "Helios Robotics recrute un ingénieur inférence à Paris. Vous déploierez des modèles avec Triton et ONNX sur Kubernetes, avec Rust en bonus.",
};
const offline = tailorCv(noor, OFFER, NOW).content;
const honest = {
  label: "Co-Founder & CTO · Inference, ONNX",
  summary: "Co-Founder & CTO avec 10 ans d'expérience, dont l'inférence de modèles sur Triton et ONNX chez Brightwave Analytics.",
  highlights: ["Servi l'inférence de modèles sur Triton avec des exports ONNX, latence réduite de 40 %", "Entraînement distribué avec Ray sur Kubernetes"],
};

describe("a model's rewrite", () => {
  it("passes when it only rephrases the CV's facts, in the offer's language", () => {
    expect(rejectRewrite(noor, offline, OFFER, honest)).toBeNull();
  });

  it.each([
    ["an employer", { highlights: [...honest.highlights, "Dirigé l'équipe inférence chez Google Brain"] }, /“Google”/],
    ["the offer's employer", { summary: "Co-Founder & CTO, déjà partenaire de Helios pour l'inférence." }, /offer's employer.*“helios”/],
    ["a number", { highlights: ["Servi l'inférence de modèles sur Triton, latence réduite de 60 %"] }, /numbers.*“60”/],
    ["a date", { summary: "Co-Founder & CTO depuis 2019." }, /numbers.*“2019”/],
    ["a skill the CV does not show", { highlights: [...honest.highlights, "Réécrit le serveur d'inférence en Rust"] }, /skills.*“Rust”/],
    ["a title from the offer", { label: "Ingénieur inférence principal" }, /headline.*“principal”/],
  ])("is rejected when it adds %s", (_what, change, reason) => {
    expect(rejectRewrite(noor, offline, OFFER, { ...honest, ...change })).toMatch(reason);
  });
});
