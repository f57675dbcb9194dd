import fs from "node:fs";
import { parseResume } from "../src/server/cv/parse/resume";
const pages = JSON.parse(fs.readFileSync(`/tmp/dump/${process.argv[2]}.json`, "utf8")).pages;
const cv = parseResume(pages);
const field = process.argv[3] ?? "work";
console.log(JSON.stringify(field === "basics" ? cv.basics : (cv as any)[field].map((w: any) => ({ ...w, highlights: w.highlights?.length, summary: w.summary?.slice(0, 60) })), null, 0).replace(/\},\{/g, "},\n{"));
