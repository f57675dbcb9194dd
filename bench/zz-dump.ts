import fs from "node:fs";
import { extractPdfText } from "../src/server/cv/pdf/extract";
import { runStandaloneWorker } from "../src/server/tasks/standalone";
import { readingOrder } from "../src/server/cv/parse/layout";
const file = process.argv[2]!;
const pages = await extractPdfText((s, o) => runStandaloneWorker(s, o), new Uint8Array(fs.readFileSync(file)));
const n = Number(process.argv[3] ?? 40);
for (const l of readingOrder(pages).slice(0, n)) console.log(`p${l.page} ${l.column[0]} x${Math.round(l.x)} y${Math.round(l.y)} s${l.size.toFixed(1)}${l.bold ? "B" : " "} g${l.gapAbove === Infinity ? "∞" : l.gapAbove.toFixed(1)} | ${l.cells.map((c) => c.text).join(" ‖ ")}`);
process.exit(0);
