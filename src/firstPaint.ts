import { DataFrame, DataQueryRequest, DataQueryResponse, LoadingState } from '@grafana/data';
import { DataQuery } from '@grafana/schema';
import { StreamOptionsProvider } from '@grafana/runtime';
import { Observable } from 'rxjs';

/**
 * Grafana hands a streaming query's answer (a frame with `meta.channel`) to the
 * panel only through that channel's Live data stream, and it holds every Live
 * emission, the first included, while the browser's main thread runs late: its
 * live timer ticks every 100 ms and closes the gate after a tick that came more
 * than 150 ms late (Grafana 12.4, `dashgrid/liveTimer.ts`, `LiveDataStream`'s
 * `bufferIfNot`). On a busy browser a panel so stays "Loading" for seconds after
 * its query answered. The page's first stream is the one most often held: Live
 * shares the timer's state without replaying it (`share()` after `startWith(true)`),
 * so only the first subscriber learns that the gate is closed when it subscribes,
 * and waits for it to open, which on a saturated 2-core machine took up to a
 * minute (the F1 dashboard's first panel to answer, Race control or Track map,
 * in the e2e suite against Grafana 12.4.0).
 *
 * FirstPaint shows the answered frames in a response packet of their own when
 * their streams have not emitted within holdMs of the answer, and withdraws each
 * one as soon as its Live stream emits: the stream's first packet starts from that
 * same frame (or from the channel's buffer, when another panel already streams
 * it), so the panel never draws both. It waits because drawing every answer twice
 * (once from here, once from its stream) cost a busy page more than it saved: in
 * Chromium against Grafana 12.4.0, showing them at once made the F1 dashboard's
 * other panels 1 to 4 s later, while a stream held back is held for seconds.
 */
export class FirstPaint<Q extends DataQuery> {
  /** How long an answer waits for its stream before it is shown on its own. */
  static holdMs = 1000;

  private readonly answers = new WeakMap<DataQueryRequest<Q>, (frame: DataFrame) => void>();

  /** Wraps the datasource's stream options provider, which Grafana calls once per channel frame of an answer. */
  provider(inner: StreamOptionsProvider<Q>): StreamOptionsProvider<Q> {
    return (request, frame) => {
      this.answers.get(request)?.(frame);
      return inner(request, frame);
    };
  }

  /** Runs a request (the backend query), showing its streaming frames before their Live streams emit. */
  run(request: DataQueryRequest<Q>, query: () => Observable<DataQueryResponse>): Observable<DataQueryResponse> {
    return new Observable<DataQueryResponse>((subscriber) => {
      const key = `pitwall-first-paint/${request.requestId}`;
      const shown = new Map<string, DataFrame>(); // channel → its answered frame, until its stream emits
      const streams = new Set<string>(); // keys of the Live streams that emitted
      let answered = 0;
      let sent = false;
      let scheduled = false;

      const send = () => {
        sent = true;
        subscriber.next({ key, state: LoadingState.Streaming, data: [...shown.values()] });
      };
      this.answers.set(request, (frame) => {
        answered++;
        shown.set(String(frame.meta?.channel ?? answered), frame);
        if (!scheduled) {
          // Grafana calls the provider for every frame of the answer, then subscribes
          // to the streams: send once all are in, unless their streams were quicker.
          scheduled = true;
          setTimeout(() => {
            if (!subscriber.closed && !sent && shown.size > 0) {
              send();
            }
          }, FirstPaint.holdMs);
        }
      });

      const sub = query().subscribe({
        next: (packet) => {
          if (packet.key && !streams.has(packet.key) && answered > 0) {
            streams.add(packet.key);
            const channel = (packet.data?.[0] as DataFrame | undefined)?.meta?.channel;
            const before = shown.size;
            if (channel && shown.has(channel)) {
              shown.delete(channel);
            } else if (streams.size >= answered) {
              // A stream whose frame no longer names its channel: once every stream
              // has emitted, none of the answered frames is needed.
              shown.clear();
            }
            if (sent && shown.size !== before) {
              send();
            }
          }
          subscriber.next(packet);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        this.answers.delete(request);
      };
    });
  }
}
