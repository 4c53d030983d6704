/**
 * @module stomp-transactions
 * STOMP transactions (BEGIN / COMMIT / ABORT), runtime-free: SENDs inside one are held and
 * published in order on COMMIT, or dropped on ABORT. Bounded, since a client could begin many
 * and never finish them. Each method answers an error message, or the outcome.
 */
import { MAX_OPEN_TRANSACTIONS, MAX_SENDS_PER_TRANSACTION } from "../../shared/limits";

export interface HeldSend {
  topic: string;
  data: unknown;
}

export class Transactions {
  private readonly open = new Map<string, HeldSend[]>();

  /** null when begun, else why not. */
  begin(id: string): string | null {
    if (this.open.has(id)) return "transaction already begun";
    if (this.open.size >= MAX_OPEN_TRANSACTIONS) return `at most ${MAX_OPEN_TRANSACTIONS} open transactions`;
    this.open.set(id, []);
    return null;
  }

  /** null when held, else why not. */
  hold(id: string, send: HeldSend): string | null {
    const sends = this.open.get(id);
    if (!sends) return "SEND names a transaction that was not begun";
    if (sends.length >= MAX_SENDS_PER_TRANSACTION) return `more than ${MAX_SENDS_PER_TRANSACTION} SENDs in one transaction`;
    sends.push(send);
    return null;
  }

  /** Ends a transaction: its held SENDs, or undefined when it was never begun. */
  finish(id: string): HeldSend[] | undefined {
    const sends = this.open.get(id);
    this.open.delete(id);
    return sends;
  }
}
