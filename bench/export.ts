/**
 * Export sizes and render times, side by side: a Latin/Cyrillic CV (DejaVu only) and a Chinese CV (DejaVu plus
 * the CJK font, embedded as subsets), in PDF and DOCX. The first render of each kind includes reading the fonts.
 */
import { renderCvDocx } from "../src/server/cv/export/docx";
import { renderCvPdf } from "../src/server/cv/export/pdf";
import { ivan, wang } from "../tests/engine/export-fixtures";
import { percentile, printResult } from "./lib/stats";

const RUNS = 20;
const figures: Record<string, number> = {};
for (const [name, cv] of [["latin", ivan], ["cjk", wang]] as const) {
  for (const [format, render] of [["pdf", renderCvPdf], ["docx", renderCvDocx]] as const) {
    const t0 = performance.now();
    const first = await render(cv, { template: "classic" });
    figures[`${name}_${format}_first_ms`] = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await render(cv, { template: (["classic", "modern", "compact"] as const)[i % 3] });
      times.push(performance.now() - t);
    }
    figures[`${name}_${format}_kb`] = first.length / 1024;
    figures[`${name}_${format}_p50_ms`] = percentile(times, 50);
    console.log(`${name} ${format}: ${first.length} bytes, first ${figures[`${name}_${format}_first_ms`]!.toFixed(0)} ms, p50 ${figures[`${name}_${format}_p50_ms`]!.toFixed(0)} ms`);
  }
}
printResult(figures);
