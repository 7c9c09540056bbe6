// Texts made of random picks from a list of pieces, for tests that hold a fast scanner to the
// plain pattern it stands in for. Seeded (a linear congruential generator), so every machine
// and every run checks the same texts.

/** `count` texts, each of 0 to `maxPieces - 1` pieces picked from `pieces`. */
export function seededTexts(
  pieces: readonly string[],
  count: number,
  maxPieces: number,
  seed: number,
): string[] {
  let x = seed;
  const next = (below: number): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % below;
  };
  const texts: string[] = [];
  for (let t = 0; t < count; t++) {
    let text = '';
    for (let k = next(maxPieces); k > 0; k--) text += pieces[next(pieces.length)];
    texts.push(text);
  }
  return texts;
}
