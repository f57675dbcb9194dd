import { describe, expect, it } from "vitest";
import { InFlightBatcher } from "@/server/tasks/batcher";

describe("InFlightBatcher", () => {
  it("sends calls of one turn together, and those made while a batch is in flight in the next one", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new InFlightBatcher<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    }, 100);
    const first = [1, 2, 3].map((i) => batcher.add(i));
    await new Promise((r) => setImmediate(r));
    const second = [4, 5].map((i) => batcher.add(i)); // the first batch is in flight
    release();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it("fails only the batch whose statement failed, and caps a batch's size", async () => {
    const batches: number[][] = [];
    const batcher = new InFlightBatcher<number, number>(async (items) => {
      batches.push(items);
      if (items.includes(2)) throw new Error("transient");
      return items;
    }, 2);
    const results = await Promise.allSettled([1, 2, 3].map((i) => batcher.add(i)));
    expect(batches).toEqual([[1, 2], [3]]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled"]);
  });
});
