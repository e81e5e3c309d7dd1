import { SignInForm } from "@/components/session/sign-in-form";

export const metadata = { title: "Sign in · StreamDesk" };

export default function Page() {
  return <SignInForm />;
}
