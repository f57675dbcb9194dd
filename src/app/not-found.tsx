import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("page"))("notFound") };
}

/** Any unknown address, in the reader's language, with a way back. */
export default async function NotFound() {
  const t = await getTranslations("page");
  return (
    <main id="main" className="card auth">
      <h1>{t("notFound")}</h1>
      <p>{t("notFoundBody")}</p>
      <p>
        <Link href="/">{t("goHome")}</Link>
      </p>
    </main>
  );
}
