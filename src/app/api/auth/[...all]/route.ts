import { getApp } from "@/server/app";

async function handler(request: Request) {
  const { auth } = await getApp();
  return auth.handler(request);
}

export { handler as GET, handler as POST };
