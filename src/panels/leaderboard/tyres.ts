/** Tyre compounds and their Pirelli colours (the only hard-coded colours besides teams). */
export interface Compound {
  code: string;
  letter: string;
  colour: string;
  /** Text colour on the badge, for contrast. */
  ink: string;
}

const COMPOUNDS: Record<string, Compound> = {
  SOFT: { code: 'SOFT', letter: 'S', colour: '#DA291C', ink: '#FFFFFF' },
  MEDIUM: { code: 'MEDIUM', letter: 'M', colour: '#FFD12E', ink: '#111111' },
  HARD: { code: 'HARD', letter: 'H', colour: '#F0F0EC', ink: '#111111' },
  INTERMEDIATE: { code: 'INTERMEDIATE', letter: 'I', colour: '#43B02A', ink: '#FFFFFF' },
  WET: { code: 'WET', letter: 'W', colour: '#0067AD', ink: '#FFFFFF' },
};

export function compound(tyre: string | undefined): Compound | undefined {
  if (!tyre) {
    return undefined;
  }
  const t = tyre.trim().toUpperCase();
  return COMPOUNDS[t] ?? (t === 'INTER' ? COMPOUNDS.INTERMEDIATE : undefined);
}
