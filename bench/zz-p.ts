import fs from "node:fs";
import { extractPdfText } from "../src/server/cv/pdf/extract";
import { runStandaloneWorker } from "../src/server/tasks/standalone";
import { parseResume } from "../src/server/cv/parse/resume";
const pages = await extractPdfText((s, o) => runStandaloneWorker(s, o), new Uint8Array(fs.readFileSync(process.argv[2]!)));
parseResume(pages);
process.exit(0);
