import { useEffect, useState } from 'react';

import { errorMessage } from '../resources';

export interface ResourceState<T> {
  value?: T;
  loading: boolean;
  /** A readable message when the call failed. */
  error?: string;
}

interface Answer<T> {
  key: string;
  value?: T;
  error?: string;
}

/**
 * Calls an async loader whenever `key` changes (e.g. datasource uid + topic) and
 * tracks its result; answers to an older key are ignored.
 */
export function useResource<T>(load: () => Promise<T>, key: string): ResourceState<T> {
  const [answer, setAnswer] = useState<Answer<T> | undefined>();

  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setAnswer({ key, value }),
      (err: unknown) => current && setAnswer({ key, error: errorMessage(err) })
    );
    return () => {
      current = false;
    };
    // The key names everything the loader depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (answer?.key !== key) {
    // Keep showing the previous value while the new one loads.
    return { value: answer?.value, loading: true };
  }
  return { value: answer.value, error: answer.error, loading: false };
}
