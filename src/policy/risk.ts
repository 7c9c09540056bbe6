import type {
  PoisonFinding,
  RiskAssessment,
  RiskLevel,
  RiskReason,
  ToolDefinition,
} from '../contract/types';
import { RISK_LEVELS } from '../contract/types';
import { decodeTagChars, hiddenKinds, preview } from '../contract/visible';
import { argStrings, childPath, type ArgString } from './argStrings';
import {
  displayPath,
  isAbsolutePath,
  isPathUnder,
  normalizePath,
  pathKeyParts,
  relativeKeyParts,
  type PathEnv,
} from './paths';
import { findPadding } from './padding';
import { argumentMisfits } from './schemaFit';
import { findSecrets, isSecretField, type SecretHit } from './secrets';
import { sensitivePathLabel } from './sensitive';
import { commandAddresses, commandPaths, shellDangers, sqlDangers } from './shell';
import { findEmails, findUrls, isKnownDomain, parseUrl, showHost } from './urls';
import { nameActs, nameClearlyReads, nameVerbs, nameWords } from './verbs';

export interface ToolState {
  definition: ToolDefinition | null;
  isNew: boolean;
  changed: boolean;
  poison: PoisonFinding[];
}

export interface SessionFacts {
  /** Roots the host declared (paths or file:// URIs); empty when it declared none. */
  roots: string[];
  env: PathEnv;
  /** An earlier call to this server in this session touched sensitive data. */
  readSensitiveEarlier: boolean;
  /** Domains the user already deals with; links elsewhere are called out. */
  knownDomains: string[];
}

export interface CallShape {
  tool: string;
  arguments: unknown;
}

export function riskRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function maxLevel(levels: RiskLevel[]): RiskLevel {
  return levels.reduce<RiskLevel>((max, l) => (riskRank(l) > riskRank(max) ? l : max), 'low');
}

const PATH_KEY =
  /^(paths?|files?|file_?names?|file_?paths?|dirs?|directory|directories|folders?|source|src|destination|dest|dst|cwd|root|location|workdir|working_?directory|attachments?)$|(path|file|dir|directory|folder)s?$/i;
const COMMAND_KEY = /^(command|commands|cmd|script|shell|bash|code|command_?line|commandline)$/i;
const SQL_KEY = /^(sql|query|statement|statements)$/i;
const MAX_REASONS_PER_CODE = 3;
/** The longest name DNS can hold: a longer "domain" is never remembered as known. */
const MAX_DOMAIN_NAME = 253;

