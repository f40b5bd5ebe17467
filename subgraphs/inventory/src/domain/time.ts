/** Time comes in with each command; an invalid Date is a caller bug, not user input. */
export function timestamp(now: Date): string {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('command.now must be a valid Date');
  return now.toISOString();
}
