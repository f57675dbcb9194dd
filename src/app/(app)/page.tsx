import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Workspace } from "@/client/components/workspace";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("page"))("home") };
}

export default function HomePage() {
  return <Workspace />;
}
