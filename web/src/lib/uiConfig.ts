import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { UiConfig } from '../api/types';

let loaded: Promise<UiConfig> | undefined;

/** `GET /config`, fetched once per page load; undefined until it arrives. */
export function useUiConfig(): UiConfig | undefined {
  const [config, setConfig] = useState<UiConfig>();
  useEffect(() => {
    let active = true;
    loaded ??= api.config().catch((): UiConfig => ({ temporal_ui_workflow_url: null }));
    void loaded.then((c) => active && setConfig(c));
    return () => {
      active = false;
    };
  }, []);
  return config;
}
