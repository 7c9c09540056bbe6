// How many arguments each `airlock servers` subcommand takes: one more is a usage error that
// names it, before any record is opened; the most it takes gets past the check (to the record,
// which an empty data dir does not have).
import { describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { serversCommand } from './commands/servers';
import { NoRecordError } from './record';
import { tempDir } from '../testing/harness';

const io = { out: (): void => {}, err: (): void => {} };

describe('airlock servers: arguments per subcommand', () => {
  it.each([
    ['list', 0],
    ['tools', 1],
    ['review', 2],
    ['enable', 2],
    ['disable', 2],
    ['review-results', 3],
  ])('%s takes at most %i', async (sub, max) => {
    const dir = tempDir();
    const args = ['a1', 'a2', 'a3', 'a4'].slice(0, max);
    await expect(serversCommand([sub, ...args, '--data-dir', dir], io)).rejects.toBeInstanceOf(
      NoRecordError,
    );
    const extra = serversCommand([sub, ...args, 'one-too-many', '--data-dir', dir], io);
    await expect(extra).rejects.toBeInstanceOf(UsageError);
    await expect(
      serversCommand([sub, ...args, 'one-too-many', '--data-dir', dir], io),
    ).rejects.toThrow('unexpected argument "one-too-many"');
  });

  it('takes no argument without a subcommand', async () => {
    await expect(serversCommand(['--json', 'x', '--data-dir', tempDir()], io)).rejects.toThrow(
      'unexpected argument "x"',
    );
  });
});
