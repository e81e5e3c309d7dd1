/** A mistake in what the caller sent; `field` names the input to change. */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** One or more seats of a sale are already sold for that movie + session; nothing was written. */
export class SeatTakenError extends Error {
  override name = "SeatTakenError";
  /** Every seat of the sale that was taken, with the id of the entry holding it. */
  readonly taken: { seat: string; holderId: string }[];
  constructor(
    readonly seat: string,
    readonly movieId: string,
    readonly sessionId: string,
    readonly holderId: string,
    taken?: { seat: string; holderId: string }[],
    /** How the screening reads to a person: "Dune · 20:30 · Hall 2"; ids when it is not in the programme. */
    screening = `movie ${movieId}, session ${sessionId}`,
  ) {
    const all = taken ?? [{ seat, holderId }];
    super(
      all.length === 1
        ? `Seat ${seat} is already sold for ${screening}. ${taken && taken.length === 1 ? "Nothing was sold; pick another seat." : "Pick another seat."}`
        : `Seats ${all.map((t) => t.seat).join(", ")} are already sold for ${screening}. Nothing was sold; pick other seats.`,
    );
    this.taken = all;
  }
}

/** The showing started more than SALES_CLOSE_MINUTES ago; nothing was written. */
export class SalesClosedError extends Error {
  override name = "SalesClosedError";
  constructor(screening: string, closedAt: string) {
    super(`Sales for ${screening} closed at ${closedAt}: the showing has started. Pick a later showing.`);
  }
}

/** A programme change that would break a sale or another showing; nothing was written. */
export class ProgramConflictError extends Error {
  override name = "ProgramConflictError";
}

/** No film, hall or showing with that id in the programme. */
export class ProgramItemMissingError extends Error {
  override name = "ProgramItemMissingError";
}

/** A programme document or change breaks the programme's rules; `problems` says where, one by one. */
export class ProgramInvalidError extends ValidationError {
  override name = "ProgramInvalidError";
  constructor(readonly problems: { path: string; message: string }[]) {
    super(
      problems.length === 1
        ? problems[0]!.message
        : `The programme has ${problems.length} problems; nothing was changed. Fix each one listed.`,
    );
  }
}

/** Redis did not answer; the operation did not happen and may be retried. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
  /**
   * @param replyLost true when the command had been sent and the connection dropped before the reply: Redis
   * may have applied it. False when it was never sent, so nothing changed.
   */
  constructor(
    cause?: unknown,
    readonly replyLost = false,
  ) {
    super("The ticket store (Redis) is not reachable right now.", { cause });
  }
}

/** The consumer group does not exist on the stream. */
export class GroupMissingError extends Error {
  override name = "GroupMissingError";
  constructor(readonly group: string) {
    super(`There is no consumer group "${group}" on this stream. Check the name, or create the group first.`);
  }
}

/** A consumer group with that name already exists. */
export class GroupExistsError extends Error {
  override name = "GroupExistsError";
  constructor(readonly group: string) {
    super(`A consumer group named "${group}" already exists. Pick another name, or open the existing group.`);
  }
}

/** There is no sale with that id to refund: never sold, trimmed away, or the id is itself a refund. */
export class SaleMissingError extends Error {
  override name = "SaleMissingError";
  constructor(readonly saleId: string) {
    super(`There is no sale ${saleId} to refund: check the id (it may have been trimmed from the stream, or be a refund itself).`);
  }
}

/** The sale was already refunded; nothing was written. */
export class AlreadyRefundedError extends Error {
  override name = "AlreadyRefundedError";
  constructor(
    readonly saleId: string,
    readonly refundId: string,
  ) {
    super(`Sale ${saleId} was already refunded by entry ${refundId}; nothing was changed.`);
  }
}

/** The programme changed between the check of a sale and its write; check the sale again against the new one. */
export class ProgramChangedError extends Error {
  override name = "ProgramChangedError";
  constructor(readonly version: string) {
    super("The programme changed several times while this sale was checked, so nothing was sold. Try again.");
  }
}

/** A request body over the route's limit; reading stopped at the limit. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limitBytes: number) {
    super(
      `The body is larger than ${limitBytes >= 1024 * 1024 ? `${limitBytes / (1024 * 1024)} MB` : `${limitBytes / 1024} KB`}; send less.`,
    );
  }
}

/** No ticket file exists (yet) for this entry: the tickets worker has not printed it, or it is not a sale. */
export class TicketNotPrintedError extends Error {
  override name = "TicketNotPrintedError";
  constructor(readonly entryId: string) {
    super(
      `The ticket for ${entryId} is not printed yet. Check that a tickets worker is running (npm run worker -- tickets), then try again.`,
    );
  }
}

/** The caller is not signed in (401). */
export class SignInRequiredError extends Error {
  override name = "SignInRequiredError";
  constructor() {
    super("Sign in first: this needs a staff session.");
  }
}

/** The caller is signed in but may not do this (403). */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
}

/** The username is taken. */
export class StaffExistsError extends Error {
  override name = "StaffExistsError";
  constructor(readonly username: string) {
    super(`There is already a staff account named "${username}". Pick another username.`);
  }
}

/** No such staff account. */
export class StaffMissingError extends Error {
  override name = "StaffMissingError";
  constructor(readonly username: string) {
    super(`There is no staff account named "${username}".`);
  }
}

/** Too many failed password checks from one address; `retryAfterSeconds` says how long to wait. */
export class TooManyAttemptsError extends Error {
  override name = "TooManyAttemptsError";
  constructor(
    readonly retryAfterSeconds: number,
    kind: "sign-in" | "password" = "sign-in",
  ) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    const what = kind === "sign-in" ? "Too many failed sign-in attempts" : "Too many wrong passwords";
    super(`${what} came from your network address. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`);
  }
}

/** The person already runs as many scans as allowed (`lib/scan-slots.ts`); nothing was started. */
export class TooManyScansError extends Error {
  override name = "TooManyScansError";
  readonly retryAfterSeconds = 2;
  constructor(limit: number) {
    super(`You already have ${limit} searches or exports running. Wait for one to finish, or cancel it, and try again.`);
  }
}

/** Too many password checks are waiting; this one was not made. */
export class PasswordCheckBusyError extends Error {
  override name = "PasswordCheckBusyError";
  constructor() {
    super("StreamDesk is checking many passwords at once right now, so yours was not checked. Wait a few seconds and try again.");
  }
}
