/**
 * One-time logout tickets (logout CSRF, BBA residual risks): the SW hands one to a page it
 * controls, and `/logout` acts only when the navigation carries an unused, unexpired ticket.
 */
import { randomToken } from './random.ts';

export const TICKET_TTL_MS = 60_000;

export class TicketBook {
  private readonly tickets = new Map<string, number>();
  constructor(private readonly now: () => number) {}

  issue(): string {
    this.prune();
    const t = randomToken();
    this.tickets.set(t, this.now() + TICKET_TTL_MS);
    return t;
  }

  /** True once per issued ticket, within its lifetime. */
  consume(ticket: string | null): boolean {
    if (ticket === null) return false;
    const exp = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return exp !== undefined && exp >= this.now();
  }

  private prune(): void {
    const now = this.now();
    for (const [t, exp] of this.tickets) if (exp < now) this.tickets.delete(t);
  }
}
