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
  text: string;
}

// Ordered from worst; each names what a person would fear from the command.
const SHELL_DANGERS: Danger[] = [
  {
    code: 'shell.pipeToShell',
    level: 'critical',
    test: /\b(curl|wget|fetch)\b[^|;&\n]*\|\s*(sudo\s+)?(\S*\/)?((ba|z|k|da|fi)?sh|python[0-9.]*|perl|ruby|node)\b|\b(ba|z)?sh\s+<\(\s*(curl|wget)\b|\b(ba|z)?sh\s+-c\s+["']?\$\(\s*(curl|wget)\b|\b(iex|invoke-expression)\b[^\n]*\b(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b|\b(iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n]*\|\s*(iex|invoke-expression)\b/i,
    text: 'Downloads a script and runs it straight away.',
  },
  {
    code: 'shell.obfuscated',
    level: 'critical',
    test: /\bbase64\s+(-d|--decode|-D)\b[^|\n]*\|\s*(sudo\s+)?(ba|z)?sh\b|\b(ba|z)?sh\s+-c\s+["']?\$\(\s*(echo|printf)\b[^)]*\|\s*base64\s+(-d|--decode)/i,
    text: 'Decodes hidden text and runs it as a command.',
  },
  {
    code: 'shell.reverseShell',
    level: 'critical',
    test: /\/dev\/(tcp|udp)\/|\b(nc|ncat|netcat)\b[^\n]*\s-[a-z]*[ec]\s|\bsocat\b[^\n]*\bexec:/i,
    text: 'Opens a remote shell into this computer.',
  },
  {
    code: 'shell.diskWipe',
    level: 'critical',
    test: /\bmkfs(\.\w+)?\b|\bdd\b[^\n]*\bof=\/dev\/(sd|nvme|hd|disk|mmcblk)|>\s*\/dev\/(sd|nvme|hd|disk|mmcblk)|:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:|\bformat\s+[a-z]:/i,
    text: 'Can wipe a disk or bring the machine down.',
  },
  {
    code: 'shell.chmod',
    level: 'high',
    test: /\bchmod\s+(-[a-zA-Z]+\s+)*(0?777|0?666|a\+rwx|o\+w|[ugoa]*\+s|[24]7[0-7]{2})\b/,
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
    test: /\bcurl\b[^\n]*\s(-d|--data(-binary|-raw|-urlencode)?|-F|--form)\s*=?\s*['"]?[\w-]*=?@|\bcurl\b[^\n]*\s(-T|--upload-file)\s|\bwget\b[^\n]*--post-file/i,
    text: 'Sends a local file over the network.',
  },
  {
    code: 'shell.gitRewrite',
    level: 'high',
    test: /\bgit\s+push\b[^\n;&|]*(\s--force\b|\s-f\b|\s--force-with-lease\b|\s\+\S)|\bgit\s+reset\s+--hard\b|\bgit\s+clean\s+-[a-z]*f/i,
    text: 'Rewrites or throws away git history or work.',
  },
  {
    code: 'shell.persistence',
    level: 'high',
    test: /\bcrontab\b|\blaunchctl\s+(load|bootstrap|submit)\b|\bsystemctl\s+(--user\s+)?(enable|start)\b|>>?\s*\S*\.(bashrc|zshrc|profile|bash_profile|zprofile)\b|\bauthorized_keys\b/i,
    text: 'Sets something up to run again later (start-up files, cron, services, SSH keys).',
  },
  {
    code: 'shell.hideTracks',
    level: 'high',
    test: /\bhistory\s+-c\b|\bunset\s+HISTFILE\b|\bHISTSIZE=0\b|\bshred\b/,
    text: 'Covers its tracks (clears history or shreds files).',
  },
  {
    code: 'shell.shutdown',
    level: 'high',
    test: /(^|[;&|\s])(shutdown|reboot|halt|poweroff)(\s|$)|\bkill\s+-9\s+-1\b/,
    text: 'Shuts down or restarts the machine.',
  },
  {
    code: 'shell.envDump',
    level: 'medium',
    test: /(^|[;&|]\s*)(printenv|env|set|export\s+-p)\s*($|[|>;&])/,
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
    test: /\b(npm|pnpm|yarn|bun)\s+(i|install|add)\b|\bpip3?\s+install\b|\b(brew|apt|apt-get|dnf|yum|pacman|choco|winget)\s+(install|-S)\b/i,
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
  for (const match of command.matchAll(/(^|[;&|(`\s])rm\s+([^;&|\n`)]*)/g)) {
    const tokens = (match[2] ?? '').split(/\s+/).filter((t) => t !== '');
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
export function shellDangers(command: string): Finding[] {
  const findings = rmFindings(command);
  for (const danger of SHELL_DANGERS) {
    if (danger.test.test(command))
      findings.push({ code: danger.code, level: danger.level, text: danger.text });
  }
  if (/\b(del|erase|rd|rmdir)\s+\/[sq]\b|\bremove-item\b[^\n]*-recurse/i.test(command)) {
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
  for (const token of command.split(/[\s;&|<>()`'"=]+/)) {
    const cleaned = token.replace(/^@/, '');
    if (/^(~|\/|\.\.?\/|[A-Za-z]:[\\/]|\$HOME\/)/.test(cleaned))
      paths.push(cleaned.replace(/^\$HOME\//, '~/'));
  }
  return paths;
}

const SQL_DANGERS: Danger[] = [
  {
    code: 'sql.drop',
    level: 'high',
    test: /\bdrop\s+(table|database|schema|index|view|user)\b|\btruncate\s+(table\s+)?\w/i,
    text: 'Drops or empties database objects.',
  },
  {
    code: 'sql.unboundedChange',
    level: 'high',
    test: /\bdelete\s+from\s+[\w."`[\]]+\s*(;|$)|\bupdate\s+[\w."`[\]]+\s+set\b(?![\s\S]*\bwhere\b)/i,
    text: 'Changes or deletes every row of a table (no WHERE).',
  },
  {
    code: 'sql.write',
    level: 'medium',
    test: /\b(insert\s+into|update\s+[\w."`[\]]+\s+set|delete\s+from|alter\s+table|create\s+(table|user|role)|grant|revoke)\b/i,
    text: 'Changes data or permissions in a database.',
  },
];

/** Dangerous statements in an SQL text. */
export function sqlDangers(sql: string): Finding[] {
  return SQL_DANGERS.filter((d) => d.test.test(sql)).map((d) => ({
    code: d.code,
    level: d.level,
    text: d.text,
  }));
}
