/**
 * Helpers for the backend's resources (GET topics, GET drivers, POST race/start, ...):
 * tolerant parsing of their answers and readable error messages.
 */

export interface TopicInfo {
  name: string;
  partitions?: number;
}

/** Kafka's and the registry's own topics, hidden from pickers unless typed. */
function isInternal(name: string, item?: Record<string, unknown>): boolean {
  return item?.internal === true || name.startsWith('__') || name === '_schemas';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Unwraps `{topics: [...]}`-style envelopes around a list. */
function listOf(body: unknown, key: string): unknown[] {
  if (Array.isArray(body)) {
    return body;
  }
  if (isRecord(body) && Array.isArray(body[key])) {
    return body[key] as unknown[];
  }
  return [];
}

/**
 * Accepts `["a", "b"]`, `[{"name": "a", "partitions": 4, "internal": false}]` or either wrapped
 * as `{"topics": [...]}`. Internal topics (`internal: true`, `__consumer_offsets`, `_schemas`) are left out.
 */
export function parseTopics(body: unknown): TopicInfo[] {
  const out: TopicInfo[] = [];
  for (const item of listOf(body, 'topics')) {
    if (typeof item === 'string' && item !== '' && !isInternal(item)) {
      out.push({ name: item });
    } else if (isRecord(item) && typeof item.name === 'string' && item.name !== '' && !isInternal(item.name, item)) {
      const p = item.partitions;
      out.push({ name: item.name, partitions: typeof p === 'number' ? p : Array.isArray(p) ? p.length : undefined });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Accepts `[0, 1, 2]`, `[{"partition": 0}]`/`[{"id": 0}]`, a count, or `{"partitions": ...}`. */
export function parsePartitions(body: unknown): number[] {
  if (typeof body === 'number') {
    return Array.from({ length: body }, (_, i) => i);
  }
  if (isRecord(body) && typeof body.partitions === 'number') {
    return parsePartitions(body.partitions);
  }
  const out: number[] = [];
  for (const item of listOf(body, 'partitions')) {
    if (typeof item === 'number') {
      out.push(item);
    } else if (isRecord(item)) {
      const id = item.partition ?? item.id;
      if (typeof id === 'number') {
        out.push(id);
      }
    }
  }
  return out.sort((a, b) => a - b);
}

export interface DriverInfo {
  code: string;
  name?: string;
  team?: string;
}

/** Accepts `["VER"]`, `[{"code": "VER", "name": "...", "team": "..."}]` or `{"drivers": [...]}`. */
export function parseDrivers(body: unknown): DriverInfo[] {
  const out: DriverInfo[] = [];
  const seen = new Set<string>();
  for (const item of listOf(body, 'drivers')) {
    let d: DriverInfo | undefined;
    if (typeof item === 'string') {
      d = { code: item };
    } else if (isRecord(item)) {
      const code = item.code ?? item.driver;
      if (typeof code === 'string') {
        d = {
          code,
          name: typeof item.name === 'string' ? item.name : undefined,
          team: typeof item.team === 'string' ? item.team : undefined,
        };
      }
    }
    if (d && d.code !== '' && !seen.has(d.code)) {
      seen.add(d.code);
      out.push(d);
    }
  }
  return out;
}

/**
 * A readable message from a failed backend call. Resource errors come back as
 * HTTP 4xx/5xx with `{"error": "..."}` or `{"message": "..."}`; getBackendSrv
 * wraps them in a FetchError whose `data` is that body.
 */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string') {
    return err;
  }
  if (!isRecord(err)) {
    return String(err);
  }
  const data = err.data;
  let text = '';
  if (typeof data === 'string' && data.trim() !== '') {
    text = data.trim();
  } else if (isRecord(data)) {
    const m = data.error ?? data.message;
    if (typeof m === 'string' && m !== '') {
      text = m;
    }
  }
  if (!text && typeof err.message === 'string' && err.message !== '') {
    text = err.message;
  }
  if (!text && typeof err.statusText === 'string' && err.statusText !== '') {
    text = err.statusText;
  }
  if (!text) {
    text = 'unknown error';
  }
  const status = err.status;
  return typeof status === 'number' && status > 0 ? `${text} (HTTP ${status})` : text;
}
