// Domains of calls that were let through: links there are no longer "a domain not seen before".
// Kept in the settings, so the next run of the gate knows them too.
import type { Store } from '../store/store';
import type { RecordBacklog } from './recordBacklog';

/** The oldest are forgotten past this. */
const MAX_KNOWN_DOMAINS = 2_000;

export class KnownDomains {
  private known: string[];

  constructor(
    private readonly store: () => Store,
    private readonly backlog: RecordBacklog,
  ) {
    this.known = store().settings.get<string[]>('knownDomains', []);
  }

  get list(): string[] {
    return this.known;
  }

  /** Remember these (found by the call's risk scan); saving may wait for the database. */
  learn(domains: string[]): void {
    const fresh = domains.filter((d) => !this.known.includes(d));
    if (fresh.length === 0) return;
    this.known = [...this.known, ...fresh].slice(-MAX_KNOWN_DOMAINS);
    const known = this.known;
    const save = (): void => this.store().settings.set('knownDomains', known, Date.now());
    // The call's decision is committed already; remembering its domains may wait.
    try {
      save();
    } catch {
      this.backlog.add('the domains a call linked to', save);
    }
  }
}
