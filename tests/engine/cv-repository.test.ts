/** The CV repository's own rules: one main CV and its default, duplicates, and hidden entries put back. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duplicateCv, getCv, insertCv, listCvs, mainCv, restoreHidden, updateCv } from "@/server/cv/repository";
import type { CvContent, MatchReport } from "@/shared/cv";
import { createEngine, describeBackends, type Engine } from "../helpers/engine";
import { ada, bruno } from "../fixtures/people";

describeBackends("CV repository", (backend) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ backend });
  });
  afterAll(() => engine.close());

  const db = () => engine.database.db;

  describe("main CV", () => {
    it("defaults to the latest imported CV (not a newer tailored one), and follows the user's choice, one at a time", async () => {
      const user = await engine.addUser();
      expect(await mainCv(db(), user)).toBeNull();
      const first = await insertCv(db(), { userId: user, title: "First", source: "imported", content: ada });
      const second = await insertCv(db(), { userId: user, title: "Second", source: "imported", content: bruno });
      const tailored = await insertCv(db(), { userId: user, title: "Tailored", source: "generated", content: ada, baseCvId: second });
      expect((await mainCv(db(), user))!.id).toBe(second);
      expect((await listCvs(db(), user, { limit: 1 })).main!.id).toBe(second); // known whatever the page

      await updateCv(db(), user, first, { main: true });
      expect((await mainCv(db(), user))!.id).toBe(first);
      await updateCv(db(), user, tailored, { main: true });
      const { cvs } = await listCvs(db(), user);
      expect(cvs.filter((c) => c.isMain).map((c) => c.id)).toEqual([tailored]); // the previous main is unmarked
      await updateCv(db(), user, tailored, { main: false });
      expect((await mainCv(db(), user))!.id).toBe(second);
    });

    it("two devices choosing different main CVs at once leave exactly one", async () => {
      const user = await engine.addUser();
      const ids = await Promise.all(["A", "B", "C"].map((t) => insertCv(db(), { userId: user, title: t, source: "imported", content: ada })));
      await Promise.all(ids.map((id) => updateCv(db(), user, id, { main: true })));
      expect((await listCvs(db(), user)).cvs.filter((c) => c.isMain)).toHaveLength(1);
    });

    it("another user's CV cannot be made main (404), and the user's own main stays", async () => {
      const alice = await engine.addUser();
      const bob = await engine.addUser();
      const mine = await insertCv(db(), { userId: alice, title: "Mine", source: "imported", content: ada });
      await updateCv(db(), alice, mine, { main: true });
      const theirs = await insertCv(db(), { userId: bob, title: "Theirs", source: "imported", content: bruno });
      await expect(updateCv(db(), alice, theirs, { main: true })).rejects.toMatchObject({ status: 404, code: "cv_not_found" });
      expect((await mainCv(db(), alice))!.id).toBe(mine);
    });
  });

  describe("duplicate", () => {
    it("copies content, offer, report and base link under the new title, never as main", async () => {
      const user = await engine.addUser();
      const base = await insertCv(db(), { userId: user, title: "Base", source: "imported", content: ada });
      const report: MatchReport = { score: 61, matched: [], missing: [] };
      const made = await insertCv(db(), { userId: user, title: "For Dykstra", source: "generated", content: ada, baseCvId: base, matchReport: report, jobOffer: { text: "x".repeat(60) } });
      await updateCv(db(), user, made, { main: true });
      const copy = await duplicateCv(db(), user, made, "For Dykstra, shorter");
      expect(copy).toMatchObject({ title: "For Dykstra, shorter", source: "generated", baseCvId: base, matchScore: 61, isMain: false, content: ada, baseCv: { id: base, title: "Base" } });
      expect(copy.id).not.toBe(made);
      expect((await duplicateCv(db(), user, base, undefined)).title).toBe("Base (copy)");
    });
  });

  describe("restore a hidden entry", () => {
    /** A base with four jobs, newest first, and a tailored CV that hid the two oldest. */
    async function setup() {
      const user = await engine.addUser();
      const old = (name: string, start: string, end: string) => ({ name, position: "Clerk", startDate: start, endDate: end });
      const baseContent: CvContent = { ...ada, work: [...ada.work, old("Harbour Office", "2008-01", "2010-12"), old("Mill Shop", "2005-01", "2007-12")] };
      const base = await insertCv(db(), { userId: user, title: "Base", source: "imported", content: baseContent });
      const hidden: MatchReport["hidden"] = [2, 3].map((index) => ({ section: "work", index, name: baseContent.work[index]!.name, position: "Clerk", reason: "old" }));
      const tailored = await insertCv(db(), {
        userId: user,
        title: "Tailored",
        source: "generated",
        content: { ...baseContent, work: baseContent.work.slice(0, 2) },
        baseCvId: base,
        matchReport: { score: 50, matched: [], missing: [], hidden },
      });
      return { user, base, tailored, baseContent };
    }

    it("puts the entry back at its place in the base CV's order and takes it off the hidden list", async () => {
      const { user, tailored } = await setup();
      const afterMill = await restoreHidden(db(), user, tailored, 3);
      expect(afterMill.content.work.map((w) => w.name)).toEqual(["Tulip Freight Systems", "Canal Payments", "Mill Shop"]);
      expect(afterMill.matchReport!.hidden!.map((h) => h.index)).toEqual([2]);
      const afterHarbour = await restoreHidden(db(), user, tailored, 2);
      expect(afterHarbour.content.work.map((w) => w.name)).toEqual(["Tulip Freight Systems", "Canal Payments", "Harbour Office", "Mill Shop"]);
      expect(afterHarbour.matchReport!.hidden).toEqual([]);
      expect((await getCv(db(), user, tailored)).content.work).toHaveLength(4);
    });

    it("refuses twice the same entry (404), and an entry whose base CV is gone (409), changing nothing", async () => {
      const { user, base, tailored } = await setup();
      await restoreHidden(db(), user, tailored, 2);
      await expect(restoreHidden(db(), user, tailored, 2)).rejects.toMatchObject({ status: 404, code: "hidden_entry_not_found" });
      await engine.database.db.execute(`delete from cv where id = '${base}'`);
      await expect(restoreHidden(db(), user, tailored, 3)).rejects.toMatchObject({ status: 409, code: "restore_base_changed" });
      const cv = await getCv(db(), user, tailored);
      expect(cv.content.work.map((w) => w.name)).toEqual(["Tulip Freight Systems", "Canal Payments", "Harbour Office"]);
      expect(cv.matchReport!.hidden!.map((h) => h.index)).toEqual([3]);
      expect(cv.baseCv).toBeNull();
    });
  });
});
