import fs from "node:fs";
import { readingOrder } from "/work/main/src/server/cv/parse/layout";
const pages = JSON.parse(fs.readFileSync(`/tmp/dump/${process.argv[2]}.json`, "utf8")).pages;
const lines = readingOrder(pages);
for (const l of lines.slice(0, Number(process.argv[3] ?? 40))) console.log(l.page, l.column.padEnd(5), l.y.toFixed(0).padStart(4), l.size.toFixed(1), l.bold ? "B" : " ", l.gapAbove.toFixed(1).padStart(4), l.cells.map((c) => `[${c.x.toFixed(0)}]${c.text}`).join(" | ").slice(0, 150));
