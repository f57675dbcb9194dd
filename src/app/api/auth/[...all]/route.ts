import { getApp } from "@/server/app";
import { handleAuthRequest } from "@/server/auth/http";

export const dynamic = "force-dynamic";

async function handler(request: Request) {
  return handleAuthRequest(request, await getApp());
}

export { handler as GET, handler as POST };
