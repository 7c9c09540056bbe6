// One parsed config file that can be edited in place. JSON and TOML implement it; everything above
// this layer (planning, ledger, restore) is format-blind.
import type { PrefixEdit } from './render';
import type { LaunchShape } from './types';

export interface Span {
  start: number;
  end: number;
}

export interface ConfigDocument {
  readonly text: string;
  /** The whole file as plain data. */
  readonly value: unknown;
  /** The source span holding this server's command and args; putting back its old text restores them exactly. */
  launchSpan(location: string[], name: string, shape: LaunchShape): Span | undefined;
  /**
   * The full new text with command and args set (args `null`: remove the key). With `prefix`, an
   * existing args array is edited at its head only, so its other elements and comments stay as
   * written; the caller guarantees the prefix edit yields `args`. Throws when it cannot.
   */
  withLaunch(
    location: string[],
    name: string,
    shape: LaunchShape,
    command: string,
    args: string[] | null,
    prefix?: PrefixEdit,
  ): string;
  replaceSpan(span: Span, content: string): string;
  /** Sets a number key of a server entry inside its launch span (TOML: Codex's startup budget). */
  withNumber?(location: string[], name: string, key: string, value: number): string;
  /** Sets a number or string key of a server entry inside its launch span (TOML). */
  withScalar?(location: string[], name: string, key: string, value: number | string): string;
  /** The source span of one key's value on a server entry. */
  valueSpan?(location: string[], name: string, key: string): Span | undefined;
  /** The full new text without this key of a server entry (unchanged when it is absent). */
  withoutKey?(location: string[], name: string, key: string): string;
}
