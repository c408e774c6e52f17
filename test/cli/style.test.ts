import { describe, expect, it } from 'vitest';
import { colour, colourWanted, useColour } from '../../lib/cli/style.ts';

describe('colour on the terminal', () => {
  it('stays off in a pipe on a CI machine (stdout has no isTTY there, and CI is set)', () => {
    const pipe = undefined;
    expect(colourWanted({ CI: 'true' }, pipe)).toBe(false);
    useColour(colourWanted({ CI: 'true' }, pipe));
    expect(colour.bold('plain')).toBe('plain');
  });

  it('is on for a terminal, off with NO_COLOR, on with FORCE_COLOR', () => {
    expect(colourWanted({}, true)).toBe(true);
    expect(colourWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colourWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
  });
});
