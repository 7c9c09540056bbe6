// Secrets in arguments: a model that was tricked into leaking something passes it along as
// an ordinary string, so formats with a recognisable shape are worth naming.

export type SecretKind = 'privateKey' | 'apiKey' | 'jwt' | 'entropy';

export interface SecretHit {
  kind: SecretKind;
  label: string;
  /** The secret, shortened so that a reason never repeats it. */
  masked: string;
}

const FORMATS: { label: string; re: RegExp }[] = [
  { label: 'AWS access key', re: /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { label: 'GitHub token', re: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g },
  { label: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { label: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { label: 'Slack webhook', re: /hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g },
  { label: 'Anthropic API key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { label: 'OpenAI API key', re: /\bsk-(?!ant-)(proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g },
  { label: 'Stripe key', re: /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b/g },
  { label: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { label: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { label: 'Hugging Face token', re: /\bhf_[A-Za-z]{34}\b/g },
  { label: 'SendGrid key', re: /\bSG\.[\w-]{22}\.[\w-]{43}\b/g },
  { label: 'Twilio key', re: /\bSK[0-9a-f]{32}\b/g },
  { label: 'Azure storage key', re: /\bAccountKey=[A-Za-z0-9+/=]{40,}/g },
  {
    label: 'password or key assignment',
    re: /\b(api[_-]?key|secret(_key)?|access[_-]?token|auth[_-]?token|password|passwd|client[_-]?secret)\s*[:=]\s*["']?[^\s"',;]{8,}/gi,
  },
];

const PRIVATE_KEY = /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g;
const TOKEN = /[A-Za-z0-9+/=_-]{32,}/g;

export function mask(secret: string): string {
  return secret.length <= 10 ? '…' : `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const length = [...s].length;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

// Random base64 of 32+ characters scores about 4.6 bits per character or more; words, paths,
// hex hashes and UUIDs score lower or lack the mix of cases and digits.
function looksRandom(token: string): boolean {
  const digits = token.replace(/\D/g, '').length;
  return /[a-z]/.test(token) && /[A-Z]/.test(token) && digits >= 3 && entropy(token) >= 4.3;
}

export function findSecrets(s: string): SecretHit[] {
  const hits: SecretHit[] = [];
  const privateKey = PRIVATE_KEY.exec(s);
  if (privateKey)
    hits.push({ kind: 'privateKey', label: 'private key block', masked: privateKey[0] });
  const known: string[] = [];
  for (const { label, re } of FORMATS) {
    for (const match of s.matchAll(re)) {
      hits.push({ kind: 'apiKey', label, masked: mask(match[0]) });
      known.push(match[0]);
    }
  }
  for (const match of s.matchAll(JWT)) {
    hits.push({ kind: 'jwt', label: 'JSON Web Token', masked: mask(match[0]) });
    known.push(match[0]);
  }
  if (!privateKey) {
    for (const match of s.matchAll(TOKEN)) {
      const token = match[0];
      if (known.some((k) => k.includes(token) || token.includes(k))) continue;
      if (looksRandom(token)) {
        hits.push({ kind: 'entropy', label: 'long random-looking string', masked: mask(token) });
        break;
      }
    }
  }
  return hits;
}

const SECRET_FIELD =
  /^(password|passwd|pwd|passphrase|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|auth[_-]?token|api[_-]?key|apikey|authorization|private[_-]?key|credentials?)$/i;

/** A field whose name says it carries a secret. */
export function isSecretField(key: string): boolean {
  return SECRET_FIELD.test(key);
}
