/**
 * An in-memory stand-in for Grafana's HTTP API (the BackendSrv that
 * DataSourceWithBackend and getBackendSrv use), for tests. It answers by route,
 * records every request, and fails like Grafana does: a FetchError-shaped
 * object with the HTTP status and the JSON body.
 */
import { BackendSrv, BackendSrvRequest, FetchResponse, setBackendSrv } from '@grafana/runtime';
import { Observable, of, throwError } from 'rxjs';

export interface Recorded {
  method: string;
  url: string;
  data?: unknown;
  params?: unknown;
  showErrorAlert?: boolean;
}

export interface Answer {
  status?: number;
  data: unknown;
}

type Handler = (req: Recorded) => Answer | Promise<Answer>;

interface Route {
  method: string;
  path: string | RegExp;
  handler: Handler;
}

export class FakeBackend {
  readonly requests: Recorded[] = [];
  private routes: Route[] = [];

  /** Answers requests whose URL ends with `path` (or matches the RegExp). The latest route wins. */
  on(method: string, path: string | RegExp, answer: Answer | Handler): this {
    const handler = typeof answer === 'function' ? answer : () => answer;
    this.routes.unshift({ method, path, handler });
    return this;
  }

  /** Requests to a path (URL ending), in order. */
  to(method: string, path: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.url.endsWith(path));
  }

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    const req: Recorded = {
      method: (options.method ?? 'GET').toUpperCase(),
      url: options.url,
      data: options.data,
      params: options.params,
      showErrorAlert: options.showErrorAlert,
    };
    this.requests.push(req);
    const route = this.routes.find(
      (r) => r.method === req.method && (typeof r.path === 'string' ? req.url.endsWith(r.path) : r.path.test(req.url))
    );
    if (!route) {
      return throwError(() => ({ status: 404, statusText: 'Not Found', data: { message: `no route for ${req.url}` } }));
    }
    return new Observable<FetchResponse<T>>((sub) => {
      Promise.resolve(route.handler(req)).then((answer) => {
        const status = answer.status ?? 200;
        if (status >= 400) {
          sub.error({ status, statusText: 'Error', data: answer.data, config: options });
          return;
        }
        sub.next(response<T>(answer.data as T, status, options));
        sub.complete();
      });
    });
  }

  /** Installs this fake as Grafana's BackendSrv. */
  install(): this {
    setBackendSrv(this as unknown as BackendSrv);
    return this;
  }
}

function response<T>(data: T, status: number, config: BackendSrvRequest): FetchResponse<T> {
  return {
    data,
    status,
    statusText: 'OK',
    ok: true,
    headers: new Headers(),
    redirected: false,
    type: 'basic',
    url: config.url,
    config,
  };
}

export const noAnswer = (): Observable<never> => of();
