import { hash, verify } from "@node-rs/argon2";
import { randomBytes } from "node:crypto";
import { auditFields } from "./audit";
import { PasswordCheckBusyError, StaffExistsError, StaffMissingError, ValidationError } from "./errors";
import { hashGate } from "./hash-gate";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import type { Role } from "./validations/staff";

export type { Role } from "./validations/staff";

/** A staff account as the rest of the app sees it: never with its password hash. */
export interface StaffMember {
  username: string;
  role: Role;
  disabled: boolean;
  /** True until the person replaces a password someone else chose or that was generated. */
  mustChangePassword: boolean;
}

/** An account as its password check saw it, with the epoch its new session must carry. */
export interface VerifiedStaff extends StaffMember {
  /** Changes with every password change or reset; a session stamped with an older one is over. */
  sessionEpoch: string;
}

/** Where a password hash waits its turn (see {@link HashGate}): the caller's address bucket, or the actor. */
export interface HashQueue {
  queue?: string;
}

// argon2id with OWASP's recommended minimum cost (19 MiB, 2 passes).
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// Verified when the username is unknown, so a wrong name takes as long as a wrong password.
let decoy: Promise<string> | undefined;

function toMember(username: string, fields: Record<string, string>): StaffMember | null {
  if (!fields.role) return null;
  return {
    username,
    role: fields.role === "supervisor" ? "supervisor" : "seller",
    disabled: fields.disabled === "1",
    mustChangePassword: fields.mustChange === "1",
  };
}

/** One account, or null. */
export async function getStaff(redis: RedisClient, keys: StreamKeys, username: string): Promise<StaffMember | null> {
  return toMember(username, await guard(redis.hgetall(keys.staff(username))));
}

/** One account with the session epoch its sessions must carry, or null. */
export async function getStaffForSession(redis: RedisClient, keys: StreamKeys, username: string): Promise<VerifiedStaff | null> {
  const fields = await guard(redis.hgetall(keys.staff(username)));
  const member = toMember(username, fields);
  return member ? { ...member, sessionEpoch: fields.sessionEpoch ?? "" } : null;
}

/** Every account, sorted by username. */
export async function listStaff(redis: RedisClient, keys: StreamKeys): Promise<StaffMember[]> {
  const names = (await guard(redis.smembers(keys.staffIndex))).sort();
  if (names.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const name of names) pipeline.hgetall(keys.staff(name));
  const replies = (await guard(pipeline.exec())) ?? [];
  return names.flatMap((name, i) => {
    const member = toMember(name, (replies[i]?.[1] ?? {}) as Record<string, string>);
    return member ? [member] : [];
  });
}

/**
 * Creates an account and audits it in one atomic step.
 * @throws StaffExistsError when the username is taken.
 */
export async function createStaff(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  account: { username: string; password: string; role: Role; mustChangePassword: boolean; passwordExpiresAt?: number },
  { queue = `staff:${actor}` }: HashQueue = {},
): Promise<StaffMember> {
  const passwordHash = await hashGate().run(queue, () => hash(account.password, ARGON2));
  const fields = [
    "role",
    account.role,
    "hash",
    passwordHash,
    "disabled",
    "0",
    "mustChange",
    account.mustChangePassword ? "1" : "0",
    "created",
    String(Date.now()),
  ];
  if (account.passwordExpiresAt !== undefined) fields.push("passwordExpires", String(account.passwordExpiresAt));
  const audit = auditFields({ actor, action: "staff.create", target: account.username, role: account.role });
  const created = await guard(
    redis.sdCreateStaff(keys.staff(account.username), keys.staffIndex, keys.audit, account.username, fields.length, ...fields, ...audit),
  );
  if (created !== 1) throw new StaffExistsError(account.username);
  return { username: account.username, role: account.role, disabled: false, mustChangePassword: account.mustChangePassword };
}

/**
 * Checks a username and password. Returns the account when they match and it is enabled, else null;
 * takes about as long either way.
 * @throws PasswordCheckBusyError when too many checks wait already.
 */
