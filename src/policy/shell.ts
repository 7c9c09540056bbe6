import type { RiskLevel } from '../contract/types';

export interface Finding {
  code: string;
  level: RiskLevel;
  text: string;
}

interface Danger {
  code: string;
  level: RiskLevel;
  test: RegExp;
  /** A check a bounded regex cannot make, that also counts as this danger. */
  also?: (text: string) => boolean;
  text: string;
}

// Every pattern is bounded: gaps within a line stop at MAX_LINE characters, runs of spaces at
// 256. Lines longer than MAX_LINE, and whatever lies past MAX_COMMAND, are not read by the
// patterns (a few keywords in a megabyte line would cost seconds); such a command is called
// out instead, so that padding a command cannot hide what it does.
const MAX_LINE = 4096;
const MAX_COMMAND = 256 * 1024;

/** The part of a command the patterns read: its lines up to MAX_LINE, up to MAX_COMMAND. */
export function readableCommand(command: string): { text: string; complete: boolean } {
  if (command.length <= MAX_LINE) return { text: command, complete: true };
  const lines: string[] = [];
  let length = 0;
  let complete = true;
  for (let start = 0; ;) {
    const newline = command.indexOf('\n', start);
    const end = newline < 0 ? command.length : newline;
    if (length + (end - start) > MAX_COMMAND) return { text: lines.join('\n'), complete: false };
    if (end - start > MAX_LINE) complete = false;
    else {
      lines.push(command.slice(start, end));
      length += end - start + 1;
    }
    if (newline < 0) return { text: lines.join('\n'), complete };
    start = newline + 1;
  }
}

