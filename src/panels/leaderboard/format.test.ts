import { formatElapsed, formatGap, formatLapTime, formatSpeed } from './format';

describe('formatLapTime', () => {
  it.each([
    [83.456, '1:23.456'],
    [59.1, '59.100'],
    [60, '1:00.000'],
    [125.0004, '2:05.000'],
    // Rounding to the millisecond may carry into the minute.
    [59.9996, '1:00.000'],
  ])('%p s → %s', (s, want) => {
    expect(formatLapTime(s)).toBe(want);
  });

  it.each([undefined, 0, -3, NaN, Infinity])('%p has no lap time', (s) => {
    expect(formatLapTime(s)).toBe('—');
  });
});

describe('formatGap', () => {
  it('shows seconds to the thousandth', () => {
    expect(formatGap(1.2)).toBe('+1.200');
    expect(formatGap(0)).toBe('+0.000');
  });

  it('shows laps down instead of a gap', () => {
    expect(formatGap(95.1, 1)).toBe('+1 LAP');
    expect(formatGap(undefined, 2)).toBe('+2 LAPS');
    expect(formatGap(3.5, 0)).toBe('+3.500');
  });

  it('shows a dash without a gap', () => {
    expect(formatGap(undefined)).toBe('—');
    expect(formatGap(NaN)).toBe('—');
  });
});

describe('formatElapsed', () => {
  it.each([
    [65, '1:05'],
    [3725, '1:02:05'],
    [0, '0:00'],
    [59.9, '0:59'],
  ])('%p s → %s', (s, want) => {
    expect(formatElapsed(s)).toBe(want);
  });

  it.each([undefined, -1, NaN])('%p has no elapsed time', (s) => {
    expect(formatElapsed(s)).toBe('—');
  });
});

describe('formatSpeed', () => {
  it('shows one decimal, or a dash', () => {
    expect(formatSpeed(244.349)).toBe('244.3');
    expect(formatSpeed(undefined)).toBe('—');
    expect(formatSpeed(Infinity)).toBe('—');
  });
});
