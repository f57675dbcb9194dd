import { CvPage } from "@/client/components/cv-page";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CvPage id={id} />;
}
