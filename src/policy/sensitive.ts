// Places whose contents are secrets or whose change grants control (keys, credentials,
// browser profiles, system configuration, shell start-up files). Matched on lower-cased path
// components so `~`, `..` and case tricks are already gone when this runs.

const CREDENTIAL_FILES = new Set([
  '.netrc',
  '_netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.pgpass',
  '.my.cnf',
  '.vault-token',
  'credentials',
  'credentials.json',
  'credentials.db',
  'access_tokens.db',
  'application_default_credentials.json',
  'secrets.json',
  'secrets.yaml',
  'secrets.yml',
  'token.json',
]);
const KEY_EXTENSIONS = [
  '.pem',
  '.key',
  '.p12',
  '.pfx',
  '.jks',
  '.keystore',
  '.kdbx',
  '.ppk',
  '.gpg',
];
const HISTORY_FILES = new Set([
  '.bash_history',
  '.zsh_history',
  '.python_history',
  '.psql_history',
  '.mysql_history',
  '.node_repl_history',
  '.lesshst',
]);
const STARTUP_FILES = new Set([
  '.bashrc',
  '.zshrc',
  '.profile',
  '.bash_profile',
  '.zprofile',
  '.zshenv',
  '.login',
]);
const BROWSER_FILES = new Set([
  'cookies',
  'login data',
  'web data',
  'local state',
  'key4.db',
  'logins.json',
  'cookies.sqlite',
]);
const MCP_CONFIGS = new Set(['claude_desktop_config.json', '.claude.json', 'mcp_config.json']);

function has(parts: string[], ...sequence: string[]): boolean {
  for (let i = 0; i + sequence.length <= parts.length; i++) {
    if (sequence.every((s, k) => parts[i + k] === s)) return true;
  }
  return false;
}

/**
 * What sensitive thing a path is, or null. `parts`: root first, then the components,
 * lower-cased (see pathKeyParts).
 */
export function sensitivePathLabel(parts: string[]): string | null {
  const root = parts[0] ?? '';
  const rest = parts.slice(1).map((p) => p.toLowerCase());
  const base = rest[rest.length - 1] ?? '';
  if (rest.includes('.ssh') || /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(base)) return 'SSH keys';
  if (rest.includes('.gnupg')) return 'GnuPG keys';
  if (rest.includes('.aws')) return 'AWS credentials';
  if (rest.includes('.azure')) return 'Azure credentials';
  if (has(rest, '.config', 'gcloud')) return 'Google Cloud credentials';
  if (rest.includes('.kube')) return 'Kubernetes credentials';
  if (has(rest, '.docker', 'config.json')) return 'Docker credentials';
  if (rest.includes('.terraform.d') || base.endsWith('.tfstate'))
    return 'Terraform credentials or state';
  if (rest.includes('.password-store') || has(rest, '.local', 'share', 'keyrings'))
    return 'a password store';
  if (rest.includes('keychains') || base.endsWith('.keychain') || base.endsWith('.keychain-db'))
    return 'a keychain';
  if (has(rest, 'microsoft', 'credentials') || has(rest, 'microsoft', 'protect'))
    return 'Windows credentials';
  if (has(rest, 'windows', 'system32', 'config')) return 'Windows registry hives';
  if (
    rest.includes('.mozilla') ||
    has(rest, 'google', 'chrome') ||
    rest.includes('google-chrome') ||
    rest.includes('chromium') ||
    rest.includes('bravesoftware') ||
    has(rest, 'microsoft', 'edge') ||
    (rest.includes('firefox') && (rest.includes('profiles') || rest.includes('mozilla'))) ||
    BROWSER_FILES.has(base)
  )
    return 'a browser profile (cookies, saved passwords)';
  if (CREDENTIAL_FILES.has(base) || has(rest, 'gh', 'hosts.yml')) return 'a credentials file';
  if (
    (base === '.env' || base.startsWith('.env.') || base.endsWith('.env')) &&
    !/\.(example|sample|template|dist)$/.test(base)
  ) {
    return 'an environment file (often holds secrets)';
  }
  if (KEY_EXTENSIONS.some((ext) => base.endsWith(ext))) return 'a key or certificate file';
  if (
    MCP_CONFIGS.has(base) ||
    (base === 'mcp.json' && (rest.includes('.cursor') || rest.includes('.vscode')))
  ) {
    return 'an MCP configuration (may hold tokens)';
  }
  if (HISTORY_FILES.has(base)) return 'shell history';
  if (
    STARTUP_FILES.has(base) ||
    has(rest, '.config', 'fish') ||
    rest.includes('launchagents') ||
    rest.includes('autostart')
  ) {
    return 'a start-up file (runs on login)';
  }
  if (root === '/') {
    const first = rest[0];
    if (first === 'etc' || (first === 'private' && rest[1] === 'etc'))
      return 'system configuration (/etc)';
    if (first === 'root') return "the administrator's home";
    if (first === 'proc' && base === 'environ') return 'a process environment';
    if ((first === 'var' || first === 'run') && base === 'docker.sock') return 'the Docker socket';
    if (first === 'dev' && /^(sd|nvme|hd|disk|mmcblk)/.test(rest[1] ?? '')) return 'a raw disk';
  }
  return null;
}
