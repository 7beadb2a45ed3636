/** Formatting of timing values the way F1 timing screens show them. */

/** 83.456 → "1:23.456"; 59.1 → "59.100". */
export function formatLapTime(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s) || s <= 0) {
    return '—';
  }
  const ms = Math.round(s * 1000);
  const minutes = Math.floor(ms / 60000);
  const rest = (ms % 60000) / 1000;
  if (minutes === 0) {
    return rest.toFixed(3);
  }
  return `${minutes}:${rest.toFixed(3).padStart(6, '0')}`;
}

/** A gap or interval: "+1.234"; lapped cars "+1 LAP"/"+2 LAPS". */
export function formatGap(s: number | undefined, lapsDown?: number): string {
  if (lapsDown !== undefined && lapsDown > 0) {
    return `+${lapsDown} LAP${lapsDown === 1 ? '' : 'S'}`;
  }
  if (s === undefined || !Number.isFinite(s)) {
    return '—';
  }
  return `+${s.toFixed(3)}`;
}

/** Elapsed race time: 3725 → "1:02:05"; 65 → "1:05". */
export function formatElapsed(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s) || s < 0) {
    return '—';
  }
  const total = Math.floor(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function formatSpeed(kph: number | undefined): string {
  return kph === undefined || !Number.isFinite(kph) ? '—' : `${kph.toFixed(1)}`;
}
