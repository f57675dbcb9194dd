import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CvPage } from "@/client/components/cv-page";
import { getApp } from "@/server/app";
import { getCv } from "@/server/cv/repository";
import { cvIdSchema } from "@/shared/cv";
import { pageSession } from "../../../page-session";

/** The tab says which CV it is; a CV that is not the reader's (or does not exist) is titled as such, never named. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const [{ id }, session, t] = await Promise.all([params, pageSession(), getTranslations("cv")]);
  const parsed = cvIdSchema.safeParse(id);
  if (!session || !parsed.success) return { title: t("notFoundTitle") };
  const { database } = await getApp();
  const cv = await getCv(database.db, session.user.id, parsed.data).catch(() => null);
  return { title: cv ? cv.title : t("notFoundTitle") };
}

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CvPage id={id} />;
}
