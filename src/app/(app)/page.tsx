import { Workspace } from "@/client/components/workspace";

export default function HomePage() {
  return <Workspace />;
}
