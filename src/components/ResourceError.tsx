import { Icon, Tooltip } from '@grafana/ui';
import React from 'react';

interface Props {
  /** What could not be listed, e.g. "topics". */
  what: string;
  /** The resource call's error (useResource), or undefined when it worked. */
  error?: string;
}

/** A warning icon beside a picker whose list could not be loaded; its tooltip and label say why. */
export function ResourceError({ what, error }: Props) {
  if (!error) {
    return null;
  }
  const text = `Could not list ${what}: ${error}`;
  return (
    <Tooltip content={text}>
      <span role="img" aria-label={text}>
        <Icon name="exclamation-triangle" />
      </span>
    </Tooltip>
  );
}
