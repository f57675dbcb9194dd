import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Cv, CvListResponse, CvResponse } from "@/shared/cv";
import { isFinishedStatus, type ApiErrorBody, type BackgroundTask, type TaskResponse, type TaskSyncResponse } from "@/shared/tasks";
import { ApiClient } from "../../scripts/lib/api-client";
import { untilTaskIs } from "../helpers/api-tasks";
import { ada, bruno } from "../fixtures/people";
import { corruptPdf, cvPdf, encryptedPdf, manyPagesPdf } from "../helpers/pdfs";

const baseUrl = inject("baseUrl");
const SYNC = "/api/background-tasks/sync";
const IMPORT = "/api/background-tasks/import-pdf";
const GENERATE = "/api/background-tasks/generate-cv";

const until = (client: ApiClient, id: string) => untilTaskIs(client, id, (t) => isFinishedStatus(t.status));

async function importCv(client: ApiClient, data: Uint8Array, fileName = "cv.pdf"): Promise<Cv> {
  const res = await client.upload<TaskResponse>(IMPORT, data, fileName);
  expect(res.status).toBe(202);
  const done = await until(client, res.body.task.id);
  expect(done.status).toBe("completed");
  return (await client.get<CvResponse>(`/api/cvs/${(done.result as { cvId: string }).cvId}`)).body.cv;
}

describe("import-pdf", () => {
  let client: ApiClient;
  beforeAll(async () => {
    client = await ApiClient.signUp(baseUrl);
  });

  it("imports a two-column PDF into a structured CV, on a task other devices see", async () => {
    const other = client.otherDevice();
    const id = randomUUID();
    const res = await client.upload<TaskResponse>(IMPORT, await cvPdf(ada, "two-column"), "adaline.pdf", { id });
    expect(res.status).toBe(202);
    expect(res.body.task).toMatchObject({ id, type: "import-pdf", status: "queued", title: "Import adaline.pdf", deviceId: client.deviceId });
    expect(res.body.task).not.toHaveProperty("payload"); // the task's input stays on the server
    const again = await client.upload<TaskResponse>(IMPORT, await cvPdf(ada, "two-column"), "adaline.pdf", { id });
    expect(again.body.task.id).toBe(id); // idempotent on the client's id
    const done = await until(other, id);
    expect(done.status).toBe("completed");
    const { body } = await other.get<CvResponse>(`/api/cvs/${(done.result as { cvId: string }).cvId}`);
    expect(body.cv).toMatchObject({ source: "imported", taskId: id, title: "Adaline Verhoeven (adaline.pdf)" });
    expect(body.cv.content.basics).toMatchObject({ name: "Adaline Verhoeven", email: "adaline.verhoeven@example.org", phone: "+31 20 555 0147" });
    expect(body.cv.content.work.map((w) => w.name)).toEqual(["Tulip Freight Systems", "Canal Payments"]);
    const tasks = (await client.get<TaskSyncResponse>(SYNC)).body.tasks.filter((t) => t.id === id);
    expect(tasks).toHaveLength(1);
  });

  it("answers 400/413 with a clear message for bad files, and creates no task", async () => {
    const before = (await client.get<TaskSyncResponse>(SYNC)).body.tasks.length;
    const big = new Uint8Array(10 * 1024 * 1024 + 10);
    big.set(Buffer.from("%PDF-1.7\n"));
    const cases: [Uint8Array, string, number, RegExp][] = [
      [new Uint8Array(Buffer.from("Name: Adaline\nJust text, renamed to .pdf")), "cv.pdf", 400, /not a PDF/],
      [new Uint8Array(0), "cv.pdf", 400, /empty/],
      [big, "huge.pdf", 413, /limit is 10 MB/],
      [await encryptedPdf(), "locked.pdf", 400, /encrypted or password-protected/],
      [await manyPagesPdf(21), "thesis.pdf", 413, /21 pages.*at most 20/],
    ];
    for (const [data, name, status, message] of cases) {
      const res = await client.upload<ApiErrorBody>(IMPORT, data, name);
      expect(res.status, name).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    const noFile = await client.post<ApiErrorBody>(IMPORT, new FormData());
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.message).toMatch(/field named 'file'/);
    const notMultipart = await client.post<ApiErrorBody>(IMPORT, { file: "x" });
    expect(notMultipart.status).toBe(400);
    expect((await client.get<TaskSyncResponse>(SYNC)).body.tasks.length).toBe(before);
  });

  it("fails the task of a corrupt PDF with a clear message, and the server stays responsive", async () => {
    const res = await client.upload<TaskResponse>(IMPORT, corruptPdf(), "broken.pdf");
    expect(res.status).toBe(202);
    const done = await until(client, res.body.task.id);
    expect(done.status).toBe("failed");
    expect(done.error?.message).toMatch(/could not be read as a PDF/);
    expect((await client.get(SYNC)).status).toBe(200);
  });

  it("needs a session", async () => {
    expect((await new ApiClient(baseUrl).upload(IMPORT, await cvPdf(ada), "cv.pdf")).status).toBe(401);
  });
});

