import { z } from "zod";

export const ROLES = ["seller", "supervisor"] as const;
export type Role = (typeof ROLES)[number];

export const usernameSchema = z
  .string({ error: "Username is required." })
  .trim()
  .toLowerCase()
  .min(2, "Username must be 2 to 40 characters.")
  .max(40, "Username must be 2 to 40 characters.")
  .regex(/^[a-z0-9._-]+$/, "Username may use letters, digits and . _ - only.");

export const passwordSchema = z
  .string({ error: "Password is required." })
  .min(10, "Password must be at least 10 characters.")
  .max(200, "Password must be at most 200 characters.");

export const signInSchema = z.object({
  username: z
    .string({ error: "Username is required." })
    .trim()
    .toLowerCase()
    .min(1, "Username is required.")
    .max(100, "Username is too long."),
  password: z.string({ error: "Password is required." }).min(1, "Password is required.").max(200, "Password is too long."),
});

export const newStaffSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  role: z.enum(ROLES, { error: 'Role must be "seller" or "supervisor".' }),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: "Current password is required." }).min(1, "Current password is required.").max(200),
  newPassword: passwordSchema,
});

export const staffUpdateSchema = z
  .object({
    password: passwordSchema.optional(),
    /** Needed only when supervisors reset their own password. */
    currentPassword: z.string({ error: "currentPassword must be text." }).max(200, "currentPassword is too long.").optional(),
    disabled: z.boolean({ error: "disabled must be true or false." }).optional(),
  })
  .refine((value) => value.password !== undefined || value.disabled !== undefined, "Send a new password or disabled: true/false.");
