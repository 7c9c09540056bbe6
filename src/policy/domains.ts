// The domains a call links to or mails, so that a domain the user already let through is
// no longer "a domain not seen before". Punycode domains are never learnt: they keep asking.
import { argStrings } from './argStrings';
import { findEmails, findUrls } from './urls';

export function domainsIn(args: unknown): string[] {
  const found = new Set<string>();
  for (const s of argStrings(args)) {
    for (const url of findUrls(s.value))
      if (url.kind === 'domain' && !url.punycode) found.add(url.host);
    for (const email of findEmails(s.value)) if (!email.punycode) found.add(email.domain);
  }
  return [...found];
}
