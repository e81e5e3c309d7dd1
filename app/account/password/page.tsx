import { ChangePasswordForm } from "@/components/session/change-password-form";

export const metadata = { title: "Change password · StreamDesk" };

export default function Page() {
  return <ChangePasswordForm />;
}
