import { sql } from "drizzle-orm";
import { expect, it, onTestFinished } from "vitest";
import { executePrepared, rowsOf } from "@/server/db/client";
import { createEngine, describeBackends } from "../helpers/engine";

describeBackends("prepared hot statements", (backend) => {
  it("give back every parameter exactly, quotes, backslashes and SQL included, on the first run and the prepared ones", async () => {
    const engine = await createEngine({ backend });
    onTestFinished(() => engine.close());
    const hostile = ["it's", "''; drop table background_task; --", "back\\slash \\' end", "$1 $$ e'x'", "émoji 🙂 ünï", ""];
    for (let run = 0; run < 3; run++) {
      for (const text of hostile) {
        const query = sql`select ${text}::text as t, ${text.length}::int as n, ${null}::text as nothing, ${JSON.stringify({ text })}::jsonb as j`;
        const [row] = rowsOf<{ t: string; n: number; nothing: null; j: { text: string } }>(await executePrepared(engine.database.db, query));
        expect(row).toEqual({ t: text, n: text.length, nothing: null, j: { text } });
      }
    }
    // Many first calls at once share one preparation.
    const at = await Promise.all(Array.from({ length: 20 }, (_, i) => executePrepared(engine.database.db, sql`select ${i}::int as i, 'concurrent first' as what`)));
    expect(at.map((r) => rowsOf<{ i: number }>(r)[0]!.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // The table the hostile text names is still there.
    expect(rowsOf(await engine.database.db.execute(sql`select count(*) from background_task`))).toHaveLength(1);
  });
});
