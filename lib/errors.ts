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

/** The seat is already sold for that movie + session; nothing was written. */
export class SeatTakenError extends Error {
  override name = "SeatTakenError";
  constructor(
    readonly seat: string,
    readonly movieId: string,
    readonly sessionId: string,
    readonly holderId: string,
  ) {
    super(`Seat ${seat} is already sold for movie ${movieId}, session ${sessionId}. Pick another seat.`);
  }
}

/** Redis did not answer; the operation did not happen and may be retried. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
  constructor(cause?: unknown) {
    super("The ticket store (Redis) is not reachable right now.", { cause });
  }
}