describe("CV API", () => {
  let alice: ApiClient;
  let bob: ApiClient;
  let cv: Cv;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([ApiClient.signUp(baseUrl), ApiClient.signUp(baseUrl)]);
    cv = await importCv(alice, await cvPdf(bruno));
  });

  it("lists, edits with validation, exports and deletes the user's CVs", async () => {
    const list = await alice.get<CvListResponse>("/api/cvs");
    expect(list.body.cvs.map((c) => c.id)).toEqual([cv.id]);
    expect(list.body.cvs[0]).toMatchObject({ source: "imported", matchScore: null, baseCvId: null });

    const edited = { ...cv.content, basics: { ...cv.content.basics, label: "Principal Product Designer" } };
    const patch = await alice.patch<CvResponse>(`/api/cvs/${cv.id}`, { title: "Bruno – design", content: edited });
    expect(patch.status).toBe(200);
    expect(patch.body.cv).toMatchObject({ title: "Bruno – design", content: { basics: { label: "Principal Product Designer" } } });
    expect(patch.body.cv.updatedAt).toBeGreaterThanOrEqual(cv.updatedAt);

    const invalid = await alice.patch<ApiErrorBody>(`/api/cvs/${cv.id}`, { content: { ...edited, work: [{ startDate: "last spring" }], education: [{ institution: "x".repeat(301) }] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/content\.work\.0\.startDate: dates are YYYY, YYYY-MM or YYYY-MM-DD/);
    // Every problem, as a code with its field's path, for the editor to show next to the field in the reader's language.
    expect(invalid.body.error).toMatchObject({ code: "invalid_fields" });
    expect(invalid.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: "content.work.0.startDate", code: "invalid_date" },
        { path: "content.education.0.institution", code: "too_long", max: 300 },
      ]),
    );
    expect((await alice.get<CvResponse>(`/api/cvs/${cv.id}`)).body.cv.content.basics.label).toBe("Principal Product Designer");

    const json = await alice.get<Record<string, unknown>>(`/api/cvs/${cv.id}/export?format=json`);
    expect(json.headers.get("content-disposition")).toMatch(/attachment; filename=".+\.json"/);
    expect(json.body).toMatchObject({ $schema: expect.stringContaining("jsonresume"), basics: { name: "Bruno Castellane" } });
    const pdf = await alice.get(`/api/cvs/${cv.id}/export?format=pdf&layout=two-column`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.raw.subarray(0, 5).toString()).toBe("%PDF-");
    // What we export, we import back.
    const back = await importCv(alice, new Uint8Array(pdf.raw));
    expect(back.content.basics).toMatchObject({ name: "Bruno Castellane", label: "Principal Product Designer" });
    const docx = await alice.get(`/api/cvs/${cv.id}/export?format=docx&template=compact&paper=letter`);
    expect(docx.status).toBe(200);
    expect(docx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(docx.headers.get("content-disposition")).toMatch(/filename\*=UTF-8''Bruno%20Castellane%20-%20[^']+\.docx$/);
    expect(pdf.headers.get("content-disposition")).not.toMatch(/\.pdf\.pdf/);
    const badTemplate = await alice.get<ApiErrorBody>(`/api/cvs/${cv.id}/export?format=pdf&template=fancy`);
    expect(badTemplate.status).toBe(400);
    expect(badTemplate.body.error.message).toMatch(/template must be one of classic, modern, compact/);
    expect((await alice.get<ApiErrorBody>(`/api/cvs/${cv.id}/export?format=odt`)).status).toBe(400);

    const del = await alice.delete(`/api/cvs/${back.id}`);
    expect(del.status).toBe(200);
    expect((await alice.get(`/api/cvs/${back.id}`)).status).toBe(404);
  });

  it("marks a main CV (the default base is the latest imported one), renames and duplicates", async () => {
    const carol = await ApiClient.signUp(baseUrl);
    const first = await importCv(carol, await cvPdf(ada), "first.pdf");
    const second = await importCv(carol, await cvPdf(bruno), "second.pdf");
    let list = (await carol.get<CvListResponse>("/api/cvs?limit=1")).body;
    expect(list.main).toMatchObject({ id: second.id, isMain: false }); // the latest imported, by default
    const marked = await carol.patch<CvResponse>(`/api/cvs/${first.id}`, { main: true, title: "Adaline – main" });
    expect(marked.body.cv).toMatchObject({ isMain: true, title: "Adaline – main" });
    list = (await carol.get<CvListResponse>("/api/cvs?limit=1")).body;
    expect(list.cvs.map((c) => c.id)).toEqual([second.id]);
    expect(list.main).toMatchObject({ id: first.id, isMain: true }); // known beyond the first page
    const copy = await carol.post<CvResponse>(`/api/cvs/${first.id}/duplicate`, { title: "Adaline – for banks" });
    expect(copy.status).toBe(201);
    expect(copy.body.cv).toMatchObject({ title: "Adaline – for banks", isMain: false, content: first.content });
    expect((await carol.post<CvResponse>(`/api/cvs/${first.id}/duplicate`)).body.cv.title).toBe("Adaline – main (copy)");
    const badTitle = await carol.patch<ApiErrorBody>(`/api/cvs/${first.id}`, { title: "  " });
    expect(badTitle.body.error).toMatchObject({ code: "invalid_fields", fields: [{ path: "title", code: "required" }] });
    const badMain = await carol.patch<ApiErrorBody>(`/api/cvs/${first.id}`, { main: "yes" });
    expect(badMain.status).toBe(400);
    const notHidden = await carol.post<ApiErrorBody>(`/api/cvs/${first.id}/restore-hidden`, { section: "work", index: 0 });
    expect(notHidden.status).toBe(404);
    expect(notHidden.body.error.code).toBe("hidden_entry_not_found");
    expect((await bob.post(`/api/cvs/${first.id}/duplicate`, {})).status).toBe(404);
  });

  it("gives another user 404 for every CV route, and leaves the CV alone", async () => {
    for (const [method, path, body] of [
      ["GET", `/api/cvs/${cv.id}`],
      ["PATCH", `/api/cvs/${cv.id}`, { title: "mine now" }],
      ["PATCH", `/api/cvs/${cv.id}`, { main: true }],
      ["POST", `/api/cvs/${cv.id}/duplicate`, {}],
      ["POST", `/api/cvs/${cv.id}/restore-hidden`, { section: "work", index: 0 }],
      ["DELETE", `/api/cvs/${cv.id}`],
      ["GET", `/api/cvs/${cv.id}/export?format=pdf`],
      ["POST", GENERATE, { cvId: cv.id, offers: [{ text: "A designer job that needs Figma and user research, in Lyon, full time." }] }],
    ] as const) {
      expect((await bob.request(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await bob.get<CvListResponse>("/api/cvs")).body.cvs).toEqual([]);
    expect((await alice.get(`/api/cvs/${cv.id}`)).status).toBe(200);
    expect((await alice.get("/api/cvs/not-a-uuid")).status).toBe(400);
  });
});

describe("generate-cv", () => {
  let client: ApiClient;
  let base: Cv;
  beforeAll(async () => {
    client = await ApiClient.signUp(baseUrl);
    base = await importCv(client, await cvPdf(ada));
  });

  it("starts one task per offer and writes one tailored CV each, with its match report", async () => {
    const offers = [
      { title: "Platform Engineer", company: "Dykstra", text: "Platform Engineer, 5+ years. Golang services on k8s, Terraform, Postgres. English." },
      { title: "Data Engineer", text: "Data Engineer to build pipelines with Python, Spark and Airflow on GCP. SQL is a must." },
    ];
    const res = await client.post<{ tasks: BackgroundTask[] }>(GENERATE, { cvId: base.id, offers });
    expect(res.status).toBe(202);
    expect(res.body.tasks).toHaveLength(2);
    expect(res.body.tasks.map((t) => t.title)).toEqual(["Tailor CV for Platform Engineer", "Tailor CV for Data Engineer"]);
    const made = [];
    for (const t of res.body.tasks) {
      const done = await until(client, t.id);
      expect(done.status).toBe("completed");
      made.push((await client.get<CvResponse>(`/api/cvs/${(done.result as { cvId: string }).cvId}`)).body.cv);
    }
    expect(made.map((c) => c.baseCvId)).toEqual([base.id, base.id]);
    expect(made[0]!.matchReport!.score).toBeGreaterThan(made[1]!.matchReport!.score);
    expect(made[0]!.matchReport!.matched.map((m) => m.requirement)).toEqual(expect.arrayContaining(["Go", "Kubernetes", "Terraform", "PostgreSQL"]));
    expect(made[1]!.matchReport!.missing.map((m) => m.requirement)).toEqual(expect.arrayContaining(["Spark", "Airflow", "GCP"]));
    const list = (await client.get<CvListResponse>("/api/cvs")).body.cvs;
    expect(list.filter((c) => c.source === "generated").map((c) => c.matchScore)).toEqual(expect.arrayContaining(made.map((c) => c.matchReport!.score)));
  });

  it("answers 400 with a message for bad requests", async () => {
    const long = "x".repeat(50_001);
    const cases: [unknown, RegExp][] = [
      [{ cvId: base.id, offers: [] }, /at least one job offer/],
      [{ cvId: base.id, offers: Array.from({ length: 11 }, () => ({ text: "A job offer that is long enough to be accepted by the server." })) }, /at most 10/],
      [{ cvId: base.id, offers: [{ text: "too short" }] }, /at least 50 characters/],
      [{ cvId: base.id, offers: [{ text: long }] }, /at most 50,000/],
      [{ cvId: "nope", offers: [{ text: "A job offer that is long enough to be accepted by the server." }] }, /cvId/],
    ];
    for (const [body, message] of cases) {
      const res = await client.post<ApiErrorBody>(GENERATE, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await client.post<ApiErrorBody>(GENERATE, { cvId: randomUUID(), offers: [{ text: "A job offer that is long enough to be accepted by the server." }] })).status).toBe(404);
  });
});
