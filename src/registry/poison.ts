import type { PoisonFinding, ToolDefinition } from '../contract/types';
import { decodeTagChars, hiddenKinds, preview } from '../contract/visible';

// Descriptions go straight into the model's context, so a server can address the model
// through them ("tool poisoning", "shadowing"). These patterns flag text meant for the
// model rather than for a person reading the tool list.

interface Text {
  where: string;
  text: string;
}

function collectTexts(def: ToolDefinition): Text[] {
  const texts: Text[] = [];
  if (typeof def.description === 'string')
    texts.push({ where: 'The description', text: def.description });
  if (typeof def.title === 'string') texts.push({ where: 'The title', text: def.title });
  if (typeof def.annotations?.title === 'string') {
    texts.push({ where: 'The annotated title', text: def.annotations.title });
  }
  walkSchema(def.inputSchema, [], texts, 0);
  return texts;
}

function walkSchema(node: unknown, trail: string[], out: Text[], depth: number): void {
  if (depth > 32 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walkSchema(item, trail, out, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  const param = trail.length > 0 ? `parameter '${trail.join('.')}'` : 'input schema';
  for (const key of ['description', 'title'] as const) {
    const value = record[key];
    if (typeof value === 'string') out.push({ where: `The ${key} of the ${param}`, text: value });
  }
  for (const [key, value] of Object.entries(record)) {
    if (key === 'properties' && value !== null && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
        walkSchema(sub, [...trail, name], out, depth + 1);
      }
    } else if (key !== 'description' && key !== 'title') {
      walkSchema(value, trail, out, depth + 1);
    }
  }
}

interface Pattern {
  code: string;
  test: RegExp;
  says: (match: string) => string;
}

// Descriptions come from the server, which may be hostile and send megabytes: every quantifier
// is bounded, so no pattern backtracks over the whole text or recurses once per repetition (the
// padding pattern's `{15,}` group overflowed the stack on a few megabytes of line breaks; as a
// yes/no test, 15 line breaks apart by at most 40 blanks find the same, as 40 blanks are
// padding on their own).
const PATTERNS: Pattern[] = [
  {
    code: 'poison.tag',
    test: /<\s{0,64}\/?\s{0,64}(important|system|instructions?|critical|urgent|hidden|secret|admin|assistant|context|rules?)\b[^>]{0,1000}>|\[\/?INST\]|<\|(im_start|im_end|system)\|>/i,
    says: (m) => `has a ${preview(m, 30)} tag aimed at the model.`,
  },
  {
    code: 'poison.conceal',
    test: /\b(do\s{0,64}n[o']t|never|without)\s{1,64}(tell|telling|inform|informing|mention|mentioning|reveal|revealing|show|showing|notify|notifying|alert|alerting|let|letting)\b[^.]{0,80}\b(user|human|them)\b|\b(user|human)\s{1,64}(must|should|does|do)\s{1,64}not\s{1,64}(know|see|be\s{1,64}told|need\s{1,64}to\s{1,64}know)\b|\bkeep\s{1,64}(this|it)\s{1,64}(a\s{1,64})?secret\b|\bsecretly\b/i,
    says: (m) => `asks to hide something from the user ("${preview(m, 60)}").`,
  },
  {
    code: 'poison.override',
    test: /\b(ignore|disregard|forget|override)\s{1,64}(all\s{1,64}|any\s{1,64})?(the\s{1,64})?(previous|prior|above|earlier|other|your)\s{1,64}(instructions|prompts?|rules|guidelines)\b|\byou\s{1,64}are\s{1,64}now\b|\bsystem\s{1,64}prompt\b|\bnew\s{1,64}instructions\b/i,
    says: (m) => `tries to override the model's instructions ("${preview(m, 60)}").`,
  },
  {
    code: 'poison.otherTool',
    test: /\b(other|another|all|any|every)\s{1,64}(mcp\s{1,64})?(tools|tool|servers|server)\b|\bwhen\s{1,64}(this|the)\s{1,64}tool\s{1,64}is\s{1,64}(available|present|loaded|installed)\b/i,
    says: (m) => `talks about other tools or servers ("${preview(m, 60)}").`,
  },
  {
    code: 'poison.readFile',
    test: /~\/\.ssh|\.ssh\/|\bid_(rsa|ed25519|ecdsa|dsa)\b|\.aws\/credentials|\.config\/gcloud|(^|[\s'"`(/])\.env\b|\bmcp\.json\b|claude_desktop_config|\/etc\/(passwd|shadow|sudoers)|\.npmrc|\.netrc|\.git-credentials|\.kube\/config|\bprivate\s{1,64}keys?\b|\bkeychain\b/i,
    says: (m) => `points at sensitive files ("${preview(m.trim(), 40)}").`,
  },
  {
    code: 'poison.secret',
    test: /\b(pass|send|include|put|provide|append|attach|forward|copy|embed)\b[^.\n]{0,60}\b(api[\s_-]?keys?|secrets?|passwords?|credentials?|tokens?|private\s{1,64}keys?|ssh\s{1,64}keys?|environment\s{1,64}variables?|(its|their|the\s{1,64}file'?s?)\s{1,64}contents?)\b/i,
    says: (m) => `asks the model to pass along secrets or file contents ("${preview(m, 60)}").`,
  },
  {
    code: 'poison.redirect',
    test: /\b(send|sent|forward|forwarded|cc|bcc|redirect|redirected|route|routed)\b[^.\n]{0,60}[\w.+-]{1,256}@[\w-]{1,255}(\.[\w-]{1,255}){1,127}/i,
    says: (m) => `tells the model where to send things ("${preview(m, 60)}").`,
  },
  {
    code: 'poison.ansi',
    test: /\x1b[[\]()PX^_]|\x9b/,
    says: () => 'contains terminal escape sequences that can hide or rewrite text.',
  },
  {
    code: 'poison.padding',
    test: /[ \t\u00a0\u3000]{40}|(?:\r?\n[ \t]{0,40}){15}/,
    says: () => 'has a long run of blank space that can push text out of view.',
  },
];

function otherToolPattern(names: string[], self: string): RegExp | null {
  // Single plain words ("search", "add") appear in ordinary prose; compound names do not.
  const distinctive = names.filter(
    (n) => n !== self && n.length >= 4 && (/[_\-.]/.test(n) || /[a-z][A-Z]/.test(n)),
  );
  if (distinctive.length === 0) return null;
  const escaped = distinctive.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\w-])(${escaped.join('|')})(?![\\w-])`);
}

/**
 * Scan a tool's description, title and the descriptions inside its input schema for text
 * aimed at the model, hidden characters and escapes. `otherToolNames`: the tools of *other*
 * servers, so that shadowing instructions naming them are caught (a description naming a
 * sibling tool of its own server, "use read_text_file instead", is ordinary).
 */
export function scanDescription(
  def: ToolDefinition,
  otherToolNames: string[] = [],
): PoisonFinding[] {
  const findings: PoisonFinding[] = [];
  const seen = new Set<string>();
  const add = (code: string, text: string): void => {
    const key = `${code}\u0000${text}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ code, text });
  };
  const others = otherToolPattern(otherToolNames, def.name);
  for (const { where, text } of collectTexts(def)) scanText(where, text, add, others);
  return findings;
}

/**
 * Every detector over one text, reporting findings as "<where> <what>". Shared by the scan of
 * tool descriptions and the scan of tool results (registry/resultScan.ts), which reach the
 * model the same way.
 */
export function scanText(
  where: string,
  text: string,
  add: (code: string, text: string) => void,
  others: RegExp | null = null,
): void {
  for (const pattern of PATTERNS) {
    const match = pattern.test.exec(text);
    if (match) add(pattern.code, `${where} ${pattern.says(match[0])}`);
  }
  const named = others?.exec(text);
  if (named) add('poison.otherTool', `${where} names another tool, ${named[0]}.`);
  const kinds = hiddenKinds(text);
  if (kinds.has('tag')) {
    add(
      'poison.invisible',
      `${where} hides text in invisible tag characters: "${preview(decodeTagChars(text), 60)}".`,
    );
  }
  if (kinds.has('bidi'))
    add('poison.invisible', `${where} contains characters that reverse text direction.`);
  if (kinds.has('invisible'))
    add('poison.invisible', `${where} contains zero-width or invisible characters.`);
  if (kinds.has('control') && !pattern('poison.ansi').test.test(text)) {
    add('poison.invisible', `${where} contains control characters.`);
  }
}

function pattern(code: string): Pattern {
  return PATTERNS.find((p) => p.code === code) as Pattern;
}
