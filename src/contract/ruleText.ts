// How a rule's argument condition reads, the same in the app and on the command line.
import type { ArgCondition } from './types';

export function describeCondition(c: ArgCondition): string {
  switch (c.op) {
    case 'under':
      return `${c.path} under ${c.value}`;
    case 'equals':
      return `${c.path} = ${JSON.stringify(c.value)}`;
    case 'oneOf':
      return `${c.path} one of ${c.value.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'regex':
      return `${c.path} matches /${c.value}/`;
    case 'range':
      return `${c.path} in [${c.min ?? '−∞'}, ${c.max ?? '∞'}]`;
  }
}
