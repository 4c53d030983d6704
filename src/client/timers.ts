/**
 * @module timers
 * Timer handles typed for every runtime (a number in browsers and Workers, an object in Node).
 */

export type Timer = ReturnType<typeof setTimeout>;
export type IntervalTimer = ReturnType<typeof setInterval>;

export function cancelTimer(timer: Timer | undefined): void {
  if (timer !== undefined) clearTimeout(timer);
}

export function cancelInterval(timer: IntervalTimer | undefined): void {
  if (timer !== undefined) clearInterval(timer);
}