function looksLikePath(s: ArgString): boolean {
  const v = s.value;
  if (s.isKey || v.length === 0 || v.length > 4096 || /[\n\r\0]/.test(v)) return false;
  if (/^file:\/\//i.test(v)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return false;
  if (/^(~$|~[\\/]|\/|\.\.?[\\/]|[A-Za-z]:[\\/]|\\\\)/.test(v)) return true;
  return s.key !== null && PATH_KEY.test(s.key) && !/\s{2,}/.test(v);
}

/** A path the arguments name (a path argument, or a path inside a command). */
export interface PathFact {
  /** As the agent wrote it. */
  written: string;
  /**
   * Relative: its meaning depends on the server's directory, which the gate cannot see. Read
   * against the first root the host shared when there is one; never against the gate's own.
   */
  relative: boolean;
  /** As a person reads it in a reason: normalised, `~` for home; a relative one as written. */
  shown: string;
  /** What sensitive thing it is (SSH keys, an environment file…), or null. */
  sensitive: string | null;
  fromCommand: boolean;
}

/**
 * What the scan found in a call besides its risk: the gate acts on these (remembering that a
 * session read sensitive data, learning the domains of calls let through) without scanning the
 * arguments a second time.
 */
export interface RiskFacts {
  /** The call reads or exposes sensitive data (keys, credentials, environment). */
  touchesSensitive: boolean;
  /** Domains it links to or mails, lower case, once each; IP literals and punycode never. */
  domains: string[];
  paths: PathFact[];
}

export interface CallAssessment {
  risk: RiskAssessment;
  facts: RiskFacts;
}

interface Facts {
  sensitivePaths: { shown: string; label: string }[];
  outsideRoots: string[];
  secrets: (SecretHit & { where: string })[];
  externalLinks: boolean;
  envDump: boolean;
  domains: Set<string>;
  paths: PathFact[];
}

class Reasons {
  readonly list: RiskReason[] = [];
  private readonly perCode = new Map<string, number>();
  /** `text` may be a function, so a reason past the few shown is not even written. */
  add(code: string, level: RiskLevel, said: string | (() => string)): void {
    const count = this.perCode.get(code) ?? 0;
    if (count > MAX_REASONS_PER_CODE) return; // its "more of the same" line is in already
    const text = typeof said === 'function' ? said() : said;
    if (this.list.some((r) => r.code === code && r.text === text)) return;
    this.perCode.set(code, count + 1);
    if (count < MAX_REASONS_PER_CODE) this.list.push({ code, level, text });
    else if (count === MAX_REASONS_PER_CODE) this.list.push({ code, level, text: moreOf(code) });
  }
}

/** The line that stands for the reasons of one kind beyond the first few, in the kind's words. */
export function moreOf(code: string): string {
  if (code.startsWith('tool.')) return "More findings of the same kind in the tool's description.";
  if (code.startsWith('url.')) return 'More links of the same kind.';
  if (code.startsWith('shell.') || code.startsWith('sql.'))
    return 'More of the same in the command.';
  if (code.startsWith('session.')) return 'More of the same from earlier calls.';
  return 'More of the same in other arguments.';
}

function hasHints(def: ToolDefinition | null): boolean {
  const a = def?.annotations;
  if (!a) return false;
  return [a.readOnlyHint, a.destructiveHint, a.openWorldHint, a.idempotentHint].some(
    (h) => typeof h === 'boolean',
  );
}

function addAnnotationReasons(call: CallShape, tool: ToolState, reasons: Reasons): void {
  const a = tool.definition?.annotations;
  if (!hasHints(tool.definition) || !a) {
    if (!nameClearlyReads(call.tool)) {
      reasons.add(
        'annotation.none',
        'medium',
        'The server declares no annotations, so it is treated as able to change things and reach outside.',
      );
    }
    return;
  }
  if (a.readOnlyHint === true) return;
  if (a.destructiveHint === true) {
    reasons.add(
      'annotation.destructive',
      'medium',
      'The server marks this tool as able to delete or overwrite things.',
    );
  } else if (a.destructiveHint === undefined) {
    reasons.add(
      'annotation.destructive',
      'medium',
      'The server does not say this tool is harmless, so it may delete or overwrite things.',
    );
  } else {
    reasons.add(
      'annotation.writes',
      'low',
      'The server says this tool changes things without destroying them.',
    );
  }
  if (a.openWorldHint !== false) {
    reasons.add(
      'annotation.openWorld',
      'medium',
      a.openWorldHint === true
        ? 'The server marks this tool as reaching outside this computer.'
        : 'The server does not say this tool stays on this computer.',
    );
  }
}

function addNameReasons(name: string, reasons: Reasons): void {
  const v = nameVerbs(name);
  const q = (words: string[]): string => words.map((w) => `"${w}"`).join(', ');
  for (const [words, code, level, says] of [
    [v.destroys, 'name.destructive', 'high', 'deletes or destroys things'],
    [v.executes, 'name.exec', 'high', 'runs commands or code'],
    [v.money, 'name.money', 'high', 'moves money or buys things'],
    [v.outward, 'name.outward', 'medium', 'sends or publishes data'],
    [v.writes, 'name.writes', 'medium', 'changes things'],
  ] as const) {
    if (words.length) reasons.add(code, level, `The tool's name says it ${says} (${q(words)}).`);
  }
  const secretWords = nameWords(name).filter((w) => SECRET_WORDS.has(w));
  if (secretWords.length) {
    reasons.add(
      'name.secrets',
      'medium',
      `The tool's name says it handles secrets or environment variables (${q(secretWords)}).`,
    );
  }
}

const SECRET_WORDS = new Set([
  'env',
  'environment',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'password',
  'passwords',
  'keychain',
  'token',
  'tokens',
]);

/** Does this call move data out of the machine, as far as its name, annotations and arguments tell? */
function sendsOutward(call: CallShape, tool: ToolState, externalLinks: boolean): boolean {
  const v = nameVerbs(call.tool);
  if (v.outward.length || v.money.length) return true;
  const a = tool.definition?.annotations;
  const readOnly = a?.readOnlyHint === true;
  // The spec's default for an unset openWorldHint is true.
  if (a?.openWorldHint !== false && !readOnly) return true;
  // The spec's defaults: no annotations means open-world.
  if (!hasHints(tool.definition) && !nameClearlyReads(call.tool)) return true;
  return externalLinks && !readOnly;
}

function writesish(call: CallShape, tool: ToolState): boolean {
  const v = nameVerbs(call.tool);
  if (v.writes.length || v.destroys.length || v.executes.length) return true;
  const a = tool.definition?.annotations;
  return a?.readOnlyHint !== true && a?.destructiveHint === true;
}

function checkPath(
  raw: string,
  session: SessionFacts,
  env: PathEnv,
  facts: Facts,
  reasons: Reasons,
  writes: boolean,
  fromCommand: boolean,
): void {
  // A relative path is read against the first root the host shared (env's cwd then); with no
  // root, nothing says where it lands, so it is judged by its own components, never against
  // the gate's directory.
  const relative = !isAbsolutePath(raw, env);
  const unanchored = relative && session.roots.length === 0;
  const label = sensitivePathLabel(
    unanchored ? relativeKeyParts(raw, env) : pathKeyParts(raw, env),
  );
  const shown = preview(unanchored ? raw : displayPath(raw, env), 120);
  facts.paths.push({
    written: raw,
    relative,
    shown,
    sensitive: label,
    fromCommand,
  });
  if (label) {
    facts.sensitivePaths.push({ shown, label });
    if (writes)
      reasons.add(
        'path.sensitive',
        'critical',
        `Changes a sensitive location: ${shown} (${label}).`,
      );
    else
      reasons.add(
        'path.sensitive',
        'high',
        `${fromCommand ? 'The command touches' : 'Touches'} a sensitive location: ${shown} (${label}).`,
      );
  }
  if (
    !fromCommand &&
    session.roots.length > 0 &&
    !session.roots.some((root) => isPathUnder(raw, root, env))
  ) {
    facts.outsideRoots.push(shown);
    reasons.add(
      'path.outsideRoots',
      'medium',
      `The path ${shown} is outside the folders the host shared.`,
    );
  }
}

function addStringReasons(s: ArgString, reasons: Reasons, where: string): void {
  const kinds = hiddenKinds(s.value);
  if (kinds.has('tag')) {
    reasons.add(
      'arg.tagChars',
      'high',
      `${where} hides text in invisible tag characters: "${preview(decodeTagChars(s.value), 60)}".`,
    );
  }
  if (kinds.has('bidi'))
    reasons.add('arg.bidi', 'high', `${where} contains characters that reverse text direction.`);
  if (kinds.has('invisible'))
    reasons.add('arg.invisible', 'medium', `${where} contains zero-width or invisible characters.`);
  if (kinds.has('control'))
    reasons.add('arg.control', 'medium', `${where} contains control characters.`);
  const padding = findPadding(s.value);
  if (padding) {
    reasons.add(
      'arg.padding',
      'medium',
      `${where} is padded with ${padding.length} blank characters that can push text out of view.`,
    );
  }
}

/** Several lines of text: what a file's contents passed in an argument look like. */
function looksLikeFileContents(v: string): boolean {
  if (v.length < 120) return false;
  let at = -1;
  for (let lines = 0; lines < 3; lines++) {
    at = v.indexOf('\n', at + 1);
    if (at === -1) return false;
  }
  return true;
}

/**
 * The arguments against the tool's pinned inputSchema: undeclared ones (critical when they
 * carry a secret or a file's contents: the shape of exfiltration through a poisoned tool),
 * wrong types, missing required ones.
 */
function addMisfitReasons(
  inputSchema: unknown,
  args: unknown,
  carried: { path: string; what: string }[],
  reasons: Reasons,
): void {
  for (const m of argumentMisfits(inputSchema, args)) {
    const name = `"${preview(m.name, 40)}"`;
    if (m.kind === 'undeclared') {
      const base = childPath('$', m.name);
      const inside = carried.find(
        (c) => c.path === base || c.path.startsWith(`${base}.`) || c.path.startsWith(`${base}[`),
      );
      if (inside)
        reasons.add(
          'arg.undeclaredData',
          'critical',
          `The argument ${name}, which the tool does not declare, carries ${inside.what}.`,
        );
      else
        reasons.add(
          'arg.undeclared',
          'high',
          `The argument ${name} is not one the tool declares in its schema.`,
        );
    } else if (m.kind === 'wrongType') {
      reasons.add(
        'arg.wrongType',
        'medium',
        `The argument ${name} is ${article(m.actual)} ${m.actual}; the tool's schema asks for ${m.expected.join(' or ')}.`,
      );
    } else {
      reasons.add(
        'arg.missing',
        'medium',
        `The argument ${name}, which the tool's schema requires, is missing.`,
      );
    }
  }
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** How risky a call is (see assessCall), when its facts are not needed. */
export function assessRisk(
  call: CallShape,
  tool: ToolState,
  session: SessionFacts,
): RiskAssessment {
  return assessCall(call, tool, session).risk;
}

/**
 * How risky a call is, with every reason in words a person understands, and the facts found on
 * the way (sensitive data touched, domains, paths). Pure: everything it knows comes in through
 * its arguments.
 */
export function assessCall(
  call: CallShape,
  tool: ToolState,
  session: SessionFacts,
): CallAssessment {
  const reasons = new Reasons();
  // Relative paths are read as the server would: against the first root the host shared.
  const env: PathEnv = session.roots[0]
    ? { ...session.env, cwd: normalizePath(session.roots[0], session.env) }
    : session.env;
  const facts: Facts = {
    sensitivePaths: [],
    outsideRoots: [],
    secrets: [],
    externalLinks: false,
    envDump: false,
    domains: new Set(),
    paths: [],
  };
  const gradedLinks = new Set<string>();

  if (tool.definition === null)
    reasons.add(
      'tool.unlisted',
      'medium',
      "Airlock has not seen this tool in the server's tool list.",
    );
  if (tool.changed)
    reasons.add(
      'tool.changed',
      'high',
      "The tool's definition changed since it was last reviewed.",
    );
  if (tool.isNew) reasons.add('tool.new', 'low', 'This tool is new to Airlock.');
  for (const finding of tool.poison)
    reasons.add('tool.poisoned', 'high', `The tool looks poisoned: ${finding.text}`);

  addAnnotationReasons(call, tool, reasons);
  addNameReasons(call.tool, reasons);

  const writes = writesish(call, tool);
  const verbs = nameVerbs(call.tool);
  const sqlTool = nameWords(call.tool).some((w) => ['sql', 'query', 'db', 'database'].includes(w));
  const strings = argStrings(call.arguments);
  const emails: string[] = [];
  /** Where the arguments carry a secret or what reads as a file's contents. */
  const carried: { path: string; what: string }[] = [];

  for (const s of strings) {
    const where = s.isKey
      ? `The argument name ${preview(s.value, 40)}`
      : `The argument ${s.path.slice(2) || 'value'}`;
    addStringReasons(s, reasons, where);
    if (s.isKey) continue;

    if (looksLikePath(s)) checkPath(s.value, session, env, facts, reasons, writes, false);

    const isCommand =
      (s.key !== null && COMMAND_KEY.test(s.key)) ||
      (verbs.executes.length > 0 && /\s/.test(s.value) && !looksLikePath(s));
    if (isCommand) {
      const dangers = shellDangers(s.value);
      for (const d of dangers) reasons.add(d.code, d.level, d.text);
      if (dangers.some((d) => d.code === 'shell.envDump')) facts.envDump = true;
      if (dangers.length === 0)
        reasons.add('shell.command', 'medium', `Runs the command "${preview(s.value, 80)}".`);
      for (const p of commandPaths(s.value))
        checkPath(p, session, env, facts, reasons, false, true);
    }
    if (
      (s.key !== null && SQL_KEY.test(s.key)) ||
      (sqlTool &&
        /\b(select|insert|update|delete|drop|alter|create|truncate|grant)\b/i.test(s.value))
    ) {
      for (const d of sqlDangers(s.value)) reasons.add(d.code, d.level, d.text);
    }

    const urls = findUrls(s.value);
    // A command's network programs also reach what it names without a scheme.
    if (isCommand)
      for (const address of commandAddresses(s.value)) {
        const link = parseUrl(address);
        if (link) urls.push(link);
      }
    for (const url of urls) {
      // What a link adds depends on its host alone (and whether it names a user): a page that
      // links to one site a thousand times is graded once.
      const graded = url.hasCredentials ? `@${url.host}` : url.host;
      if (gradedLinks.has(graded)) continue;
      gradedLinks.add(graded);
      // The URL parser takes a host of any length (a reason shows its start), and a punycode
      // host is shown decoded too, escaped like any text a server chose.
      const host =
        url.punycode || url.host.length > 120
          ? preview(showHost(url.host, url.unicodeHost), 120)
          : url.host;
      if (url.kind === 'metadata')
        reasons.add(
          'url.metadata',
          'critical',
          `Reaches the cloud metadata service (${host}), which hands out credentials.`,
        );
      else if (url.kind === 'loopback')
        reasons.add('url.local', 'medium', `Reaches a service on this computer (${host}).`);
      else if (url.kind === 'private')
        reasons.add('url.private', 'medium', `Reaches a machine on the local network (${host}).`);
      else if (url.kind === 'ip')
        reasons.add(
          'url.ip',
          'high',
          `Links to a bare IP address (${host}) instead of a named site.`,
        );
      if (url.kind === 'ip' || url.kind === 'domain') facts.externalLinks = true;
      if (url.punycode)
        reasons.add(
          'url.punycode',
          'high',
          `Links to an internationalised domain: ${host}; look-alike letters can imitate a known site.`,
        );
      if (url.hasCredentials)
        reasons.add(
          'url.credentials',
          'high',
          `The link to ${host} carries a user name or password.`,
        );
      if (url.kind === 'domain' && !url.punycode) {
        // Remembered as known only as a name DNS could hold (253 characters at most).
        if (url.host.length <= MAX_DOMAIN_NAME) facts.domains.add(url.host);
        if (isKnownDomain(url.host, session.knownDomains))
          reasons.add('url.external', 'low', () => `Links to ${host}.`);
        else
          reasons.add(
            'url.newDomain',
            'medium',
            () => `Links to ${host}, a domain not seen before.`,
          );
      }
    }

    for (const email of findEmails(s.value)) {
      emails.push(email.address);
      if (!email.punycode && email.domain.length <= MAX_DOMAIN_NAME)
        facts.domains.add(email.domain);
      const domain = showHost(email.domain, email.unicodeDomain);
      const known = isKnownDomain(email.domain, session.knownDomains);
      reasons.add(
        'arg.email',
        known ? 'low' : 'medium',
        `Includes the e-mail address ${preview(email.address, 80)}${email.punycode ? ` (domain ${domain})` : ''}${known ? '' : ', at a domain not seen before'}.`,
      );
    }

    if (looksLikeFileContents(s.value))
      carried.push({ path: s.path, what: 'what looks like the contents of a file' });
    for (const hit of findSecrets(s.value)) {
      facts.secrets.push({ ...hit, where });
      if (hit.kind !== 'entropy') carried.push({ path: s.path, what: `a ${hit.label}` });
      if (hit.kind === 'privateKey')
        reasons.add('secret.privateKey', 'high', `${where} contains a private key.`);
      else if (hit.kind === 'entropy')
        reasons.add(
          'secret.entropy',
          'medium',
          `${where} contains a long random-looking string (${hit.masked}), possibly a key or encoded data.`,
        );
      else
        reasons.add(
          'secret.token',
          'high',
          `${where} contains what looks like a ${hit.label} (${hit.masked}).`,
        );
    }
    if (s.key !== null && isSecretField(s.key) && s.value.trim() !== '') {
      carried.push({ path: s.path, what: `a value in a field named "${preview(s.key, 40)}"` });
      reasons.add(
        'secret.field',
        'medium',
        `Passes a value in a field named "${preview(s.key, 40)}".`,
      );
    }
  }

  addMisfitReasons(tool.definition?.inputSchema, call.arguments, carried, reasons);

  const outward = sendsOutward(
    call,
    tool,
    facts.externalLinks || (emails.length > 0 && nameActs(verbs)),
  );
  const realSecret = facts.secrets.some((h) => h.kind !== 'entropy');

  if (session.readSensitiveEarlier && outward) {
    reasons.add(
      'session.exfiltration',
      'critical',
      'Earlier calls to this server read sensitive data, and this call can send data out.',
    );
  }
  if (realSecret && outward) {
    reasons.add(
      'secret.outward',
      'critical',
      'A secret or private key would leave through a tool that sends data out.',
    );
  }
  if (facts.sensitivePaths.length > 0 && outward && !nameClearlyReads(call.tool)) {
    reasons.add(
      'path.sensitiveOutward',
      'critical',
      'Sensitive files are handed to a tool that sends data out.',
    );
  }
  if (tool.poison.length > 0 && (facts.sensitivePaths.length > 0 || realSecret)) {
    reasons.add(
      'tool.poisonedSensitive',
      'critical',
      'A tool with a suspicious description is handling sensitive data.',
    );
  }

  const list = [...reasons.list].sort((a, b) => riskRank(b.level) - riskRank(a.level));
  return {
    risk: { level: maxLevel(list.map((r) => r.level)), reasons: list },
    facts: {
      touchesSensitive:
        nameWords(call.tool).some((w) => SECRET_WORDS.has(w)) ||
        facts.sensitivePaths.length > 0 ||
        facts.envDump ||
        realSecret,
      domains: [...facts.domains],
      paths: facts.paths,
    },
  };
}