export async function verifyPassword(
  redis: RedisClient,
  keys: StreamKeys,
  username: string,
  password: string,
  { queue = "" }: HashQueue = {},
): Promise<VerifiedStaff | null> {
  const gate = hashGate();
  if (!gate.admits(queue)) throw new PasswordCheckBusyError();
  const fields = await guard(redis.hgetall(keys.staff(username)));
  const member = toMember(username, fields);
  if (!member || !fields.hash) {
    decoy ??= hash(randomBytes(16).toString("hex"), ARGON2);
    const decoyHash = await decoy;
    await gate.run(queue, () => verify(decoyHash, password).catch(() => false));
    return null;
  }
  const ok = await gate.run(queue, () => verify(fields.hash!, password).catch(() => false));
  // A one-time password left unused past its expiry no longer opens the account.
  const expired = fields.passwordExpires !== undefined && Date.now() > Number(fields.passwordExpires);
  return ok && !member.disabled && !expired ? { ...member, sessionEpoch: fields.sessionEpoch ?? "" } : null;
}

/**
 * Sets a new password (and whether it must be changed at next sign-in), audited atomically, and ends every
 * session of the account but `keepSession` (the one changing its own password): a new session epoch makes
 * the others invalid on every instance at once, even one created a moment ago, and their keys are deleted.
 * The caller closes their sockets.
 * @throws StaffMissingError
 */
export async function setPassword(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  username: string,
  password: string,
  mustChangePassword: boolean,
  /** Makes it a one-time password that stops working at this time unless changed before. */
  expiresAt?: number,
  /** The session that made the change and stays signed in. */
  keepSession?: string,
): Promise<void> {
  if (!(await getStaff(redis, keys, username))) throw new StaffMissingError(username);
  const passwordHash = await hashGate().run(`staff:${actor}`, () => hash(password, ARGON2));
  const action = actor === username ? "staff.password.change" : "staff.password.reset";
  const epoch = randomBytes(12).toString("base64url");
  const ended = (await guard(redis.smembers(keys.userSessions(username)))).filter((id) => id !== keepSession);
  const multi = redis
    .multi()
    .hset(keys.staff(username), "hash", passwordHash, "mustChange", mustChangePassword ? "1" : "0", "sessionEpoch", epoch);
  if (expiresAt === undefined) multi.hdel(keys.staff(username), "passwordExpires");
  else multi.hset(keys.staff(username), "passwordExpires", String(expiresAt));
  if (ended.length > 0) multi.del(...ended.map((id) => keys.session(id))).srem(keys.userSessions(username), ...ended);
  // Only if it still exists: a plain HSET would bring back an expired session without its expiry.
  if (keepSession)
    multi.eval(
      "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'epoch', ARGV[1]) end return 1",
      1,
      keys.session(keepSession),
      epoch,
    );
  const result = await guard(multi.xadd(keys.audit, "*", ...auditFields({ actor, action, target: username })).exec());
  if (!result) throw new Error("the password change was not applied");
}

/**
 * Disables or re-enables an account, audited atomically. Disabling also ends its sessions (the caller
 * closes its open sockets).
 * @throws StaffMissingError; ValidationError when a supervisor tries to disable themself.
 */
export async function setDisabled(redis: RedisClient, keys: StreamKeys, actor: string, username: string, disabled: boolean): Promise<void> {
  if (!(await getStaff(redis, keys, username))) throw new StaffMissingError(username);
  if (disabled && actor === username) throw new ValidationError("You cannot disable your own account; ask another supervisor.", "disabled");
  const sessions = disabled ? await guard(redis.smembers(keys.userSessions(username))) : [];
  const multi = redis
    .multi()
    .hset(keys.staff(username), "disabled", disabled ? "1" : "0")
    .xadd(keys.audit, "*", ...auditFields({ actor, action: disabled ? "staff.disable" : "staff.enable", target: username }));
  if (sessions.length > 0) multi.del(...sessions.map((id) => keys.session(id)), keys.userSessions(username));
  await guard(multi.exec());
}

/** True when no staff account exists yet (first start). */
export async function noStaffYet(redis: RedisClient, keys: StreamKeys): Promise<boolean> {
  return (await guard(redis.scard(keys.staffIndex))) === 0;
}

/** True when `username`'s password is a one-time one that expired unused (first start, nobody signed in). */
export async function oneTimePasswordExpired(redis: RedisClient, keys: StreamKeys, username: string): Promise<boolean> {
  const [mustChange, expires] = await guard(redis.hmget(keys.staff(username), "mustChange", "passwordExpires"));
  return mustChange === "1" && expires !== null && Date.now() > Number(expires);
}
