/**
 * The one error class for mistakes in what the user gave us (bad version, unknown id, unreadable file).
 * The CLI prints it as a single line and exits 2; anything else that escapes is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}
