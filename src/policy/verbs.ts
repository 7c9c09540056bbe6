// What a tool's name says it does. Names are chosen by the (untrusted) server, so a verb can
// only add suspicion; "reads" counts only when nothing in the name says otherwise.

export interface NameVerbs {
  reads: string[];
  writes: string[];
  destroys: string[];
  executes: string[];
  outward: string[];
  money: string[];
}

const DESTROYS = new Set(
  'delete remove rm rmdir drop destroy purge wipe erase truncate kill terminate revoke reset format uninstall unlink shred'.split(
    ' ',
  ),
);
const EXECUTES = new Set(
  'exec execute run shell eval evaluate spawn command cmd bash sh zsh powershell pwsh terminal script invoke launch'.split(
    ' ',
  ),
);
const OUTWARD = new Set(
  'send post publish push deploy share upload email mail message tweet submit notify invite reply comment forward broadcast webhook sms dm release announce'.split(
    ' ',
  ),
);
const MONEY = new Set(
  'pay payment transfer purchase buy sell withdraw refund charge checkout'.split(' '),
);
const WRITES = new Set(
  'write edit update modify create move mv rename copy cp set put patch insert append replace save mkdir make change commit apply install upgrade archive close assign fork merge lock unlock approve upsert import restore enable disable toggle schedule cancel mark star follow like react store clear'.split(
    ' ',
  ),
);
const READS = new Set(
  'read get list search find fetch show view describe query lookup look inspect stat info head tail count check status diff browse cat ls tree grep explain echo summarize analyze preview retrieve validate lint resolve whoami ping'.split(
    ' ',
  ),
);

/** Words that make "add" arithmetic: add_numbers, addTwoInts, add_values. */
const ARITHMETIC = new Set(
  'number numbers num nums int ints integer integers float floats value values two sum math digits'.split(
    ' ',
  ),
);

/** Lower-case words of a tool name: `readFile`, `read_file`, `read-file`, `fs.read` → read, file. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

export function nameVerbs(name: string): NameVerbs {
  const words = nameWords(name);
  const pick = (set: Set<string>): string[] => words.filter((w) => set.has(w));
  // "add" is arithmetic when nothing but numbers follow it (server-everything's `add`,
  // `add_numbers`); `add_comment` and `addUser` change things.
  const arithmetic = words.every((w) => w === 'add' || ARITHMETIC.has(w));
  const writes = words.filter((w) => WRITES.has(w) || (w === 'add' && !arithmetic));
  return {
    reads: pick(READS),
    writes,
    destroys: pick(DESTROYS),
    executes: pick(EXECUTES),
    outward: pick(OUTWARD),
    money: pick(MONEY),
  };
}

/** The name contains any verb that changes, runs, sends or pays. */
export function nameActs(verbs: NameVerbs): boolean {
  return (
    verbs.writes.length +
      verbs.destroys.length +
      verbs.executes.length +
      verbs.outward.length +
      verbs.money.length >
    0
  );
}

/** A name that clearly reads: a read verb and nothing that changes, runs, sends or pays. */
export function nameClearlyReads(name: string): boolean {
  const verbs = nameVerbs(name);
  return verbs.reads.length > 0 && !nameActs(verbs);
}
