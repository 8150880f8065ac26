// A failure flash.sh explains to the user: what went wrong, and what to do about it.
export class FlashError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
