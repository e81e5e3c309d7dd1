import { redirect } from "next/navigation";
import { SignInForm } from "@/components/session/sign-in-form";
import { currentUser } from "@/server/request/current-user";

export const metadata = { title: "Sign in · StreamDesk" };

export default async function Page() {
  if (await currentUser()) redirect("/");
  return <SignInForm />;
}