// Ordered from worst; each names what a person would fear from the command.
const SHELL_DANGERS: Danger[] = [
  {
    code: 'shell.pipeToShell',
    level: 'critical',
    test: /\b(curl|wget|fetch)\b[^|;&\n]{0,4096}\|\s{0,256}(sudo\s{1,256})?(\S{0,4096}\/)?((ba|z|k|da|fi)?sh|python[0-9.]{0,8}|perl|ruby|node)\b|\b(ba|z)?sh\s{1,256}<\(\s{0,256}(curl|wget)\b|\b(ba|z)?sh\s{1,256}-c\s{1,256}["']?\$\(\s{0,256}(curl|wget)\b|\b(iex|invoke-expression)\b[^\n]{0,4096}\b(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b|\b(iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n]{0,4096}\|\s{0,256}(iex|invoke-expression)\b/i,
    text: 'Downloads a script and runs it straight away.',
  },
  {
    code: 'shell.obfuscated',
    level: 'critical',
    test: /\bbase64\s{1,256}(-d|--decode|-D)\b[^|\n]{0,4096}\|\s{0,256}(sudo\s{1,256})?(ba|z)?sh\b|\b(ba|z)?sh\s{1,256}-c\s{1,256}["']?\$\(\s{0,256}(echo|printf)\b[^)]{0,4096}\|\s{0,256}base64\s{1,256}(-d|--decode)/i,
    text: 'Decodes hidden text and runs it as a command.',
  },
  {
    code: 'shell.reverseShell',
    level: 'critical',
    test: /\/dev\/(tcp|udp)\/|\b(nc|ncat|netcat)\b[^\n]{0,4096}\s-[a-z]{0,64}[ec]\s|\bsocat\b[^\n]{0,4096}\bexec:/i,
    text: 'Opens a remote shell into this computer.',
  },
  {
    code: 'shell.diskWipe',
    level: 'critical',
    test: /\bmkfs(\.\w{1,64})?\b|\bdd\b[^\n]{0,4096}\bof=\/dev\/(sd|nvme|hd|disk|mmcblk)|>\s{0,256}\/dev\/(sd|nvme|hd|disk|mmcblk)|:\(\)\s{0,256}\{\s{0,256}:\s{0,256}\|\s{0,256}:\s{0,256}&\s{0,256}\}\s{0,256};\s{0,256}:|\bformat\s{1,256}[a-z]:/i,
    text: 'Can wipe a disk or bring the machine down.',
  },
  {
    code: 'shell.chmod',
    level: 'high',
    test: /\bchmod\s{1,256}(-[a-zA-Z]{1,64}\s{1,256}){0,16}(0?777|0?666|a\+rwx|o\+w|[ugoa]{0,4}\+s|[24]7[0-7]{2})\b/,
    text: 'Opens file permissions to everyone (chmod).',
  },
  {
    code: 'shell.sudo',
    level: 'high',
    test: /(^|[;&|(`]|\$\(|\s)(sudo|doas|pkexec|su|runas)(\s|$)/,
    text: 'Asks for administrator rights.',
  },
  {
    code: 'shell.upload',
    level: 'high',
    test: /\bcurl\b[^\n]{0,4096}\s(-d|--data(-binary|-raw|-urlencode)?|-F|--form)\s{0,256}=?\s{0,256}['"]?[\w-]{0,256}=?@|\bcurl\b[^\n]{0,4096}\s(-T|--upload-file)\s|\bwget\b[^\n]{0,4096}--post-file/i,
    text: 'Sends a local file over the network.',
  },
  {
    code: 'shell.gitRewrite',
    level: 'high',
    test: /\bgit\s{1,256}push\b[^\n;&|]{0,4096}(\s--force\b|\s-f\b|\s--force-with-lease\b|\s\+\S)|\bgit\s{1,256}reset\s{1,256}--hard\b|\bgit\s{1,256}clean\s{1,256}-[a-z]{0,64}f/i,
    text: 'Rewrites or throws away git history or work.',
  },
  {
    code: 'shell.persistence',
    level: 'high',
    test: /\bcrontab\b|\blaunchctl\s{1,256}(load|bootstrap|submit)\b|\bsystemctl\s{1,256}(--user\s{1,256})?(enable|start)\b|>>?\s{0,256}\S{0,4096}\.(bashrc|zshrc|profile|bash_profile|zprofile)\b|\bauthorized_keys\b/i,
    text: 'Sets something up to run again later (start-up files, cron, services, SSH keys).',
  },
  {
    code: 'shell.hideTracks',
    level: 'high',
    test: /\bhistory\s{1,256}-c\b|\bunset\s{1,256}HISTFILE\b|\bHISTSIZE=0\b|\bshred\b/,
    text: 'Covers its tracks (clears history or shreds files).',
  },
  {
    code: 'shell.shutdown',
    level: 'high',
    test: /(^|[;&|\s])(shutdown|reboot|halt|poweroff)(\s|$)|\bkill\s{1,256}-9\s{1,256}-1\b/,
    text: 'Shuts down or restarts the machine.',
  },
  {
    code: 'shell.envDump',
    level: 'medium',
    test: /(^|[;&|]\s{0,256})(printenv|env|set|export\s{1,256}-p)\s{0,256}($|[|>;&])/,
    text: 'Prints environment variables, which often hold secrets.',
  },
  {
    code: 'shell.network',
    level: 'medium',
    test: /(^|[;&|\s])(nc|ncat|netcat|socat|telnet|scp|sftp|rsync|ftp|ssh)\s/,
    text: 'Connects to another machine.',
  },
  {
    code: 'shell.install',
    level: 'medium',
    test: /\b(npm|pnpm|yarn|bun)\s{1,256}(i|install|add)\b|\bpip3?\s{1,256}install\b|\b(brew|apt|apt-get|dnf|yum|pacman|choco|winget)\s{1,256}(install|-S)\b/i,
    text: 'Installs software.',
  },
  {
    code: 'shell.eval',
    level: 'medium',
    test: /(^|[;&|\s])eval\s/,
    text: 'Builds a command at run time (eval).',
  },
];

const RM_DANGEROUS_TARGETS = new Set([
  '/',
  '/*',
  '~',
  '~/',
  '~/*',
  '$home',
  '${home}',
  '$home/',
  '$home/*',
  '*',
  '.',
  './',
  './*',
  '..',
  '../',
  '/home',
  '/usr',
  '/etc',
  '/var',
  '/bin',
  '/users',
  'c:\\',
  'c:/',
]);

function rmFindings(command: string): Finding[] {
  const findings: Finding[] = [];
  for (const match of command.matchAll(/(^|[;&|(`\s])rm\s{1,256}([^;&|\n`)]{0,4096})/g)) {
    const tokens = (match[2] ?? '').split(/\s{1,256}/).filter((t) => t !== '');
    const flags = tokens.filter((t) => t.startsWith('-'));
    const targets = tokens
      .filter((t) => !t.startsWith('-'))
      .map((t) => t.replace(/^["']|["']$/g, '').toLowerCase());
    const recursive = flags.some((f) => /^-[a-zA-Z]*[rR]/.test(f) || f === '--recursive');
    const force = flags.some((f) => /^-[a-zA-Z]*f/.test(f) || f === '--force');
    if (
      flags.includes('--no-preserve-root') ||
      (recursive && targets.some((t) => RM_DANGEROUS_TARGETS.has(t)))
    ) {
      findings.push({
        code: 'shell.rmRoot',
        level: 'critical',
        text: 'Deletes everything under a top-level or home folder (rm -r).',
      });
    } else if (recursive && force) {
      findings.push({
        code: 'shell.rmRf',
        level: 'high',
        text: 'Deletes files and folders without asking (rm -rf).',
      });
    } else {
      findings.push({ code: 'shell.rm', level: 'medium', text: 'Deletes files (rm).' });
    }
  }
  return findings;
}

/** Dangerous patterns in a shell command, worst first. */
export function shellDangers(full: string): Finding[] {
  const { text: command, complete } = readableCommand(full);
  const findings = rmFindings(command);
  if (!complete) {
    findings.push({
      code: 'shell.tooLong',
      level: 'high',
      text: `Part of the command is too long to check (a line over ${MAX_LINE} characters).`,
    });
  }
  for (const danger of SHELL_DANGERS) {
    if (danger.test.test(command))
      findings.push({ code: danger.code, level: danger.level, text: danger.text });
  }
  if (
    /\b(del|erase|rd|rmdir)\s{1,256}\/[sq]\b|\bremove-item\b[^\n]{0,4096}-recurse/i.test(command)
  ) {
    findings.push({
      code: 'shell.rmRf',
      level: 'high',
      text: 'Deletes files and folders without asking.',
    });
  }
  return findings;
}

/** Words of a command that look like file paths, so they can be checked like path arguments. */
export function commandPaths(command: string): string[] {
  const paths: string[] = [];
  for (const token of command.split(/[\s;&|<>()`'"=]{1,4096}/)) {
    const cleaned = token.replace(/^@/, '');
    if (/^(~|\/|\.\.?\/|[A-Za-z]:[\\/]|\$HOME\/)/.test(cleaned))
      paths.push(cleaned.replace(/^\$HOME\//, '~/'));
  }
  return paths;
}

// Programs that reach the network address given as an argument, reading `host/path` without a
// scheme as an http link (curl and wget do) or taking a bare host (nc, telnet).
const NETWORK_CLIENTS = new Set([
  'curl',
  'wget',
  'http',
  'https',
  'xh',
  'xhs',
  'aria2c',
  'lynx',
  'w3m',
  'nc',
  'ncat',
  'netcat',
  'telnet',
]);
// An address as such a program's argument: a dotted IPv4 address, a bracketed IPv6 one, or a
// name, then an optional port and path. A name alone counts only with a port or path after it
// (or when it is `localhost`): `curl -o out.txt x` names a file, not a site.
const ADDRESS =
  /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]{2,45}\]|localhost)|([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,126}))((?::\d{1,5})?(?:[/?#]\S*)?)$/i;

/**
 * The addresses a command's network programs reach without writing a scheme, as http links
 * (`curl 169.254.169.254/latest` is the metadata service as surely as with `http://`), so they
 * are graded like the links in any argument. Read over the part of the command the patterns
 * read (readableCommand).
 */
export function commandAddresses(full: string): string[] {
  const { text: command } = readableCommand(full);
  const links: string[] = [];
  for (const part of command.split(/[;&|\n()`]{1,4096}/)) {
    let reached = false;
    for (const word of part.split(/\s{1,4096}/)) {
      const token = word.replace(/^["']+|["']+$/g, '');
      if (!reached) {
        reached = NETWORK_CLIENTS.has(token.slice(token.lastIndexOf('/') + 1).toLowerCase());
        continue;
      }
      if (token.startsWith('-')) continue;
      const address = ADDRESS.exec(token);
      if (address && (address[1] !== undefined || address[3] !== '')) links.push(`http://${token}`);
    }
  }
  return links;
}

const SQL_DANGERS: Danger[] = [
  {
    code: 'sql.drop',
    level: 'high',
    test: /\bdrop\s{1,256}(table|database|schema|index|view|user)\b|\btruncate\s{1,256}(table\s{1,256})?\w/i,
    text: 'Drops or empties database objects.',
  },
  {
    code: 'sql.unboundedChange',
    level: 'high',
    test: /\bdelete\s{1,256}from\s{1,256}[\w."`[\]]{1,256}\s{0,256}(;|$)/i,
    also: updatesEveryRow,
    text: 'Changes or deletes every row of a table (no WHERE).',
  },
  {
    code: 'sql.write',
    level: 'medium',
    test: /\b(insert\s{1,256}into|update\s{1,256}[\w."`[\]]{1,256}\s{1,256}set|delete\s{1,256}from|alter\s{1,256}table|create\s{1,256}(table|user|role)|grant|revoke)\b/i,
    text: 'Changes data or permissions in a database.',
  },
];

/**
 * An UPDATE … SET with no WHERE anywhere after it. (As a regex this was a lookahead to the end
 * of the text, read again for every UPDATE: quadratic on a long script.)
 */
function updatesEveryRow(sql: string): boolean {
  let lastWhere = -1;
  for (const match of sql.matchAll(/\bwhere\b/gi)) lastWhere = match.index;
  for (const match of sql.matchAll(/\bupdate\s{1,256}[\w."`[\]]{1,256}\s{1,256}set\b/gi))
    if (match.index + match[0].length > lastWhere) return true;
  return false;
}

/** Dangerous statements in an SQL text. */
export function sqlDangers(sql: string): Finding[] {
  return SQL_DANGERS.filter((d) => d.test.test(sql) || d.also?.(sql)).map((d) => ({
    code: d.code,
    level: d.level,
    text: d.text,
  }));
}
