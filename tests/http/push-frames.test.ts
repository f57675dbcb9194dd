/**
 * Frames and sync answers carry what a device renders, never the task's input: a generate-cv task's job
 * offer (up to 50,000 characters) stays on the server.
 */
import { describe, expect, inject, it } from "vitest";
import type { BackgroundTask, TaskResponse, TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { untilTaskIs } from "../helpers/api-tasks";
import { cvPdf } from "../helpers/pdfs";
import { openEvents, until } from "../helpers/sse";
import { ada } from "../fixtures/people";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";

describe("slim tasks on the wire", () => {
  it("sends a generate-cv task's frames, sync lists and deltas without its job offer", async () => {
    const client = await ApiClient.signUp(baseUrl);
    const imported = await client.upload<TaskResponse>("/api/background-tasks/import-pdf", await cvPdf(ada), "ada.pdf");
    expect(imported.status).toBe(202);
    const base = await untilTaskIs(client, imported.body.task.id, (t) => t.status === "completed", 60_000);
    const { cvId } = base.result as { cvId: string };
    const { cursor } = (await client.get<TaskSyncResponse>(SYNC)).body;

    const stream = await openEvents(`${baseUrl}/api/background-tasks/events`, client.cookieHeader);
    await until(() => stream.frames.some((f) => f.comment === "connected"));
    const marker = "Zanzibar-Quokka-7731";
    const offer = `Senior platform engineer (${marker}). ${"We run Kubernetes, Terraform and PostgreSQL across three regions. ".repeat(700)}`;
    expect(offer.length).toBeGreaterThan(45_000);
    const created = await client.post<{ tasks: BackgroundTask[] }>("/api/background-tasks/generate-cv", { cvId, offers: [{ text: offer, title: "Platform engineer" }] });
    expect(created.status).toBe(202);
    const id = created.body.tasks[0]!.id;
    expect(created.raw.toString()).not.toContain(marker);

    await until(() => stream.frames.some((f) => f.event === "task" && f.data?.includes(id) && f.data.includes('"status":"completed"')), 60_000, "the completed frame");
    const mine = stream.frames.filter((f) => f.event === "task" && f.data?.includes(id));
    expect(mine.length).toBeGreaterThanOrEqual(3); // queued, running (with progress), completed
    for (const frame of mine) {
      expect(frame.data).not.toContain(marker);
      expect(frame.data!.length).toBeLessThan(2000);
      expect(JSON.parse(frame.data!).task).not.toHaveProperty("payload");
    }
    // What the task center shows of a completed generation: its CV.
    const done = JSON.parse(mine.at(-1)!.data!).task as BackgroundTask;
    expect(done.result).toMatchObject({ cvId: expect.any(String) });
    stream.close();

    for (const path of [SYNC, `${SYNC}?since=${cursor}`, `${SYNC}?taskId=${id}`]) {
      const res = await client.get(path);
      expect(res.status).toBe(200);
      expect(res.raw.toString(), path).not.toContain(marker);
      expect(res.bytes, path).toBeLessThan(10_000);
    }
  }, 120_000);
});
