import type { ServerIdentity } from '../contract/types';
import { packageVersionOf } from '../registry/packageVersion';
import type { SessionInfo } from './wire';

/** The server a session runs, as the record knows servers. */
export function identityOf(info: SessionInfo): ServerIdentity {
  const packageVersion = packageVersionOf(info.command, info.args, info.cwd);
  return {
    host: info.host,
    name: info.server,
    command: info.command,
    args: info.args,
    ...(packageVersion ? { packageVersion } : {}),
  };
}
