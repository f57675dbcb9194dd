/** The gate in front of upload-time PDF checks: a few at once, a short line, then 503 with Retry-After. */
import { describe, expect, it } from "vitest";
import { CheckGate } from "@/server/cv/upload";
import { AppError } from "@/server/errors";

describe("CheckGate", () => {
  it("lets `running` through, queues `waiting` in order, refuses the rest with a 503 to retry", async () => {
    const gate = new CheckGate(2, 2);
    const first = await gate.acquire();
    const second = await gate.acquire();
    const order: number[] = [];
    const third = gate.acquire().then((release) => (order.push(3), release));
    const fourth = gate.acquire().then((release) => (order.push(4), release));
    const refused = await gate.acquire().catch((err: unknown) => err);
    expect(AppError.is(refused)).toBe(true);
    expect(refused).toMatchObject({ status: 503, code: "pdf_checks_busy", details: { retryAfterSeconds: 5 } });

    first();
    first(); // releasing twice frees one slot only
    const releaseThird = await third;
    expect(order).toEqual([3]);
    second();
    const releaseFourth = await fourth;
    expect(order).toEqual([3, 4]);
    releaseThird();
    releaseFourth();
    // Everything released: two run at once again without waiting.
    const a = await gate.acquire();
    const b = await gate.acquire();
    a();
    b();
  });
});
